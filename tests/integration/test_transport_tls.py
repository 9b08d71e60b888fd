"""The transport against real TLS servers on 127.0.0.1: every failure class recognised and explained."""

from __future__ import annotations

import gzip
import logging
import os
import socket
import threading
import time

import pytest

from conftest import tls_server
from harness.certs import load_client_credentials
from harness.contracts.sample import sample_payload
from harness.errors import TransportError
from harness.producer.httpserver import ResetConnection, Response
from harness.transport.client import CONSUMER_HSA_HEADER, RivtaClient, TransportSettings, require_answer
from harness.transport.problems import ProblemKind

SOAP_OK = (
    b"<?xml version='1.0' encoding='UTF-8'?><s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'>"
    b"<s:Body><ok xmlns='urn:test'/></s:Body></s:Envelope>"
)


def vp_fault(code: str, fault: str = "Client") -> bytes:
    return (
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<soapenv:Envelope xmlns:soapenv='http://schemas.xmlsoap.org/soap/envelope/'><soapenv:Body><soapenv:Fault>"
        f"<faultcode>soapenv:{fault}</faultcode><faultstring>{code} [NTjP TEST] Meddelande från plattformen</faultstring>"
        "<detail><detailString>detail text</detailString></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    ).encode()


def ok_app(request):
    return Response(200, SOAP_OK, [("Content-Type", "text/xml; charset=UTF-8")])


def client_for(server, pki, credentials, **settings) -> RivtaClient:
    return RivtaClient(
        server.url.replace("127.0.0.1", "localhost"),
        credentials=credentials,
        ca_bundle=[pki.ca_bundle],
        settings=TransportSettings(**settings),
    )


def test_mutual_tls_call_records_the_exchange(pki, client_credentials, example_contract) -> None:
    seen = {}

    def app(request):
        seen.update(request.headers)
        seen["cert"] = request.client_certificate
        return ok_app(request)

    with tls_server(app, pki) as server, client_for(server, pki, client_credentials) as client:
        exchange = client.call(
            example_contract, sample_payload(example_contract), logical_address="SE1234567890-LA01", label="valid"
        )
        again = client.call(example_contract, sample_payload(example_contract), logical_address="x", label="reuse")
    assert exchange.problem is None
    assert exchange.status == 200
    assert exchange.response_body == SOAP_OK
    assert exchange.tls is not None
    assert exchange.tls.version in ("TLSv1.2", "TLSv1.3")
    assert "SE1234567890-PRD1" in exchange.tls.peer_chain[0].subject
    assert len(exchange.tls.peer_chain[0].sha256) == 95
    assert exchange.timing.tls_ms is not None
    assert again.timing.tls_ms is None, "the second call reuses the connection"
    assert seen["content-type"] == "text/xml; charset=UTF-8"
    assert seen["soapaction"] == f'"{example_contract.operation.soap_action}"'
    assert seen[CONSUMER_HSA_HEADER] == pki.hsa_id
    assert seen["x-skltp-correlation-id"]
    assert b"<riv:LogicalAddress>SE1234567890-LA01</riv:LogicalAddress>" in exchange.request_body
    assert any(pair[1] == pki.hsa_id for rdn in seen["cert"]["subject"] for pair in rdn)


def test_consumer_header_can_be_overridden_or_left_out(pki, client_credentials, example_contract) -> None:
    headers: list[dict[str, str]] = []

    def app(request):
        headers.append(request.headers)
        return ok_app(request)

    with tls_server(app, pki) as server, client_for(server, pki, client_credentials) as client:
        client.call(example_contract, b"<x/>", logical_address=None, label="a", consumer_hsa_id="SE1234567890-OTHR")
        client.call(example_contract, b"<x/>", logical_address=None, label="b", consumer_hsa_id=None)
        client.call(example_contract, b"<x/>", logical_address=None, label="c", soap_action="urn:x:Other")
        client.call(example_contract, b"<x/>", logical_address=None, label="d", soap_action=None)
    assert headers[0][CONSUMER_HSA_HEADER] == "SE1234567890-OTHR"
    assert CONSUMER_HSA_HEADER not in headers[1]
    assert headers[2]["soapaction"] == '"urn:x:Other"'
    assert "soapaction" not in headers[3]


@pytest.mark.parametrize(
    ("server_cert", "expected"),
    [
        ("producer_unrelated_ca", ProblemKind.TLS_UNTRUSTED),
        ("producer_expired", ProblemKind.TLS_EXPIRED),
        ("producer_wrong_host", ProblemKind.TLS_HOSTNAME),
    ],
)
def test_producer_certificate_problems(pki, client_credentials, server_cert, expected) -> None:
    cert, key = getattr(pki, f"{server_cert}_cert"), getattr(pki, f"{server_cert}_key")
    with tls_server(ok_app, pki, cert=cert, key=key) as server, client_for(server, pki, client_credentials) as client:
        exchange = client.post(SOAP_OK, {}, label="probe")
    assert exchange.status is None
    assert exchange.problem is not None
    assert exchange.problem.kind is expected
    assert exchange.problem.fix


def test_our_certificate_rejected_by_the_producer(pki, client_credentials) -> None:
    with (
        tls_server(ok_app, pki, client_ca=pki.unrelated_root_ca) as server,
        client_for(server, pki, client_credentials) as client,
    ):
        exchange = client.post(SOAP_OK, {}, label="probe")
    assert exchange.problem is not None
    assert exchange.problem.kind is ProblemKind.TLS_CLIENT_REJECTED


@pytest.mark.parametrize("negative", ["consumer_expired", "consumer_unrelated_ca", "consumer_wrong_eku"])
def test_unusable_client_certificates_are_refused_at_the_handshake(pki, negative) -> None:
    credentials = load_client_credentials(cert=getattr(pki, f"{negative}_cert"), key=getattr(pki, f"{negative}_key"))
    with tls_server(ok_app, pki) as server, client_for(server, pki, credentials) as client:
        exchange = client.post(SOAP_OK, {}, label="probe")
    assert exchange.problem is not None
    assert exchange.problem.kind is ProblemKind.TLS_CLIENT_REJECTED


def test_no_client_certificate_is_refused_at_the_handshake(pki) -> None:
    with tls_server(ok_app, pki) as server, client_for(server, pki, None) as client:
        exchange = client.post(SOAP_OK, {}, label="probe")
    assert exchange.status is None
    assert exchange.problem is not None
    assert exchange.problem.kind is ProblemKind.TLS_CLIENT_REJECTED


def test_hanging_producer_hits_the_read_timeout_within_the_bound(pki, client_credentials) -> None:
    release = threading.Event()

    def hang(request):
        release.wait(10)
        return ok_app(request)

    with tls_server(hang, pki) as server, client_for(server, pki, client_credentials, read_timeout=0.5) as client:
        started = time.perf_counter()
        exchange = client.post(SOAP_OK, {}, label="probe")
        elapsed = time.perf_counter() - started
        release.set()
    assert exchange.problem is not None
    assert exchange.problem.kind is ProblemKind.READ_TIMEOUT
    assert elapsed < 1.5


def test_dripping_producer_hits_the_total_deadline(pki, client_credentials) -> None:
    def drip(request):
        def chunks():
            for _ in range(40):
                yield b" "
                time.sleep(0.1)

        return Response(200, headers=[("Content-Type", "text/xml")], chunks=chunks(), declared_length=40)

    with (
        tls_server(drip, pki) as server,
        client_for(server, pki, client_credentials, read_timeout=1.0, deadline=0.8) as client,
    ):
        started = time.perf_counter()
        exchange = client.post(SOAP_OK, {}, label="probe")
        elapsed = time.perf_counter() - started
    assert exchange.problem is not None
    assert exchange.problem.kind is ProblemKind.DEADLINE
    assert elapsed < 2.0


def test_connection_reset(pki, client_credentials) -> None:
    def reset(request):
        raise ResetConnection

    with tls_server(reset, pki) as server, client_for(server, pki, client_credentials) as client:
        exchange = client.post(SOAP_OK, {}, label="probe")
    assert exchange.problem is not None
    assert exchange.problem.kind is ProblemKind.RESET


def test_html_error_page_is_a_non_xml_answer(pki, client_credentials) -> None:
    page = b"<!DOCTYPE html><html><body><h1>500 Internal Server Error</h1></body></html>"

    def html(request):
        return Response(500, page, [("Content-Type", "text/html")])

    with tls_server(html, pki) as server, client_for(server, pki, client_credentials) as client:
        exchange = client.post(SOAP_OK, {}, label="probe")
    assert exchange.problem is None
    assert exchange.status == 500
    assert exchange.outcome is not None
    assert exchange.outcome.kind is ProblemKind.NOT_XML
    assert "text/html" in exchange.outcome.detail


def test_http_error_without_soap(pki, client_credentials) -> None:
    with (
        tls_server(lambda r: Response(404, b""), pki) as server,
        client_for(server, pki, client_credentials) as client,
    ):
        exchange = client.post(SOAP_OK, {}, label="probe")
    assert exchange.outcome is not None
    assert exchange.outcome.kind is ProblemKind.HTTP_ERROR


def test_redirect_is_reported_not_followed(pki, client_credentials) -> None:
    calls = []

    def redirect(request):
        calls.append(request.path)
        return Response(302, b"", [("Location", "/elsewhere")])

    with tls_server(redirect, pki) as server, client_for(server, pki, client_credentials) as client:
        exchange = client.post(SOAP_OK, {}, label="probe")
    assert calls == ["/"]
    assert exchange.outcome is not None
    assert exchange.outcome.kind is ProblemKind.REDIRECT


@pytest.mark.parametrize(("code", "fault"), [("VP004", "Client"), ("VP007", "Server"), ("VP009", "Server")])
def test_platform_faults_are_decoded(pki, client_credentials, code, fault) -> None:
    def platform(request):
        return Response(500, vp_fault(code, fault), [("Content-Type", "text/xml; charset=UTF-8")])

    with tls_server(platform, pki) as server, client_for(server, pki, client_credentials) as client:
        exchange = client.post(SOAP_OK, {}, label="probe")
    assert exchange.envelope is not None
    assert exchange.envelope.fault is not None
    assert exchange.envelope.fault.vp_code == code
    assert exchange.outcome is not None
    assert exchange.outcome.kind is ProblemKind.PLATFORM_FAULT
    assert exchange.outcome.explanation.startswith(f"{code}: ")
    assert exchange.outcome.fix


def test_compressed_answer_is_capped_after_decompression(pki, client_credentials) -> None:
    bomb = gzip.compress(b" " * (5 * 1024 * 1024))

    def compressed(request):
        return Response(200, bomb, [("Content-Type", "text/xml"), ("Content-Encoding", "gzip")])

    with (
        tls_server(compressed, pki) as server,
        client_for(server, pki, client_credentials, max_response_bytes=1024 * 1024) as client,
    ):
        exchange = client.post(SOAP_OK, {}, label="probe")
    assert len(bomb) < 1024 * 1024
    assert exchange.problem is not None
    assert exchange.problem.kind is ProblemKind.TOO_LARGE


def test_hostile_xml_answer_is_not_expanded(pki, client_credentials) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;">]>'
        b"<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body><a>&lol2;</a></s:Body></s:Envelope>"
    )
    with (
        tls_server(lambda r: Response(200, bomb, [("Content-Type", "text/xml")]), pki) as server,
        client_for(server, pki, client_credentials) as client,
    ):
        exchange = client.post(SOAP_OK, {}, label="probe")
    assert exchange.envelope is None
    assert exchange.outcome is not None
    assert exchange.outcome.kind is ProblemKind.NOT_XML
    assert "DOCTYPE" in exchange.outcome.detail


