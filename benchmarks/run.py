"""Measure what the harness costs beyond the producer's own time; prints figures and ratios from one run.

    .venv/bin/python benchmarks/run.py            # all sections (the corpus is read from ../shared if present)
    .venv/bin/python benchmarks/run.py transport  # one section: contracts, validation, transport, producer, suite

Nothing here is a pass/fail test: the numbers depend on the machine. Ratios compare against
a baseline measured in the same run on the same machine, so they travel better.
"""

from __future__ import annotations

import concurrent.futures
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from lxml import etree

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from harness import xmlsafe  # noqa: E402
from harness.bundled import reference_fixtures  # noqa: E402
from harness.certs import generate_test_pki, load_client_credentials  # noqa: E402
from harness.contracts import load_contracts, load_package  # noqa: E402
from harness.contracts.sample import sample_payload  # noqa: E402
from harness.producer.httpserver import HttpsServer, Response, server_context  # noqa: E402
from harness.soap import request_envelope  # noqa: E402
from harness.transport.client import CONTENT_TYPE, RivtaClient  # noqa: E402
from harness.transport.tls import client_context  # noqa: E402

CORPUS = Path(os.environ.get("RIVTA_CORPUS", REPO.parent / "shared" / "rivta-corpus"))
EXAMPLE = REPO / "contracts" / "example_clinicalprocess_notes"
PING = REPO / "contracts" / "itintegration_monitoring"


