"""Judging whether a producer refused a caller it cannot authenticate (RIVTA BP 2.1 rule 6).

A refusal takes several honest forms, and each must count: a TLS alert in the handshake;
a connection closed during or right after the handshake (TLS 1.3 servers verify the client
certificate after their own Finished and often just close); or an HTTP status that a TLS
terminator answers before any SOAP processing (nginx says 400 "No required SSL certificate
was sent", others 401/403, nginx's own 495/496). A normal SOAP answer is never a refusal.
"""

from __future__ import annotations

from harness.transport.exchange import Exchange
from harness.transport.problems import ProblemKind

REFUSAL_STATUSES = frozenset({400, 401, 403, 495, 496})
_CLOSED = frozenset({ProblemKind.TLS_CLIENT_REJECTED, ProblemKind.TLS_FAILED, ProblemKind.RESET})


def refusal(exchange: Exchange) -> str | None:
    """How the call was refused, or None when the producer let it through."""
    problem = exchange.problem
    if exchange.status is None and problem is not None and problem.kind in _CLOSED:
        if problem.kind is ProblemKind.TLS_CLIENT_REJECTED:
            return f"refused in the TLS handshake ({problem.detail})"
        return f"connection closed without an answer ({problem.detail})"
    if exchange.status in REFUSAL_STATUSES:
        envelope = exchange.envelope
        if envelope is None or envelope.payload is None:
            return f"refused with HTTP {exchange.status}"
    return None


def acceptance_findings(exchange: Exchange, what: str) -> list[str]:
    """One finding when a call ``what`` (e.g. "without a client certificate") was not refused."""
    if refusal(exchange) is not None:
        return []
    outcome = exchange.outcome.detail if exchange.outcome is not None else "a normal answer"
    return [f"a call {what} was not refused (HTTP {exchange.status}, {outcome})"]
