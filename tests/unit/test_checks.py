"""The rules as pure functions over recorded exchanges: each shown to hold and to break."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from harness.checks import answers, faults
from harness.checks.compare import differences
from harness.transport.exchange import Exchange

ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SWEDISH = ZoneInfo("Europe/Stockholm")


def exchange(
    body: bytes, *, status: int = 200, content_type: str = "text/xml; charset=UTF-8", request: bytes = b""
) -> Exchange:
    return Exchange(
        label="call",
        url="https://producer",
        started_at=datetime.now(UTC),
        request_headers=(),
        request_body=request,
        status=status,
        response_headers=(("content-type", content_type),),
        response_body=body,
    )


def soap(content: str, declaration: str = "<?xml version='1.0' encoding='UTF-8'?>") -> bytes:
    return f"{declaration}<s:Envelope xmlns:s='{ENV}'><s:Body>{content}</s:Body></s:Envelope>".encode()


def fault(string: str, code: str = "s:Client", detail: str = "") -> bytes:
    extra = f"<detail>{detail}</detail>" if detail else ""
    return soap(f"<s:Fault><faultcode>{code}</faultcode><faultstring>{string}</faultstring>{extra}</s:Fault>")


def test_envelope_rules() -> None:
    assert answers.response_envelope_findings(exchange(soap("<a xmlns='urn:x'/>"))) == []
    two = answers.response_envelope_findings(exchange(soap("<a xmlns='urn:x'/><b xmlns='urn:x'/>")))
    assert two == ["the Body holds 2 elements, expected exactly one"]
    soap12 = b"<e:Envelope xmlns:e='http://www.w3.org/2003/05/soap-envelope'><e:Body/></e:Envelope>"
    assert "not a SOAP 1.1" in answers.response_envelope_findings(exchange(soap12))[0]
    assert "HTTP status is 202" in answers.response_envelope_findings(exchange(soap("<a/>"), status=202))[0]
    assert "not XML" in answers.response_envelope_findings(exchange(b"<html"))[0]


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("text/xml; charset=UTF-8", soap("<a/>"), []),
        ('text/xml; charset="utf-8"', soap("<a/>", ""), []),
        ("text/xml", soap("<a/>"), ["Content-Type has no charset parameter"]),
        ("text/xml; charset=ISO-8859-1", soap("<a/>", "<?xml version='1.0' encoding='ISO-8859-1'?>"), ["charset ISO-8859-1 is neither UTF-8 nor UTF-16", "the XML prolog declares ISO-8859-1, neither UTF-8 nor UTF-16"]),
        ("text/xml; charset=UTF-16", soap("<a/>"), ["the Content-Type says UTF-16 but the XML prolog says UTF-8"]),
        ("application/soap+xml; charset=UTF-8", soap("<a/>"), ["Content-Type is 'application/soap+xml; charset=UTF-8', expected text/xml (SOAP 1.1)"]),
    ],
)  # fmt: skip
def test_encoding_rule(content_type: str, body: bytes, expected: list[str]) -> None:
    assert answers.encoding_findings(exchange(body, content_type=content_type)) == expected


def test_utf16_body_with_bom_and_matching_charset_is_fine() -> None:
    body = soap("<a>åäö</a>", "<?xml version='1.0' encoding='UTF-16'?>").decode().encode("utf-16")
    assert body[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert answers.encoding_findings(exchange(body, content_type="text/xml; charset=UTF-16")) == []


def test_prolog_that_lies_about_utf16_is_found() -> None:
    body = soap("<a/>", "<?xml version='1.0' encoding='utf-16'?>")
    findings = answers.encoding_findings(exchange(body, content_type="text/xml; charset=UTF-16"))
    assert any("8-bit text" in finding for finding in findings)


def test_error_answer_rule() -> None:
    assert answers.error_answer_findings(exchange(fault("bad request"), status=500)) == []
    error = soap("<r xmlns='urn:x'><result><resultCode>ERROR</resultCode></result></r>")
    assert answers.error_answer_findings(exchange(error)) == []
    data = soap("<r xmlns='urn:x'><result><resultCode>OK</resultCode></result></r>")
    assert "normal data answer (HTTP 200, resultCode OK)" in answers.error_answer_findings(exchange(data))[0]
    html = exchange(b"<!DOCTYPE html><html/>", status=500, content_type="text/html")
    assert "instead of a SOAP Fault" in answers.error_answer_findings(html)[0]


def test_fault_format_rule() -> None:
    request = b"<x><patientId>191212129819</patientId></x>"
    assert (
        faults.fault_format_findings(
            exchange(
                fault("Invalid request (log id 1b4e28ba-2fa1-11d2-883f-0016d3cca427)"), status=500, request=request
            )
        )
        == []
    )
    findings = faults.fault_format_findings(exchange(fault("nothing for 191212129819"), status=200, request=request))
    assert findings == [
        "call: SOAP Fault sent with HTTP 200; WS-I BP R1126 requires 500",
        "call: the fault repeats the personal identity number from the request",
    ]
    wrong_namespace = fault("x", code="Client")
    assert "not a QName in the SOAP 1.1" in faults.fault_format_findings(exchange(wrong_namespace, status=500))[0]


@pytest.mark.parametrize(
    "leak",
    [
        "at se.vendor.Dao.find(Dao.java:42)",
        "java.lang.NullPointerException",
        "at Vendor.Notes.Get() in C:\\src\\Notes.cs:line 17",
        "System.InvalidOperationException: boom",
        'Traceback (most recent call last): File "notes.py", line 3',
    ],
)
def test_stack_traces_are_found(leak: str) -> None:
    assert "stack trace" in faults.fault_format_findings(exchange(fault(leak), status=500))[0]


@pytest.mark.parametrize("host", ["db01.region.local", "10.12.0.7", "192.168.4.20", "app.corp"])
def test_internal_hosts_are_found(host: str) -> None:
    assert host in faults.fault_format_findings(exchange(fault(f"cannot reach {host}"), status=500))[0]


def test_log_id_recommendation() -> None:
    assert faults.log_id_findings(exchange(fault("failed, logid: A1B2C3D4"), status=500)) == []
    assert faults.log_id_findings(exchange(fault("failed"), status=500)) == ["call: the fault carries no log id"]


def test_answers_compared_without_the_producers_clock() -> None:
    now = datetime.now(SWEDISH).strftime("%Y%m%d%H%M%S")
    first = etree.fromstring(f"<r><pingDateTime>{now}</pingDateTime><v>1</v><t>20190101120000</t></r>")
    second = etree.fromstring(f"<r><pingDateTime>{now[:-1]}0</pingDateTime><v>1</v><t>20190101120000</t></r>")
    assert differences(first, second) == []
    third = etree.fromstring(f"<r><pingDateTime>{now}</pingDateTime><v>2</v><t>20190101120000</t></r>")
    assert differences(first, third) == ["/r/v='1' vs /r/v='2'"]
    historic = etree.fromstring(f"<r><pingDateTime>{now}</pingDateTime><v>1</v><t>20190101120001</t></r>")
    assert differences(first, historic), "data timestamps are compared"


@pytest.fixture
def harness_in_new_york(monkeypatch: pytest.MonkeyPatch):
    """The harness's own clock set to a zone hours away from Sweden's."""
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("harness_in_new_york")
def test_timestamps_are_read_by_the_answers_zone_rules_not_the_harness_clock() -> None:
    layouts = {
        "TKB naive = Swedish local time": lambda m: m.astimezone(SWEDISH).strftime("%Y%m%d%H%M%S"),
        "UTC Z": lambda m: m.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "offset": lambda m: m.astimezone(timezone(timedelta(hours=5, minutes=30))).isoformat(timespec="seconds"),
        "naive ISO = Swedish local time": lambda m: m.astimezone(SWEDISH).strftime("%Y-%m-%dT%H:%M:%S"),
    }
    now = datetime.now(UTC)
    for what, layout in layouts.items():
        first = etree.fromstring(f"<r><t>{layout(now)}</t></r>")
        later = etree.fromstring(f"<r><t>{layout(now + timedelta(seconds=7))}</t></r>")
        assert differences(first, later) == [], what
    swedish = now.astimezone(SWEDISH)
    harness_local = datetime.now().strftime("%Y%m%d%H%M%S")  # New York's clock: not "now" in Sweden
    assert harness_local != swedish.strftime("%Y%m%d%H%M%S")
    first = etree.fromstring(f"<r><t>{harness_local}</t></r>")
    other = etree.fromstring(f"<r><t>{harness_local[:-1]}{(int(harness_local[-1]) + 1) % 10}</t></r>")
    assert differences(first, other), "a naive timestamp is Swedish time, whatever the harness's own zone"


def test_faultcode_names_who_got_it_wrong() -> None:
    client = exchange(fault("bad request (log id 1b4e28ba-2fa1-11d2-883f-0016d3cca427)"), status=500)
    server = exchange(fault("bad request", code="s:Server"), status=500)
    refined = exchange(fault("bad request", code="s:Client.Validation"), status=500)
    assert faults.fault_format_findings(client, expected_code="Client") == []
    assert faults.fault_format_findings(refined, expected_code="Client") == []
    assert faults.fault_format_findings(server, expected_code="Client") == [
        "call: faultcode 's:Server' for a request the consumer got wrong; expected soap:Client"
    ]
    assert "expected soap:Server" in faults.fault_format_findings(client, expected_code="Server")[0]
    assert faults.fault_format_findings(server) == [], "without an expectation either code is accepted"


def test_namespace_qualified_faultstring_is_read() -> None:
    qualified = soap(
        "<s:Fault><s:faultcode>s:Client</s:faultcode><s:faultstring>bad (log id A1B2C3D4E5)</s:faultstring></s:Fault>"
    )
    read = exchange(qualified, status=500).envelope.fault
    assert (read.string, read.code_local) == ("bad (log id A1B2C3D4E5)", "Client")
    assert "no faultstring" not in " ".join(faults.fault_format_findings(exchange(qualified, status=500)))


def test_our_correlation_id_echoed_back_is_not_a_log_id() -> None:
    ours = "0f8fad5b-d9cb-469f-a165-70867728950e"
    echoed = Exchange(
        label="call",
        url="https://producer",
        started_at=datetime.now(UTC),
        request_headers=(("x-skltp-correlation-id", ours),),
        request_body=b"",
        status=500,
        response_headers=(("content-type", "text/xml; charset=UTF-8"),),
        response_body=fault(f"failed (log id {ours})"),
    )
    assert faults.log_id_findings(echoed) == [
        "call: the fault's only log id is our own x-skltp-correlation-id echoed back"
    ]
    own = fault(f"failed (log id 1b4e28ba-2fa1-11d2-883f-0016d3cca427, correlation {ours})")
    assert faults.log_id_findings(replace(echoed, response_body=own)) == []
