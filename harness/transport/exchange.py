"""The recorded exchange: everything one call sent and received, kept as evidence.

Checks judge exchanges, reports show them, and nothing downstream touches httpx: raw bytes,
headers, timings and TLS facts are copied out here. The response envelope is parsed lazily,
once, with the hardened parser.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from harness.errors import HarnessError
from harness.soap import Envelope, read_envelope
from harness.transport import vp
from harness.transport.problems import Problem, ProblemKind, problem


@dataclass(frozen=True, slots=True)
class Timing:
    """Milliseconds from the start of the call; None where the phase did not happen (reused connection)."""

    connect_ms: float | None = None
    tls_ms: float | None = None
    first_byte_ms: float | None = None
    total_ms: float = 0.0


@dataclass(frozen=True, slots=True)
class PeerCertificate:
    """One certificate the producer presented."""

    subject: str
    issuer: str
    sha256: str
    not_after: str


@dataclass(frozen=True, slots=True)
class TlsInfo:
    """The negotiated TLS session."""

    version: str
    cipher: str
    peer_chain: tuple[PeerCertificate, ...]
    client_certificate: str | None


@dataclass(frozen=True)
class Exchange:
    """One HTTP call and its outcome. ``problem`` is set when no usable HTTP answer came back."""

    label: str
    url: str
    started_at: datetime
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes
    status: int | None = None
    response_headers: tuple[tuple[str, str], ...] = ()
    response_body: bytes = b""
    timing: Timing = field(default_factory=Timing)
    tls: TlsInfo | None = None
    problem: Problem | None = None

    def header(self, name: str) -> str | None:
        """First response header value with this name (case-insensitive)."""
        wanted = name.lower()
        return next((value for key, value in self.response_headers if key.lower() == wanted), None)

    def request_header(self, name: str) -> str | None:
        """First request header value with this name (case-insensitive)."""
        wanted = name.lower()
        return next((value for key, value in self.request_headers if key.lower() == wanted), None)

    @property
    def answered(self) -> bool:
        """True when an HTTP status and body came back."""
        return self.problem is None and self.status is not None

    @cached_property
    def envelope(self) -> Envelope | None:
        """The parsed response envelope, or None when the body is empty or not XML."""
        if not self.answered or not self.response_body.strip():
            return None
        try:
            return read_envelope(self.response_body, source=f"response to {self.label}")
        except HarnessError:
            return None

    @cached_property
    def parse_error(self) -> str | None:
        """Why the response body is not usable XML (None when it is, or when nothing came back)."""
        if not self.answered or self.envelope is not None:
            return None
        if not self.response_body.strip():
            return "the response body is empty"
        try:
            read_envelope(self.response_body, source=f"response to {self.label}")
        except HarnessError as exc:
            return str(exc)
        return None

    @cached_property
    def outcome(self) -> Problem | None:
        """How the answer falls short of a normal SOAP answer (fault, HTML page, ...), or None."""
        if self.problem is not None:
            return self.problem
        envelope = self.envelope
        if envelope is None or envelope.version is None:
            status = f"HTTP {self.status}"
            if self.status is not None and 300 <= self.status < 400:
                return problem(ProblemKind.REDIRECT, f"{status} to {self.header('location')}")
            content_type = self.header("content-type") or "no Content-Type"
            if envelope is None and self.response_body.strip():
                return problem(ProblemKind.NOT_XML, f"{status}, {content_type}: {self.parse_error}")
            if "html" in content_type.lower() or (envelope is not None and envelope.root.tag == "html"):
                return problem(ProblemKind.NOT_XML, f"{status}, {content_type}: an HTML page")
            if self.status is not None and self.status >= 400:
                return problem(ProblemKind.HTTP_ERROR, f"{status} without a SOAP envelope")
            return problem(ProblemKind.NOT_XML, f"{status}: {self.parse_error or 'XML, but not a SOAP envelope'}")
        fault = envelope.fault
        if fault is None:
            return None
        if fault.vp_code:
            entry = vp.describe(fault.vp_code)
            if entry is not None:
                return problem(
                    ProblemKind.PLATFORM_FAULT,
                    fault.string or "",
                    explanation=f"{entry.code}: {entry.meaning}",
                    fix=entry.remedy,
                )
        return problem(ProblemKind.SOAP_FAULT, f"{fault.code}: {fault.string}")
