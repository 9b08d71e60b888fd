"""``doctor`` explains each failure class against real local servers, and passes on a healthy producer."""

from __future__ import annotations

import json
import socket

import pytest

from conftest import EXAMPLE_CONTRACT, forwarding_app, reference_producer, tls_server
from harness.cli import main
from harness.doctor import DoctorInput, run_doctor
from harness.producer.httpserver import Response
from harness.transport.client import TransportSettings
from harness.transport.problems import ProblemKind


def doctor(url, pki, credentials, contract=None, **given):
    return run_doctor(
        DoctorInput(
            url=url,
            credentials=credentials,
            ca_bundle=(pki.ca_bundle,),
            contract=contract,
            logical_address="SE1234567890-LA01",
            settings=given.pop("settings", TransportSettings(connect_timeout=2, read_timeout=2)),
            **given,
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
        report = doctor(producer.url.replace("127.0.0.1", "localhost"), pki, client_credentials, example_contract)
    assert report.ok
    assert [s.name for s in report.steps] == [
        "url", "dns", "tcp", "tls", "client certificate", "http", "soap call", "contract call"
    ]  # fmt: skip
    assert "PingForConfiguration answered" in report.steps[-2].facts[0]
    assert report.steps[-1].facts[0].startswith("GetClinicalNotes 1.1 (RIVTABP21) answered for SE1234567890-LA01")


def test_ping_alone_is_not_enough(pki, client_credentials, example_contract, ping_contract) -> None:
    """The contract itself is called with the logical address, even when PingForConfiguration answers."""
    with reference_producer(pki, [ping_contract]) as producer:
        url = producer.url.replace("127.0.0.1", "localhost")
        without_contract = doctor(url, pki, client_credentials)
        contract_not_served = doctor(url, pki, client_credentials, example_contract)
    step = failing(without_contract)
    assert step.name == "contract call"
    assert "pass --contract" in step.problem.fix
    step = failing(contract_not_served)
    assert (step.name, step.problem.kind) == ("contract call", ProblemKind.SOAP_FAULT)
    assert "Unknown operation GetClinicalNotes" in step.problem.detail


def test_calls_the_contract_without_ping(pki, client_credentials, example_contract) -> None:
    seen = []
    with reference_producer(pki, [example_contract]) as producer:
        app, upstream = forwarding_app(
            pki, producer.url.replace("127.0.0.1", "localhost"), lambda r: seen.append(r.body) and None
        )
        with tls_server(app, pki) as server, upstream:
            report = doctor(server.url.replace("127.0.0.1", "localhost"), pki, client_credentials, example_contract)
    assert report.ok
    assert report.steps[-2].facts[0].startswith("a SOAP answer, but PingForConfiguration is not offered")
    contract_calls = [body for body in seen if b"GetClinicalNotes>" in body or b"GetClinicalNotes " in body]
    assert contract_calls, "one real call of the contract was made"
    assert b"<riv:LogicalAddress>SE1234567890-LA01</riv:LogicalAddress>" in contract_calls[-1]


@pytest.mark.parametrize(
    ("path", "warning"),
    [
        ("/example/GetClinicalNotes/2/rivtabp21", "names major version 2 of GetClinicalNotes; the contract is 1.1"),
        ("/example/GetClinicalNotes/1/rivtabp20", "says rivtabp20, but GetClinicalNotes 1.1 (RIVTABP21) is RIVTA BP 2.1"),
        ("/example/GetClinicalNotes/1/rivtabp21", None),
    ],
)  # fmt: skip
def test_url_path_that_contradicts_the_contract_is_named(pki, client_credentials, example_contract, ping_contract, path, warning) -> None:  # fmt: skip
    with reference_producer(pki, [example_contract, ping_contract]) as producer:
        url = producer.url.replace("127.0.0.1", "localhost") + path
        report = doctor(url, pki, client_credentials, example_contract)
    warnings = [fact for fact in report.steps[0].facts if fact.startswith("warning: ")]
    assert report.ok, "a contradicting path is said, not failed: producers may serve any path"
    if warning is None:
        assert warnings == []
    else:
        assert len(warnings) == 1
        assert warning in warnings[0]


def test_one_bound_for_the_whole_run_names_the_step_that_hit_it(pki, client_credentials, example_contract) -> None:
    """A producer that sends one body byte every 5 s cannot hold the run past --deadline."""
    import time

    def drip(request):
        def chunks():
            for _ in range(100):
                yield b"<"
                time.sleep(5)

        return Response(200, headers=[("Content-Type", "text/xml")], chunks=chunks(), declared_length=100)

    with tls_server(drip, pki) as server:
        started = time.monotonic()
        report = doctor(
            server.url.replace("127.0.0.1", "localhost"), pki, client_credentials, example_contract,
            settings=TransportSettings(), deadline=4.0,
        )  # fmt: skip
        elapsed = time.monotonic() - started
    assert elapsed < 4.5
    step = failing(report)
    assert (step.name, step.problem.kind) == ("http", ProblemKind.DEADLINE)
    assert step.problem.explanation == "the doctor run reached its bound of 4 s during the http step"


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
        common += [
            "--contract",
            str(EXAMPLE_CONTRACT),
            "--logical-address",
            producer.logical_address,
            "--deadline",
            "20",
        ]
        exit_ok = main([*common, "--ca-bundle", str(pki.ca_bundle)])
        text = capsys.readouterr().out
        exit_json = main([*common, "--ca-bundle", str(pki.unrelated_root_ca), "--json"])
        result = json.loads(capsys.readouterr().out)
    assert exit_ok == 0
    assert text.count("✓") == 8
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
