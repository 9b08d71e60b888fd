"""Correct refusals are refusals: every honest way a TLS terminator turns away an unauthenticated
caller counts for rivta.mutual-tls, against real TLS servers on loopback.

The servers ask for a client certificate without demanding one (as nginx with
``ssl_verify_client optional`` or a TLS 1.3 server that judges the certificate after the
handshake), then refuse the anonymous caller in their own way; callers with our function
certificate are forwarded to the reference producer.
"""

from __future__ import annotations

import socket
import ssl
import threading

import pytest

from conftest import EXAMPLE_CONTRACT, PING_CONTRACT, REPO, forwarding_app, reference_producer
from harness.checks import access
from harness.contracts.sample import sample_payload
from harness.producer.httpserver import HttpsServer, ResetConnection, Response, server_context
from harness.transport.client import RivtaClient
from harness.transport.problems import ProblemKind

SUITES = str(REPO / "testsuites")
NGINX_400 = (
    b"<html><head><title>400 No required SSL certificate was sent</title></head><body>"
    b"<center><h1>400 Bad Request</h1></center><center>No required SSL certificate was sent</center></body></html>"
)


def close_connection(request):
    raise ResetConnection


def nginx_400(request):
    return Response(400, NGINX_400, [("Content-Type", "text/html")])


REFUSERS = {"closes-after-handshake": close_connection, "nginx-400": nginx_400}


def optional_client_certificate_server(app, pki) -> HttpsServer:
    context = server_context(certfile=str(pki.producer_cert), keyfile=str(pki.producer_key), cafile=str(pki.ca_bundle))
    context.verify_mode = ssl.CERT_OPTIONAL
    return HttpsServer(app, context)


def refusing(refuse):
    return lambda request: refuse(request) if request.client_certificate is None else None


def anonymous_call(app, pki, contract):
    """One call without a client certificate to a server running ``app``."""
    with optional_client_certificate_server(app, pki) as server:
        url = server.url.replace("127.0.0.1", "localhost")
        with RivtaClient(url, ca_bundle=[pki.ca_bundle]) as anonymous:
            return anonymous.call(contract, sample_payload(contract), logical_address="x", label="a")


def answer(request):
    return Response(200, b"<ok/>", [("Content-Type", "text/xml")])


@pytest.mark.parametrize("name", list(REFUSERS))
def test_anonymous_call_refused_after_the_handshake_is_a_refusal(pki, example_contract, name) -> None:
    exchange = anonymous_call(lambda r: refusing(REFUSERS[name])(r) or answer(r), pki, example_contract)
    assert access.refusal(exchange) is not None
    assert access.acceptance_findings(exchange, "without a client certificate") == []


def test_close_right_after_the_handshake_without_an_alert_is_a_refusal(pki, example_contract) -> None:
    """A TLS 1.3 server that finds no client certificate and closes, before reading any request."""
    context = server_context(certfile=str(pki.producer_cert), keyfile=str(pki.producer_key), cafile=str(pki.ca_bundle))
    context.verify_mode = ssl.CERT_OPTIONAL
    context.minimum_version = ssl.TLSVersion.TLSv1_3
    listener = socket.create_server(("127.0.0.1", 0))
    handshakes: list[bool] = []

    def serve_one() -> None:
        raw, _ = listener.accept()
        with context.wrap_socket(raw, server_side=True) as tls:
            handshakes.append(tls.getpeercert() is None)  # handshake done, no certificate: close, no alert

    server = threading.Thread(target=serve_one, daemon=True)
    server.start()
    url = f"https://localhost:{listener.getsockname()[1]}/x"
    with listener, RivtaClient(url, ca_bundle=[pki.ca_bundle]) as anonymous:
        exchange = anonymous.call(example_contract, sample_payload(example_contract), logical_address="x", label="a")
        server.join(5)
    assert handshakes == [True], "the handshake completed before the close"
    assert (exchange.status, exchange.problem.kind) == (None, ProblemKind.RESET), "no alert, just a close"
    assert access.refusal(exchange) is not None
    assert access.acceptance_findings(exchange, "without a client certificate") == []


def test_an_answer_is_not_a_refusal(pki, example_contract) -> None:
    exchange = anonymous_call(answer, pki, example_contract)
    assert access.refusal(exchange) is None
    assert access.acceptance_findings(exchange, "without a client certificate") == [
        "a call without a client certificate was not refused (HTTP 200, HTTP 200: XML, but not a SOAP envelope)"
    ]


@pytest.mark.parametrize("name", list(REFUSERS))
def test_mutual_tls_check_passes_behind_a_refusing_terminator(pytester: pytest.Pytester, pki, name) -> None:
    from harness.contracts import load_contracts

    contracts = [*load_contracts(EXAMPLE_CONTRACT), *load_contracts(PING_CONTRACT)]
    with reference_producer(pki, contracts) as producer:
        app, upstream = forwarding_app(pki, producer.url.replace("127.0.0.1", "localhost"), refusing(REFUSERS[name]))
        with optional_client_certificate_server(app, pki) as server, upstream:
            recorder = pytester.inline_run(
                SUITES, "-p", "no:cacheprovider", "-k", "mutual_tls",
                "--producer-url", server.url.replace("127.0.0.1", "localhost"),
                "--logical-address", producer.logical_address,
                "--cert", str(pki.consumer_cert), "--key", str(pki.consumer_key), "--ca-bundle", str(pki.ca_bundle),
                "--contract", str(EXAMPLE_CONTRACT), "--contract", str(PING_CONTRACT),
            )  # fmt: skip
    found = [r.rivta for r in recorder.getreports("pytest_runtest_logreport") if hasattr(r, "rivta")]
    assert [(r["check"], r["verdict"]) for r in found] == [("rivta.mutual-tls", "passed")] * 2
