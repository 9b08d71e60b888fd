"""Platform, not producer: a VP fault ends the check that received it as error, never as failed or passed.

The suite runs through a small NTjP stand-in, a real mTLS server that forwards every call
to the reference producer except the ones it answers itself with a VP fault, as the
platform does for routing and authorization problems.
"""

from __future__ import annotations

import pytest

from conftest import EXAMPLE_CONTRACT, PING_CONTRACT, REPO, forwarding_app, reference_producer, tls_server
from harness.producer.httpserver import Request, Response
from harness.transport.client import CONSUMER_HSA_HEADER

SUITES = str(REPO / "testsuites")
OTHER_CONSUMER = "SE1234567890-OTH1"  # tk.GetClinicalNotes.other_consumer in the reference test data


def vp_fault(code: str, fault: str) -> Response:
    body = (
        "<?xml version='1.0' encoding='UTF-8'?>"
        "<soapenv:Envelope xmlns:soapenv='http://schemas.xmlsoap.org/soap/envelope/'><soapenv:Body><soapenv:Fault>"
        f"<faultcode>soapenv:{fault}</faultcode><faultstring>{code} [NTjP TEST] Meddelande från plattformen</faultstring>"
        "</soapenv:Fault></soapenv:Body></soapenv:Envelope>"
    ).encode()
    return Response(500, body, [("Content-Type", "text/xml; charset=UTF-8")])


def run_through_platform(pytester, pki, rule, *extra: str) -> dict[str, dict]:
    from harness.contracts import load_contracts

    contracts = [*load_contracts(EXAMPLE_CONTRACT), *load_contracts(PING_CONTRACT)]
    with reference_producer(pki, contracts) as producer:
        app, upstream = forwarding_app(pki, producer.url.replace("127.0.0.1", "localhost"), rule)
        with tls_server(app, pki) as server, upstream:
            recorder = pytester.inline_run(
                SUITES, "-p", "no:cacheprovider",
                "--producer-url", server.url.replace("127.0.0.1", "localhost"),
                "--logical-address", producer.logical_address,
                "--cert", str(pki.consumer_cert), "--key", str(pki.consumer_key), "--ca-bundle", str(pki.ca_bundle),
                "--contract", str(EXAMPLE_CONTRACT), "--contract", str(PING_CONTRACT),
                "--testdata", str(REPO / "fixtures/testdata/reference-producer.toml"),
                "--declaration", str(REPO / "fixtures/declarations/reference-producer.toml"),
                *extra,
            )  # fmt: skip
    found = {}
    for report in recorder.getreports("pytest_runtest_logreport"):
        record = getattr(report, "rivta", None)
        if record is not None and "GetClinicalNotes" in record["contract"]:
            found[record["check"]] = record
    return found


def test_vp_faults_via_ntjp_end_the_check_in_error_with_the_remedy(pytester: pytest.Pytester, pki) -> None:
    def rule(request: Request) -> Response | None:
        if b"LogicalAddress>" not in request.body:
            return vp_fault("VP003", "Client")
        if request.header(CONSUMER_HSA_HEADER) == OTHER_CONSUMER:
            return vp_fault("VP007", "Server")
        return None

    found = run_through_platform(pytester, pki, rule, "--via-ntjp")
    independent = found["tk.notes.consumer-independent"]
    assert independent["verdict"] == "error"
    assert "VP007" in independent["message"]
    assert "not authorized" in independent["message"]
    assert "order the anropsbehörighet" in independent["message"]
    assert found["rivta.missing-logical-address"]["verdict"] == "not applicable"
    assert not any(e["label"] == "request without routing header" for r in found.values() for e in r["exchanges"])
    assert {check for check, r in found.items() if r["verdict"] in ("failed", "error")} == {
        "tk.notes.consumer-independent"
    }


def test_a_vp_fault_is_never_a_correct_rejection(pytester: pytest.Pytester, pki) -> None:
    """The platform rejecting a call (VP003, VP015) says nothing about how the producer would have."""

    def missing_header_only(request: Request) -> Response | None:
        return vp_fault("VP003", "Client") if b"LogicalAddress>" not in request.body else None

    found = run_through_platform(pytester, pki, missing_header_only, "-k", "routing_header")
    missing = found["rivta.missing-logical-address"]
    assert missing["verdict"] == "error"
    assert "NTjP platform answered instead of the producer, VP003" in missing["message"]

    found = run_through_platform(pytester, pki, lambda request: vp_fault("VP015", "Client"), "-k", "invalid")
    assert found["rivta.invalid-request"]["verdict"] == "error"
    assert "VP015: the request could not be read" in found["rivta.invalid-request"]["message"]
