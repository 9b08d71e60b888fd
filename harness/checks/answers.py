"""Judging answers: envelope form, encoding, exact contract version, error answers, SOAP 1.2.

Pure functions from recorded exchanges to findings (one sentence each, empty when the rule
holds), so every rule is unit-testable without a network, and the suites only say which
exchange to judge by which rule.
"""

from __future__ import annotations

from lxml import etree

from harness import xmlsafe
from harness.contracts import Contract
from harness.namespaces import SOAP11_ENV, SOAP12_ENV, split_clark
from harness.transport.exchange import Exchange

SOAP11_CONTENT_TYPE = "text/xml"
UNICODE_CHARSETS = ("UTF-8", "UTF-16")


def answer_problem(exchange: Exchange) -> str | None:
    """Why there is no HTTP answer to judge at all (None when there is one)."""
    if exchange.problem is not None and exchange.status is None:
        return f"no answer: {exchange.problem.explanation} ({exchange.problem.detail})"
    if exchange.problem is not None:
        return f"incomplete answer: {exchange.problem.explanation}"
    return None


def response_envelope_findings(exchange: Exchange) -> list[str]:
    """HTTP 200, a SOAP 1.1 envelope, exactly one non-fault Body child."""
    problem = answer_problem(exchange)
    if problem:
        return [problem]
    findings = []
    if exchange.status != 200:
        findings.append(f"HTTP status is {exchange.status}, expected 200 for a valid request")
    envelope = exchange.envelope
    if envelope is None:
        return [*findings, f"the body is not XML: {exchange.parse_error}"]
    if envelope.version != "1.1":
        root = envelope.root.tag
        return [*findings, f"the document element is {root}, not a SOAP 1.1 {{{SOAP11_ENV}}}Envelope"]
    if envelope.body is None:
        return [*findings, "the envelope has no Body"]
    if envelope.fault is not None:
        return [*findings, f"a valid request was answered with a SOAP Fault: {envelope.fault.string!r}"]
    if len(envelope.body_children) != 1:
        findings.append(f"the Body holds {len(envelope.body_children)} elements, expected exactly one")
    return findings


def _charset(content_type: str | None) -> tuple[str, str | None]:
    if not content_type:
        return "", None
    media, *params = (part.strip() for part in content_type.split(";"))
    charset = None
    for param in params:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip('"').upper()
    return media.lower(), charset


def _prolog_encoding(body: bytes) -> str | None:
    if body[:2] in (b"\xff\xfe", b"\xfe\xff"):
        head = body[:400].decode("utf-16", errors="replace").encode("ascii", errors="replace")
        return xmlsafe.declared_encoding(head)
    return xmlsafe.declared_encoding(body.removeprefix(b"\xef\xbb\xbf"))


def encoding_findings(exchange: Exchange) -> list[str]:
    """Content-Type text/xml with a UTF-8/16 charset that agrees with the XML prolog (TK TF 2.1)."""
    problem = answer_problem(exchange)
    if problem:
        return [problem]
    findings = []
    media, charset = _charset(exchange.header("content-type"))
    if media != SOAP11_CONTENT_TYPE:
        findings.append(f"Content-Type is {exchange.header('content-type')!r}, expected text/xml (SOAP 1.1)")
    if charset is None:
        findings.append("Content-Type has no charset parameter")
    elif charset not in UNICODE_CHARSETS:
        findings.append(f"charset {charset} is neither UTF-8 nor UTF-16")
    prolog = _prolog_encoding(exchange.response_body)
    if prolog is not None and prolog not in UNICODE_CHARSETS:
        findings.append(f"the XML prolog declares {prolog}, neither UTF-8 nor UTF-16")
    if prolog is not None and charset is not None and prolog.replace("UTF-16LE", "UTF-16") != charset:
        findings.append(f"the Content-Type says {charset} but the XML prolog says {prolog}")
    envelope = exchange.envelope
    if envelope is not None and envelope.encoding_note:
        findings.append(envelope.encoding_note)
    return findings


def response_schema_findings(contract: Contract, exchange: Exchange) -> list[str]:
    """The Body element is the response element of the exact contract version, and schema-valid.

    A violation of a pattern the contract itself writes wrongly (``^…$``) is the contract's
    defect, reported as its warning, and not counted here.
    """
    envelope = exchange.envelope
    payload = envelope.payload if envelope is not None else None
    if payload is None:
        return ["there is no single response element to validate"]
    expected = contract.operation.response_element
    if payload.tag != expected:
        namespace, local = split_clark(str(payload.tag))
        wanted_namespace, wanted_local = split_clark(expected)
        if local == wanted_local:
            return [f"the answer uses namespace {namespace!r}; contract {contract.key} requires {wanted_namespace!r}"]
        return [f"the Body holds {payload.tag}, expected {expected}"]
    return [str(finding) for finding in contract.schema_findings(payload)]


def result_code(payload: etree._Element) -> str | None:
    """The RIVTA resultCode of a response (``result/resultCode`` or a top-level ``resultCode``)."""
    for element in payload.iter():
        if xmlsafe.local_name(element) == "resultCode":
            return (element.text or "").strip()
    return None


def error_answer_findings(exchange: Exchange) -> list[str]:
    """A SOAP Fault, or a response with resultCode ERROR; never a normal data answer."""
    if exchange.status is None:
        return [f"no SOAP Fault came back: {exchange.problem.explanation if exchange.problem else 'no answer'}"]
    envelope = exchange.envelope
    if envelope is not None and envelope.fault is not None:
        return []
    if envelope is None or envelope.version is None:
        kind = exchange.outcome.detail if exchange.outcome else "a non-SOAP answer"
        return [f"answered with {kind} instead of a SOAP Fault"]
    payload = envelope.payload
    if payload is not None and result_code(payload) == "ERROR":
        return []
    code = result_code(payload) if payload is not None else None
    described = f"resultCode {code}" if code else "no result code"
    return [f"answered with a normal data answer (HTTP {exchange.status}, {described}) instead of a fault or ERROR"]


def soap12_findings(exchange: Exchange) -> list[str]:
    """No application/soap+xml and no SOAP 1.2 envelope."""
    if not exchange.answered:
        return []
    findings = []
    media, _ = _charset(exchange.header("content-type"))
    if media == "application/soap+xml":
        findings.append(f"{exchange.label}: Content-Type application/soap+xml is SOAP 1.2")
    envelope = exchange.envelope
    if envelope is not None and envelope.root.tag == f"{{{SOAP12_ENV}}}Envelope":
        findings.append(f"{exchange.label}: the envelope is SOAP 1.2")
    return findings
