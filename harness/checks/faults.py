"""Judging SOAP faults: form (WS-I R1126), and what they must not reveal (TKB error handling)."""

from __future__ import annotations

import re

from harness import personnummer
from harness.namespaces import SOAP11_ENV
from harness.transport.client import CORRELATION_HEADER
from harness.transport.exchange import Exchange

_STACK_TRACE = re.compile(
    r"(\bat [\w$.]+\([\w$.]*\.java:\d+\))"  # Java
    r"|(Exception in thread)|(\bjava\.lang\.\w+)|(\bjavax?\.\w+\.\w+Exception)"
    r"|(\bat [\w.<>`]+\(.*\) in .+:line \d+)|(\bSystem\.\w*Exception\b)"  # .NET
    r"|(Traceback \(most recent call last\))|(File \"[^\"]+\", line \d+)",  # Python
)
_INTERNAL_HOST = re.compile(
    r"\b(?:[a-z0-9-]+\.)+(?:local|internal|intra|corp|lan|localdomain)\b"
    r"|\b10(?:\.\d{1,3}){3}\b|\b192\.168(?:\.\d{1,3}){2}\b|\b172\.(?:1[6-9]|2\d|3[01])(?:\.\d{1,3}){2}\b",
    re.IGNORECASE,
)
_LOG_ID = re.compile(
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b"
    r"|\blog[ _-]?id\b\W{0,3}[\w-]{6,}",
    re.IGNORECASE,
)


def fault_text(exchange: Exchange) -> str:
    """faultstring and detail of the exchange's fault ('' when there is none)."""
    fault = exchange.envelope.fault if exchange.envelope is not None else None
    if fault is None:
        return ""
    return " ".join(part for part in (fault.string, fault.detail) if part)


def request_identities(exchange: Exchange) -> list[str]:
    """Personal identity numbers the request carried (what a fault must not echo)."""
    text = exchange.request_body.decode("utf-8", errors="replace")
    return [
        m.group(0).replace("-", "") for m in personnummer.IDENTITY.finditer(text) if personnummer.is_valid(m.group(0))
    ]


def fault_format_findings(exchange: Exchange, *, expected_code: str | None = None) -> list[str]:
    """HTTP 500, faultcode in the SOAP 1.1 namespace, a faultstring, and nothing it must not reveal.

    ``expected_code`` is ``Client`` for a request the consumer got wrong and ``Server`` for a
    producer-side error (SOAP 1.1 section 4.4.1; ``Client.Something`` refinements are allowed).
    """
    envelope = exchange.envelope
    fault = envelope.fault if envelope is not None else None
    if fault is None:
        return []
    label = exchange.label
    findings = []
    if exchange.status != 500:
        findings.append(f"{label}: SOAP Fault sent with HTTP {exchange.status}; WS-I BP R1126 requires 500")
    if fault.code_namespace != SOAP11_ENV:
        findings.append(f"{label}: faultcode {fault.code!r} is not a QName in the SOAP 1.1 envelope namespace")
    elif expected_code and fault.code_local.partition(".")[0] != expected_code:
        blame = "the consumer got wrong" if expected_code == "Client" else "the producer failed to handle"
        findings.append(f"{label}: faultcode {fault.code!r} for a request {blame}; expected soap:{expected_code}")
    if not fault.string:
        findings.append(f"{label}: the fault has no faultstring")
    text = fault_text(exchange)
    leaked = [identity for identity in request_identities(exchange) if identity in text.replace("-", "")]
    if leaked:
        findings.append(f"{label}: the fault repeats the personal identity number from the request")
    if _STACK_TRACE.search(text):
        findings.append(f"{label}: the fault contains a stack trace")
    host = _INTERNAL_HOST.search(text)
    if host:
        findings.append(f"{label}: the fault names an internal host ({host.group(0)})")
    return findings


def log_id_findings(exchange: Exchange) -> list[str]:
    """A fault should carry a log id (a UUID is recommended) of its own, not our correlation id echoed back."""
    text = fault_text(exchange)
    if not text:
        return []
    ours = (exchange.request_header(CORRELATION_HEADER) or "").lower()
    found = [m.group(0) for m in _LOG_ID.finditer(text)]
    if found and ours and all(ours in candidate.lower() for candidate in found):
        return [f"{exchange.label}: the fault's only log id is our own {CORRELATION_HEADER} echoed back"]
    if found:
        return []
    return [f"{exchange.label}: the fault carries no log id"]
