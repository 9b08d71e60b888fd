"""Shared configuration for the project's own tests (the harness plugin registers itself via pytest11)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent
CONTRACTS = REPO / "contracts"
EXAMPLE_CONTRACT = CONTRACTS / "example_clinicalprocess_notes"
PING_CONTRACT = CONTRACTS / "itintegration_monitoring"


def corpus_path() -> Path:
    """The real RIVTA corpus: $RIVTA_CORPUS, else ../shared/rivta-corpus beside the checkout."""
    configured = os.environ.get("RIVTA_CORPUS")
    return Path(configured) if configured else REPO.parent / "shared" / "rivta-corpus"


@pytest.fixture(scope="session")
def corpus() -> Path:
    """Path of the corpus; tests that need it are skipped, with the reason shown, when it is absent."""
    path = corpus_path()
    if not (path / "contracts").is_dir():
        pytest.skip(f"RIVTA corpus not found at {path}; set RIVTA_CORPUS to its folder")
    return path


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory):
    """One throwaway test PKI for the whole session (generated with cryptography, never committed)."""
    from harness.certs import generate_test_pki

    return generate_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="session")
def client_credentials(pki):
    """The consumer function certificate of the session PKI, loaded."""
    from harness.certs import load_client_credentials

    return load_client_credentials(cert=pki.consumer_cert, key=pki.consumer_key)


@pytest.fixture(scope="session")
def example_contract():
    from harness.contracts import load_contracts

    return load_contracts(EXAMPLE_CONTRACT)[0]


@pytest.fixture(scope="session")
def ping_contract():
    from harness.contracts import load_contracts

    return load_contracts(PING_CONTRACT)[0]


def tls_server(app, pki, *, cert=None, key=None, client_ca=None, require_client_certificate=True):
    """A real HTTPS server on 127.0.0.1 running ``app`` (use as a context manager)."""
    from harness.producer.httpserver import HttpsServer, server_context

    context = server_context(
        certfile=str(cert or pki.producer_cert),
        keyfile=str(key or pki.producer_key),
        cafile=str(client_ca or pki.ca_bundle),
        require_client_certificate=require_client_certificate,
    )
    return HttpsServer(app, context)


def reference_producer(pki, contracts, *, fault=None, slow_seconds=2.0, latency_ms=0):
    """The reference producer on a free port with the session PKI (use as a context manager)."""
    from harness.bundled import reference_fixtures
    from harness.producer.runtime import ServerCertificates, start_reference_producer

    return start_reference_producer(
        contracts,
        fixtures_dir=reference_fixtures(),
        certificates=ServerCertificates(pki.producer_cert, pki.producer_key, pki.ca_bundle),
        fault=fault,
        slow_seconds=slow_seconds,
        latency_ms=latency_ms,
    )


def forwarding_app(pki, producer_url: str, rule):
    """An app for ``tls_server`` that answers a call itself when ``rule(request)`` gives a Response,
    and otherwise forwards it to ``producer_url`` with the session PKI's consumer certificate
    (a platform or TLS-terminator stand-in). Returns (app, upstream client to close)."""
    from harness.certs import load_client_credentials
    from harness.producer.httpserver import Response
    from harness.transport.client import CONSUMER_HSA_HEADER, CORRELATION_HEADER, RivtaClient

    upstream = RivtaClient(
        producer_url,
        credentials=load_client_credentials(cert=pki.consumer_cert, key=pki.consumer_key),
        ca_bundle=[pki.ca_bundle],
    )
    forwarded = ("content-type", "soapaction", CONSUMER_HSA_HEADER, CORRELATION_HEADER)

    def app(request):
        answer = rule(request)
        if answer is not None:
            return answer
        headers = {name: request.header(name) for name in forwarded if request.header(name) is not None}
        exchange = upstream.post(request.body, headers, label="forwarded")
        return Response(exchange.status or 502, exchange.response_body, list(exchange.response_headers))

    return app, upstream


def start_command(*args: str):
    """Run ``python -m harness ARGS`` until it prints "Stop with Ctrl-C"; return (process, lines printed)."""
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "harness", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines = []
    for line in process.stdout:
        lines.append(line)
        if line.startswith("Stop with Ctrl-C"):
            break
    return process, lines
