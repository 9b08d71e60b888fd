"""``doctor`` explains each failure class against real local servers, and passes on a healthy producer."""

from __future__ import annotations

import json
import socket

import pytest

from conftest import reference_producer, tls_server
from harness.cli import main
from harness.doctor import DoctorInput, run_doctor
from harness.producer.httpserver import Response
from harness.transport.client import TransportSettings
from harness.transport.problems import ProblemKind


def doctor(url, pki, credentials, contract=None):
    return run_doctor(
        DoctorInput(
            url=url,
            credentials=credentials,
            ca_bundle=(pki.ca_bundle,),
            contract=contract,
            logical_address="SE1234567890-LA01",
            settings=TransportSettings(connect_timeout=2, read_timeout=2),
        )
    )


def failing(report):
    failed = [step for step in report.steps if not step.passed]
    assert len(failed) == 1, report.steps
    assert not report.ok
    return failed[0]


def test_all_steps_pass_against_the_reference_producer(
    pki, client_credentials, example_contract, ping_contract
) -> None:
    with reference_producer(pki, [example_contract, ping_contract]) as producer:
        report = doctor(producer.url.replace("127.0.0.1", "localhost"), pki, client_credentials)
    assert report.ok
    assert [s.name for s in report.steps] == ["url", "dns", "tcp", "tls", "client certificate", "http", "soap call"]
    assert "PingForConfiguration answered" in report.steps[-1].facts[0]


def test_falls_back_to_the_contract_without_ping(pki, client_credentials, example_contract) -> None:
    with reference_producer(pki, [example_contract]) as producer:
        report = doctor(producer.url.replace("127.0.0.1", "localhost"), pki, client_credentials, example_contract)
    assert report.ok
    assert report.steps[-1].facts[0] == "PingForConfiguration not offered; calling the contract instead"


def test_server_that_does_not_request_a_client_certificate(pki, client_credentials) -> None:
    with tls_server(lambda r: Response(200, b""), pki, require_client_certificate=False) as server:
        report = doctor(server.url.replace("127.0.0.1", "localhost"), pki, client_credentials)
    step = failing(report)
    assert step.name == "client certificate"
    assert step.problem.kind is ProblemKind.TLS_NOT_REQUESTED


@pytest.mark.parametrize(
    ("cert", "kind"),
    [("producer_unrelated_ca", ProblemKind.TLS_UNTRUSTED), ("producer_expired", ProblemKind.TLS_EXPIRED)],
)
def test_tls_step_names_producer_certificate_problems(pki, client_credentials, cert, kind) -> None:
    with tls_server(
        lambda r: Response(200, b""), pki, cert=getattr(pki, f"{cert}_cert"), key=getattr(pki, f"{cert}_key")
    ) as server:
        step = failing(doctor(server.url.replace("127.0.0.1", "localhost"), pki, client_credentials))
    assert step.name == "tls"
    assert step.problem.kind is kind


def test_rejected_client_certificate_fails_the_http_step(pki, client_credentials) -> None:
    with tls_server(lambda r: Response(200, b""), pki, client_ca=pki.unrelated_root_ca) as server:
        step = failing(doctor(server.url.replace("127.0.0.1", "localhost"), pki, client_credentials))
    assert step.name in ("tls", "http")
    assert step.problem.kind is ProblemKind.TLS_CLIENT_REJECTED


def test_refused_port_and_bad_url(pki, client_credentials) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    step = failing(doctor(f"https://127.0.0.1:{port}/x", pki, client_credentials))
    assert (step.name, step.problem.kind) == ("tcp", ProblemKind.REFUSED)
    step = failing(doctor("http://localhost/x", pki, client_credentials))
    assert step.name == "url"


def test_html_page_fails_the_soap_step(pki, client_credentials) -> None:
    page = b"<html><body>Service unavailable</body></html>"
    with tls_server(lambda r: Response(503, page, [("Content-Type", "text/html")]), pki) as server:
        step = failing(doctor(server.url.replace("127.0.0.1", "localhost"), pki, client_credentials))
    assert step.name == "soap call"
    assert step.problem.kind is ProblemKind.NOT_XML


def test_cli_prints_marks_and_json(pki, example_contract, ping_contract, capsys) -> None:
    with reference_producer(pki, [example_contract, ping_contract]) as producer:
        url = producer.url.replace("127.0.0.1", "localhost")
        common = ["doctor", "--producer-url", url, "--cert", str(pki.consumer_cert), "--key", str(pki.consumer_key)]
        exit_ok = main([*common, "--ca-bundle", str(pki.ca_bundle)])
        text = capsys.readouterr().out
        exit_json = main([*common, "--ca-bundle", str(pki.unrelated_root_ca), "--json"])
        result = json.loads(capsys.readouterr().out)
    assert exit_ok == 0
    assert text.count("✓") == 7
    assert "All steps passed." in text
    assert exit_json == 1
    assert result["ok"] is False
    assert result["steps"][-1]["problem"]["kind"] == "tls-producer-certificate-untrusted"


def test_hostname_mismatch_reset_hang_and_platform_fault(pki, client_credentials) -> None:
    import threading

    from harness.producer.httpserver import ResetConnection

    def reset(request):
        raise ResetConnection

    with tls_server(
        lambda r: Response(200, b""), pki, cert=pki.producer_wrong_host_cert, key=pki.producer_wrong_host_key
    ) as server:
        step = failing(doctor(server.url.replace("127.0.0.1", "localhost"), pki, client_credentials))
    assert (step.name, step.problem.kind) == ("tls", ProblemKind.TLS_HOSTNAME)

    with tls_server(reset, pki) as server:
        step = failing(doctor(server.url.replace("127.0.0.1", "localhost"), pki, client_credentials))
    assert (step.name, step.problem.kind) == ("http", ProblemKind.RESET)

    release = threading.Event()
    with tls_server(lambda r: release.wait(5) and Response(200, b""), pki) as server:
        step = failing(doctor(server.url.replace("127.0.0.1", "localhost"), pki, client_credentials))
        release.set()
    assert (step.name, step.problem.kind) == ("http", ProblemKind.READ_TIMEOUT)

    vp009 = (
        b"<?xml version='1.0'?><s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body><s:Fault>"
        b"<faultcode>s:Server</faultcode><faultstring>VP009 [NTjP] Fel vid kontakt med tjansteproducenten</faultstring>"
        b"</s:Fault></s:Body></s:Envelope>"
    )
    with tls_server(lambda r: Response(500, vp009, [("Content-Type", "text/xml; charset=UTF-8")]), pki) as server:
        step = failing(doctor(server.url.replace("127.0.0.1", "localhost"), pki, client_credentials))
    assert (step.name, step.problem.kind) == ("soap call", ProblemKind.PLATFORM_FAULT)
    assert step.problem.explanation.startswith("VP009: ")