def test_refused_and_dns_failures() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with RivtaClient(f"https://127.0.0.1:{port}/x") as client:
        refused = client.post(b"", {}, label="probe")
    assert refused.problem is not None
    assert refused.problem.kind is ProblemKind.REFUSED
    with RivtaClient("https://no-such-host.invalid/x") as client:
        unknown = client.post(b"", {}, label="probe")
    assert unknown.problem is not None
    assert unknown.problem.kind is ProblemKind.DNS
    with pytest.raises(TransportError, match="does not resolve"):
        require_answer(unknown)


def test_secrets_never_reach_logs_or_reprs(pki, caplog, capsys) -> None:
    password = pki.consumer_password.read_text(encoding="utf-8").strip()
    key_text = pki.consumer_key.read_text(encoding="ascii")
    os.environ["RIVTA_TEST_P12_PASSWORD"] = password
    try:
        credentials = load_client_credentials(pkcs12=pki.consumer_p12, password_env="RIVTA_TEST_P12_PASSWORD")
        with caplog.at_level(logging.DEBUG), tls_server(ok_app, pki) as server:
            client = client_for(server, pki, credentials)
            exchange = client.post(SOAP_OK, {}, label="probe")
            text = " ".join([repr(client), repr(credentials), str(credentials), repr(exchange), caplog.text])
            client.close()
    finally:
        del os.environ["RIVTA_TEST_P12_PASSWORD"]
    captured = capsys.readouterr()
    everything = text + captured.out + captured.err
    assert exchange.status == 200
    assert password not in everything
    assert "PRIVATE KEY" not in everything
    assert key_text.splitlines()[1] not in everything
