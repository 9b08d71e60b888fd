"""How many checked calls per second one Locust worker makes, and two: the generator must never be the bottleneck.

    .venv/bin/python benchmarks/load_generator.py [seconds] [rounds]

The producer is nginx with mutual TLS serving one fixed SOAP answer (installed from Debian
when missing and we are root), so it is not itself the limit. Every call is a keep-alive mTLS
POST whose answer is parsed, compared with the expected answer and searched for another
patient's id: exactly what a virtual user does in a real run. Also measured: the average
time of one call through the generator vs a bare http.client call on the same connection
kind, i.e. what the generator adds per call. A rate is the sustained one: the median of the
whole one-second slices, without the first (users starting) and the last (stopping).

On a 2-core machine nginx shares the cores with the workers, so the two-worker ratio is
bounded by 2 minus the cores nginx itself uses; the benchmark measures that share (CPU time
of nginx's processes per run) and prints the bound beside the ratio. One and two workers
alternate for several rounds and the median ratio is reported with its spread, because a
neighbour on the host moves a single pair by several hundredths.
"""

from __future__ import annotations

import http.client
import os
import shutil
import socket
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import psutil

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
    open_file_cache max=4 inactive=1h;  # the one answer file stays open: no open/stat/close per call
    open_file_cache_valid 1h;
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


def wait_until_listening(server: subprocess.Popen, port: int, limit_s: float = 10.0) -> None:
    """Return once nginx accepts connections; exit if it stopped (its error log says why) or never listens."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"nginx stopped at start (exit status {server.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nginx did not listen on port {port} within {limit_s:g} s")


def bare_call_times_ms(port: int, pki, body: bytes, calls: int = 2000) -> list[float]:
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
    return times


def cpu_seconds(processes: list[psutil.Process]) -> float:
    """User + system CPU time of these processes so far."""
    return sum(sum(p.cpu_times()[:2]) for p in processes)


def sustained_rps(result: dict) -> float:
    """Median calls per whole second between the first and the last (partial, ramping) one-second slices."""
    inner = [piece["requests"] for piece in result["slices"][1:-1]]
    return statistics.median(inner) if inner else result["throughput_rps"]


def measured(run, nginx: list[psutil.Process], seconds: float) -> tuple[dict, float]:
    """The generator's result and the cores nginx used meanwhile (it idles while Locust starts and stops)."""
    before = cpu_seconds(nginx)
    result = run()
    return result, (cpu_seconds(nginx) - before) / seconds


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 10.0
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 3
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
            wait_until_listening(server, port)
            url = f"https://localhost:{port}/"
            credentials = sealed_credentials(load_client_credentials(cert=pki.consumer_cert, key=pki.consumer_key))
            print(
                f"nginx (1 worker process, mutual TLS, fixed {len(answer.read_bytes())}-byte SOAP answer), {seconds:g} s each"
            )
            nginx_processes = [psutil.Process(server.pid), *psutil.Process(server.pid).children()]

            def run(users: int, workers: int) -> dict:
                plan = plan_for(url, pki, body, digest, users=users, seconds=seconds)
                return generate(plan, credentials, workers=workers, master_bind=None, ui_port=None).result

            ratios = []
            for round_number in range(1, rounds + 1):
                one, one_nginx = measured(lambda: run(50, 0), nginx_processes, seconds)
                two, two_nginx = measured(lambda: run(100, 2), nginx_processes, seconds)
                failed = one["failures"] + two["failures"]
                if failed:  # refused or wrong answers are counted as calls too: such a rate measures nothing
                    sys.exit(
                        f"round {round_number}: {failed} calls failed ({one['failure_kinds']} / {two['failure_kinds']})"
                    )
                ratio = sustained_rps(two) / sustained_rps(one)
                ratios.append(ratio)
                print(
                    f"  round {round_number}: one worker (50 users) {sustained_rps(one):6.0f} calls/s"
                    f" (run average {one['throughput_rps']:.0f}), p50 {one['p50_ms']} ms,"
                    f" nginx {one_nginx:.2f} cores | two workers (100 users)"
                    f" {sustained_rps(two):6.0f} calls/s (run average {two['throughput_rps']:.0f}), nginx {two_nginx:.2f} cores"
                    f" | {ratio:.2f}× (bound on 2 cores ≈ {2 - two_nginx:.2f}×, reached {ratio / (2 - two_nginx):.0%})"
                )
            print(
                f"  two workers vs one: median {statistics.median(ratios):.2f}× over {rounds} rounds"
                f" (min {min(ratios):.2f}, max {max(ratios):.2f}); every call answered and checked"
            )
            single = generate(
                plan_for(url, pki, body, digest, users=1, seconds=seconds / 2),
                credentials,
                workers=0,
                master_bind=None,
                ui_port=None,
            ).result
            bare = bare_call_times_ms(port, pki, body)
            print(
                f"  one user through the generator: avg {single['avg_ms']:.3f} ms, p50 {single['p50_ms']} ms"
                f" (Locust's 1 ms rounding); bare http.client: avg {statistics.mean(bare):.3f} ms,"
                f" p50 {statistics.median(bare):.3f} ms; added on average {single['avg_ms'] - statistics.mean(bare):+.3f} ms"
            )
        finally:
            server.terminate()
            server.wait()
            log = workdir / "error.log"
            errors = log.read_text(errors="replace").splitlines() if log.exists() else []
            if errors:
                print(f"  nginx error log: {len(errors)} lines, last: {errors[-1][:300]}")


if __name__ == "__main__":
    main()
