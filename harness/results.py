"""Stage 5: verdicts and the evidence behind them.

Six verdicts, kept strictly apart: a producer defect (failed) is never confused with the
harness being unable to run (error), and nothing that did not run and pass is ever shown
as passed (not applicable, not tested, manual are their own verdicts). Evidence is the
recorded exchanges in JSON-ready form, so it survives pytest-xdist's process boundary
and lands in the report unchanged.
"""

from __future__ import annotations

import base64
from enum import StrEnum
from typing import Any

import pytest

from harness import personnummer
from harness.transport.exchange import Exchange

MAX_EVIDENCE_BODY = 2 * 1024 * 1024


class Verdict(StrEnum):
    """The outcome of one check."""

    PASSED = "passed"
    FAILED = "failed"
    ERROR = "error"
    NOT_APPLICABLE = "not applicable"
    NOT_TESTED = "not tested"
    MANUAL = "manual"


class NotApplicable(pytest.skip.Exception):  # type: ignore[misc,name-defined]
    """The check does not apply (capability declared as not offered, or calls go via NTjP)."""


class NotTested(pytest.skip.Exception):  # type: ignore[misc,name-defined]
    """The check could not run for lack of test data; the message names the missing key."""


class Manual(pytest.skip.Exception):  # type: ignore[misc,name-defined]
    """A human must judge the attached evidence."""


class CheckFailed(AssertionError):
    """The producer broke the check's rule; ``findings`` say where, one sentence each."""

    def __init__(self, summary: str, findings: list[str]) -> None:
        super().__init__(summary)
        self.summary = summary
        self.findings = findings

    def __str__(self) -> str:
        return "\n".join([self.summary, *(f"  - {finding}" for finding in self.findings)])


def _body(data: bytes, mask: bool) -> dict[str, Any]:
    truncated = len(data) > MAX_EVIDENCE_BODY
    data = data[:MAX_EVIDENCE_BODY]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return {"base64": base64.b64encode(data).decode("ascii"), "truncated": truncated}
    return {"text": personnummer.mask(text) if mask else text, "truncated": truncated}


def exchange_record(exchange: Exchange, *, mask_personal_ids: bool = False) -> dict[str, Any]:
    """JSON-ready evidence of one exchange (bodies as text, optionally with identities masked)."""
    outcome = exchange.outcome
    tls = exchange.tls
    return {
        "label": exchange.label,
        "url": exchange.url,
        "started_at": exchange.started_at.isoformat(),
        "status": exchange.status,
        "request_headers": [list(pair) for pair in exchange.request_headers],
        "request_body": _body(exchange.request_body, mask_personal_ids),
        "response_headers": [list(pair) for pair in exchange.response_headers],
        "response_body": _body(exchange.response_body, mask_personal_ids),
        "timing_ms": {
            "connect": exchange.timing.connect_ms,
            "tls": exchange.timing.tls_ms,
            "first_byte": exchange.timing.first_byte_ms,
            "total": exchange.timing.total_ms,
        },
        "tls": None
        if tls is None
        else {
            "version": tls.version,
            "cipher": tls.cipher,
            "client_certificate": tls.client_certificate,
            "peer_chain": [
                {"subject": c.subject, "issuer": c.issuer, "sha256": c.sha256, "not_after": c.not_after}
                for c in tls.peer_chain
            ],
        },
        "outcome": None
        if outcome is None
        else {
            "kind": outcome.kind.value,
            "explanation": outcome.explanation,
            "fix": outcome.fix,
            "detail": outcome.detail,
        },
    }
