"""How many checked calls per second one Locust worker makes, and two: the generator must never be the bottleneck.

    .venv/bin/python benchmarks/load_generator.py [seconds]

The producer is nginx with mutual TLS serving one fixed SOAP answer (installed from Debian
when missing and we are root), so it is not itself the limit. Every call is a keep-alive mTLS
POST whose answer is parsed, compared with the expected answer and searched for another
patient's id: exactly what a virtual user does in a real run. Also measured: the average
time of one call through the generator vs a bare http.client call on the same connection
kind, i.e. what the generator adds per call.
"""

from __future__ import annotations

import http.client
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harness import xmlsafe  # noqa: E402
from harness.bundled import reference_fixtures  # noqa: E402
from harness.certs import generate_test_pki, load_client_credentials  # noqa: E402
from harness.contracts import load_contracts  # noqa: E402
from harness.contracts.sample import sample_payload  # noqa: E402
from harness.load.answers import payload_digest  # noqa: E402
from harness.load.processes import free_port, generate, sealed_credentials  # noqa: E402
from harness.load.profiles import Profile  # noqa: E402
from harness.producer.fixtures import load_fixtures  # noqa: E402
from harness.producer.httpserver import Request  # noqa: E402
from harness.producer.service import ReferenceProducer  # noqa: E402
from harness.soap import request_envelope  # noqa: E402

EXAMPLE = REPO / "contracts" / "example_clinicalprocess_notes"
PATIENT, OTHER = "191212129819", "195004279807"


def ensure_nginx() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if found:
        return found
    if os.geteuid() != 0:
        sys.exit("nginx is missing and we are not root: apt-get install nginx")
    subprocess.run(["apt-get", "update", "-qq"], check=True)
    subprocess.run(["apt-get", "install", "-y", "-qq", "nginx"], check=True, stdout=subprocess.DEVNULL)
    return shutil.which("nginx") or "/usr/sbin/nginx"


def nginx_conf(workdir: Path, pki, port: int, answer: Path) -> Path:
    conf = workdir / "nginx.conf"
    conf.write_text(
        f"""
worker_processes 1;
daemon off;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/body;
    keepalive_requests 10000000;
    server {{
        listen 127.0.0.1:{port} ssl;
        ssl_certificate {pki.producer_cert};
        ssl_certificate_key {pki.producer_key};
        ssl_client_certificate {pki.ca_bundle};
        ssl_verify_client on;
        location / {{
            default_type "text/xml; charset=UTF-8";
            root {answer.parent};
            rewrite ^ /{answer.name} break;
            error_page 405 =200 $uri;  # static files refuse POST; answer it like a GET
        }}
    }}
}}
""",
        encoding="utf-8",
    )
    return conf


def plan_for(url: str, pki, body: bytes, digest: str, *, users: int, seconds: float) -> dict:
    profile = Profile("bench", "", "-", users=users, duration_s=seconds, think_min_s=0.0, think_max_s=0.0)
    return {
        "url": url, "verify_hostname": True, "ca_pem": Path(pki.ca_bundle).read_text(), "connect_timeout": 10.0,
        "read_timeout": 30.0, "sla_seconds": 27.0, "headers": {"Content-Type": "text/xml; charset=UTF-8"},
        "requests": [{"patient": PATIENT, "digest": digest, "body": body.decode()}], "patients": [PATIENT, OTHER],
        "profile": asdict(profile), "slice_s": 1,
    }  # fmt: skip


def bare_average_ms(port: int, pki, body: bytes, calls: int = 2000) -> float:
    context = ssl.create_default_context(cafile=str(pki.ca_bundle))
    context.load_cert_chain(str(pki.consumer_cert), str(pki.consumer_key))
    connection = http.client.HTTPSConnection("localhost", port, context=context)
    times = []
    for _ in range(calls):
        begin = time.perf_counter()
        connection.request("POST", "/", body=body, headers={"Content-Type": "text/xml; charset=UTF-8"})
        connection.getresponse().read()
        times.append((time.perf_counter() - begin) * 1000)
    connection.close()
    return statistics.mean(times)


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    nginx = ensure_nginx()
    (contract,) = load_contracts(EXAMPLE)
    with tempfile.TemporaryDirectory(prefix="rivta-bench-") as tmp:
        workdir = Path(tmp)
        workdir.chmod(0o755)  # nginx's worker runs as an unprivileged user and reads the answer from here
        (workdir / "body").mkdir(mode=0o777)
        pki = generate_test_pki(workdir / "pki")
        answer = workdir / "answer.xml"
        body = request_envelope(
            contract, sample_payload(contract, {"patientId/extension": PATIENT}), logical_address="X"
        )
        producer = ReferenceProducer([contract], load_fixtures(reference_fixtures()))
        headers = {"soapaction": f'"{contract.operation.soap_action}"'}
        answer.write_bytes(producer(Request("POST", "/", headers, body, None)).body)  # the reference answer for PATIENT
        digest = payload_digest(xmlsafe.parse(answer.read_bytes(), source="answer")[-1][0])
        port = free_port()
        server = subprocess.Popen([nginx, "-c", str(nginx_conf(workdir, pki, port, answer))])
        try:
            time.sleep(0.5)
            url = f"https://localhost:{port}/"
            credentials = sealed_credentials(load_client_credentials(cert=pki.consumer_cert, key=pki.consumer_key))
            print(
                f"nginx (1 worker process, mutual TLS, fixed {len(answer.read_bytes())}-byte SOAP answer), {seconds:g} s each"
            )
            one = generate(
                plan_for(url, pki, body, digest, users=50, seconds=seconds),
                credentials,
                workers=0,
                master_bind=None,
                ui_port=None,
            ).result
            print(
                f"  one Locust worker, 50 users:  {one['throughput_rps']:8.0f} calls/s  p50 {one['p50_ms']} ms  failures {one['failures']}"
            )
            two = generate(
                plan_for(url, pki, body, digest, users=100, seconds=seconds),
                credentials,
                workers=2,
                master_bind=None,
                ui_port=None,
            ).result
            print(
                f"  two Locust workers, 100 users: {two['throughput_rps']:8.0f} calls/s  ({two['throughput_rps'] / one['throughput_rps']:.2f}× one)  failures {two['failures']}"
            )
            single = generate(
                plan_for(url, pki, body, digest, users=1, seconds=seconds / 2),
                credentials,
                workers=0,
                master_bind=None,
                ui_port=None,
            ).result
            bare = bare_average_ms(port, pki, body)
            print(
                f"  one user through the generator: avg {single['avg_ms']:.3f} ms; bare http.client: {bare:.3f} ms; added {single['avg_ms'] - bare:+.3f} ms"
            )
            mixed = sum(v for k, v in {**one["failure_kinds"], **two["failure_kinds"]}.items() if k != "over-sla")
            print(f"  failed or mismatched answers in all runs: {mixed}")
        finally:
            server.terminate()
            server.wait()
            errors = (workdir / "error.log").read_text(errors="replace").splitlines()
            if errors:
                print(f"  nginx error log: {len(errors)} lines, last: {errors[-1][:300]}")


if __name__ == "__main__":
    main()