def timed(action: Callable[[], object], repeat: int = 1) -> float:
    """Median seconds of ``repeat`` runs."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def line(label: str, value: str) -> None:
    print(f"  {label:<58} {value}")


def contracts_section() -> None:
    print("Contract loading")
    sets = sorted(p for p in (CORPUS / "contracts").glob("*/*") if p.is_dir()) if CORPUS.is_dir() else [EXAMPLE, PING]
    cold = timed(lambda: [load_package(s) for s in sets])
    warm = timed(lambda: [load_package(s) for s in sets], repeat=3)
    line(f"cold load of {len(sets)} contract sets (zeep + lxml)", f"{cold:.3f} s")
    line("warm load of the same sets (cached by content)", f"{warm:.3f} s  ({cold / warm:.0f}x faster)")
    models = timed(lambda: [c.schema.model for s in sets for c in load_package(s).contracts])
    line("xmlschema models for detailed findings (lazy, once)", f"{models:.3f} s")


def _big_response(records: int) -> etree._Element:
    fixture = etree.fromstring((reference_fixtures() / "GetClinicalNotes_1.response.xml").read_bytes())
    note = fixture[0]
    for index in range(records):
        copy = etree.fromstring(etree.tostring(note))
        copy.find("{*}header/{*}documentId").text = f"N-{index:07d}"
        fixture.insert(0, copy)
    return etree.fromstring(etree.tostring(fixture))


def validation_section() -> None:
    print("Validation")
    (contract,) = load_contracts(EXAMPLE)
    response = _big_response(9000)
    size = len(etree.tostring(response))
    contract.schema.is_valid(response)
    fast = timed(lambda: contract.schema.is_valid(response), repeat=5)
    line(f"fast path (lxml) on a {size / 1e6:.1f} MB response", f"{fast:.3f} s (target <= 0.2 s)")
    response[5].find("{*}header/{*}documentTime").text = "yesterday"
    detailed = timed(lambda: contract.schema.validate(response))
    line("same response with one error: findings with path and line", f"{detailed:.3f} s")


def transport_section() -> None:
    print("Transport (keep-alive, loopback, against a bare TLS server answering a fixed SOAP body)")
    with tempfile.TemporaryDirectory() as tmp:
        pki = generate_test_pki(Path(tmp) / "pki")
        (contract,) = load_contracts(EXAMPLE)
        body = (reference_fixtures() / "GetClinicalNotes_1.response.xml").read_bytes()
        answer = b"<?xml version='1.0' encoding='UTF-8'?><s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body>"
        answer += body.split(b"?>", 1)[1].split(b"-->", 1)[1] + b"</s:Body></s:Envelope>"
        context = server_context(
            certfile=str(pki.producer_cert), keyfile=str(pki.producer_key), cafile=str(pki.ca_bundle)
        )
        with HttpsServer(lambda r: Response(200, answer, [("Content-Type", CONTENT_TYPE)]), context) as server:
            credentials = load_client_credentials(cert=pki.consumer_cert, key=pki.consumer_key)
            payload = sample_payload(contract)
            envelope = request_envelope(contract, payload, logical_address="SE1234567890-LA01")
            headers = {"Content-Type": CONTENT_TYPE, "SOAPAction": f'"{contract.operation.soap_action}"'}
            raw = httpx.Client(
                verify=client_context(credentials=credentials, ca_bundle=[pki.ca_bundle], verify_hostname=False)
            )
            harness_client = RivtaClient(server.url, credentials=credentials, ca_bundle=[pki.ca_bundle])

            def bare() -> None:
                response = raw.post(server.url, content=envelope, headers=headers)
                xmlsafe.parse(response.content, source="bench")

            def ours() -> None:
                exchange = harness_client.call(contract, envelope, logical_address=None, label="bench")
                assert exchange.envelope is not None

            for _ in range(50):
                bare()
                ours()
            # Alternate short rounds so drift in machine load hits both sides alike.
            n = 60
            pairs = [
                (timed(lambda: [bare() for _ in range(n)]) / n, timed(lambda: [ours() for _ in range(n)]) / n)
                for _ in range(9)
            ]
            baseline = statistics.median(b for b, _ in pairs)
            harness_cost = statistics.median(o for _, o in pairs)
            line("bare httpx + lxml round trip", f"{baseline * 1000:.2f} ms")
            line(
                "harness call (recorded exchange, timings, TLS facts)",
                f"{harness_cost * 1000:.2f} ms  ({harness_cost / baseline:.2f}x, target <= 1.3x)",
            )

            def fresh() -> None:
                with RivtaClient(server.url, credentials=credentials, ca_bundle=[pki.ca_bundle]) as client:
                    client.call(contract, envelope, logical_address=None, label="bench")

            handshake = timed(fresh, repeat=20)
            line("new connection with full mTLS handshake + call", f"{handshake * 1000:.2f} ms")
            raw.close()
            harness_client.close()


def _serve_echo(cert: str, key: str, ca: str) -> None:
    """Subprocess entry: a bare TLS server that returns the request body (the latency baseline)."""
    context = server_context(certfile=cert, keyfile=key, cafile=ca)
    server = HttpsServer(lambda r: Response(200, r.body, [("Content-Type", CONTENT_TYPE)]), context).start()
    print(f"listening on {server.url}", flush=True)
    sys.stdin.read()


def _start(command: list[str], marker: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        command, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    for output in process.stdout:
        if marker in output:
            return process, output.split(marker, 1)[1].split()[0]
    raise RuntimeError(f"{command} did not start")


def _timed_calls(client: RivtaClient, contract: object, envelope: bytes, count: int) -> list[float]:
    return [client.call(contract, envelope, logical_address=None, label="b").timing.total_ms for _ in range(count)]  # type: ignore[arg-type]


def producer_section() -> None:
    print("Reference producer (its own process; 10 concurrent keep-alive clients in this one)")
    with tempfile.TemporaryDirectory() as tmp:
        pki = generate_test_pki(Path(tmp) / "pki")
        credentials = load_client_credentials(cert=pki.consumer_cert, key=pki.consumer_key)
        (contract,) = load_contracts(EXAMPLE)
        envelope = request_envelope(contract, sample_payload(contract), logical_address="SE1234567890-LA01")
        servers = [
            ("bare TLS echo server", [sys.executable, __file__, "_echo", str(pki.producer_cert), str(pki.producer_key), str(pki.ca_bundle)], "listening on "),
            ("reference producer (GetClinicalNotes, 7 notes)", [sys.executable, "-m", "harness", "producer", "serve", "--pki-dir", str(pki.directory)], "listening on "),
        ]  # fmt: skip
        medians = []
        for label, command, marker in servers:
            process, url = _start(command, marker)
            try:
                clients = [RivtaClient(url, credentials=credentials, ca_bundle=[pki.ca_bundle]) for _ in range(10)]
                for client in clients:
                    client.call(contract, envelope, logical_address=None, label="warm-up")
                start = time.perf_counter()
                with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
                    latencies = [
                        ms
                        for batch in pool.map(lambda c: _timed_calls(c, contract, envelope, 100), clients)
                        for ms in batch
                    ]
                elapsed = time.perf_counter() - start
                medians.append(statistics.median(latencies))
                line(label, f"{len(latencies) / elapsed:.0f} requests/s, median latency {medians[-1]:.2f} ms")
                for client in clients:
                    client.close()
            finally:
                process.terminate()
                process.wait(timeout=20)
        line("median latency the producer adds over the echo server", f"{medians[1] - medians[0]:.2f} ms")


def suite_section() -> None:
    print("Conformance run (generic + example TK suite against the embedded producer)")
    with tempfile.TemporaryDirectory() as tmp:
        command = [sys.executable, "-m", "harness", "run", "-q", "--report-dir", tmp]
        start = time.perf_counter()
        result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - start
        summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-200:]
        line("wall time of `rivta-harness run` incl. start-up and report", f"{wall:.2f} s (target <= 10 s): {summary}")
        import json

        document = json.loads((Path(tmp) / "self-declaration.json").read_text(encoding="utf-8"))
        check_time = sum(c["duration_s"] for c in document["checks"])
        calls = document["sla"]["calls"]
        producer_time = document["sla"]["average_s"] * calls
        line(
            f"time inside {len(document['checks'])} checks / in {calls} producer calls",
            f"{check_time:.2f} s / {producer_time:.2f} s",
        )
        line(
            "per-check overhead beyond its calls (plugin, checks, evidence)",
            f"{(check_time - producer_time) / len(document['checks']) * 1000:.1f} ms",
        )


SECTIONS = {
    "contracts": contracts_section,
    "validation": validation_section,
    "transport": transport_section,
    "producer": producer_section,
    "suite": suite_section,
}

if __name__ == "__main__":
    if sys.argv[1:2] == ["_echo"]:
        _serve_echo(*sys.argv[2:5])
        raise SystemExit(0)
    chosen = sys.argv[1:] or list(SECTIONS)
    for name in chosen:
        SECTIONS[name]()
