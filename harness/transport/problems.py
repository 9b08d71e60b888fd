"""The small, fixed set of ways a call can go wrong, each with one sentence of cause and one of fix.

Most of a vendor's first week is lost on certificates and firewalls, and the raw error
("[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED]", "Name or service not known") rarely says which
side must change what. Every failure the transport sees is mapped to one of these kinds.
"""

from __future__ import annotations

import errno
import socket
import ssl
from dataclasses import dataclass
from enum import StrEnum

import httpcore
import httpx


class ProblemKind(StrEnum):
    """What went wrong, as a stable identifier (used in reports and ``doctor --json``)."""

    DNS = "dns-failure"
    REFUSED = "connection-refused"
    CONNECT_TIMEOUT = "connect-timeout"
    UNREACHABLE = "network-unreachable"
    TLS_UNTRUSTED = "tls-producer-certificate-untrusted"
    TLS_HOSTNAME = "tls-hostname-mismatch"
    TLS_EXPIRED = "tls-producer-certificate-expired"
    TLS_CLIENT_REJECTED = "tls-client-certificate-rejected"
    TLS_NOT_REQUESTED = "tls-client-certificate-not-requested"
    TLS_FAILED = "tls-handshake-failed"
    RESET = "connection-reset"
    READ_TIMEOUT = "read-timeout"
    DEADLINE = "deadline-exceeded"
    TOO_LARGE = "response-too-large"
    REDIRECT = "redirect-not-followed"
    HTTP_ERROR = "http-error-without-soap"
    NOT_XML = "non-xml-body"
    SOAP_FAULT = "soap-fault"
    PLATFORM_FAULT = "ntjp-platform-fault"
    LOCAL_FILES = "local-certificate-files"


_TEXT: dict[ProblemKind, tuple[str, str]] = {
    ProblemKind.DNS: (
        "the producer's host name does not resolve",
        "check the host in --producer-url and the DNS this machine uses",
    ),
    ProblemKind.REFUSED: (
        "nothing accepts connections at that host and port",
        "check the port in --producer-url and that the producer is running",
    ),
    ProblemKind.CONNECT_TIMEOUT: (
        "the TCP connection was not answered in time",
        "a firewall is probably dropping the traffic; ask for the opening from this address to the producer",
    ),
    ProblemKind.UNREACHABLE: (
        "there is no network route to the producer",
        "check routing/VPN between this machine and the producer",
    ),
    ProblemKind.TLS_UNTRUSTED: (
        "the producer's certificate is not issued by a CA in the trusted bundle",
        "pass the producer's CA chain with --ca-bundle (for SITHS: Root CA v2 and Function CA v1, or the TEST ones)",
    ),
    ProblemKind.TLS_HOSTNAME: (
        "the producer's certificate does not name the host in the URL",
        "call the host name the certificate names, or use --no-verify-hostname for IP-only test hosts",
    ),
    ProblemKind.TLS_EXPIRED: (
        "the producer's certificate has expired or is not yet valid",
        "the producer must renew its certificate; check this machine's clock too",
    ),
    ProblemKind.TLS_CLIENT_REJECTED: (
        "the producer refused our client certificate",
        "make the producer trust our issuing CA, and present a function certificate that is valid, "
        "has clientAuth and is sent with its intermediate",
    ),
    ProblemKind.TLS_NOT_REQUESTED: (
        "the producer did not ask for a client certificate",
        "configure the producer to require client certificates (mutual TLS, RIVTA BP rule 6)",
    ),
    ProblemKind.TLS_FAILED: (
        "the TLS handshake failed",
        "check that the producer speaks TLS 1.2 or newer on this port and that the URL uses https",
    ),
    ProblemKind.RESET: (
        "the producer closed the connection without an answer",
        "look in the producer's log; a proxy or load balancer may also cut the connection",
    ),
    ProblemKind.READ_TIMEOUT: (
        "the producer stopped sending before the answer was complete",
        "look for a hanging call in the producer's log; producers must answer within 27 s",
    ),
    ProblemKind.DEADLINE: (
        "the answer took longer than the total time allowed for one call",
        "the producer must answer within 27 s (TKB SLA); look for slow queries or partial answers (hasMore)",
    ),
    ProblemKind.TOO_LARGE: (
        "the answer is larger than the response size limit",
        "the producer should split large answers (hasMore); the platform's own limit is 15-50 MB",
    ),
    ProblemKind.REDIRECT: (
        "the producer answered with a redirect, which SOAP clients do not follow",
        "give the final URL in --producer-url",
    ),
    ProblemKind.HTTP_ERROR: (
        "the producer answered with an HTTP error and no SOAP envelope",
        "check the URL path; a SOAP producer answers errors with a SOAP Fault and HTTP 500",
    ),
    ProblemKind.NOT_XML: (
        "the answer is not XML (for example an HTML error page)",
        "check the URL path and what sits in front of the producer (proxy, servlet container)",
    ),
    ProblemKind.SOAP_FAULT: (
        "the producer answered with a SOAP Fault",
        "read the faultstring and the producer's log",
    ),
    ProblemKind.PLATFORM_FAULT: (
        "the NTjP platform answered with a VP fault instead of the producer",
        "see the VP code's meaning and remedy",
    ),
    ProblemKind.LOCAL_FILES: (
        "our client certificate, key or CA bundle cannot be used",
        "check the files and the password variable named by --cert-password-env",
    ),
}


@dataclass(frozen=True, slots=True)
class Problem:
    """A classified failure: kind, plain-language explanation, fix, and the raw detail."""

    kind: ProblemKind
    explanation: str
    fix: str
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.explanation} — {self.fix}"


def problem(kind: ProblemKind, detail: str = "", *, explanation: str | None = None, fix: str | None = None) -> Problem:
    """A Problem of ``kind`` with the standard texts (optionally replaced)."""
    standard_explanation, standard_fix = _TEXT[kind]
    return Problem(kind, explanation or standard_explanation, fix or standard_fix, detail)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


_CLIENT_REJECTED_MARKERS = (
    "CERTIFICATE_REQUIRED",
    "BAD_CERTIFICATE",
    "UNKNOWN_CA",
    "CERTIFICATE_UNKNOWN",
    "UNSUPPORTED_CERTIFICATE",
    "CERTIFICATE_EXPIRED",
    "ACCESS_DENIED",
    "HANDSHAKE_FAILURE",
)


def classify_exception(exc: BaseException) -> Problem:
    """Map an httpx/ssl/socket exception to a Problem (the raw text is kept as detail)."""
    chain = _chain(exc)
    detail = " ".join(str(exc).split()) or type(exc).__name__
    for link in chain:
        if isinstance(link, ssl.SSLCertVerificationError):
            code = link.verify_code
            if code in (9, 10):  # X509_V_ERR_CERT_NOT_YET_VALID, X509_V_ERR_CERT_HAS_EXPIRED
                return problem(ProblemKind.TLS_EXPIRED, detail)
            if code == 62 or "hostname" in (link.verify_message or "").lower():  # X509_V_ERR_HOSTNAME_MISMATCH
                return problem(ProblemKind.TLS_HOSTNAME, detail)
            return problem(ProblemKind.TLS_UNTRUSTED, detail)
        if isinstance(link, ssl.SSLError):
            text = f"{link.reason or ''} {link}".upper()
            if any(marker in text for marker in _CLIENT_REJECTED_MARKERS):
                return problem(ProblemKind.TLS_CLIENT_REJECTED, detail)
            if "WRONG_VERSION_NUMBER" in text or "UNSUPPORTED_PROTOCOL" in text:
                return problem(ProblemKind.TLS_FAILED, detail, explanation="the port does not speak TLS (plain HTTP?)")
            return problem(ProblemKind.TLS_FAILED, detail)
        if isinstance(link, socket.gaierror):
            return problem(ProblemKind.DNS, detail)
        if isinstance(link, ConnectionRefusedError):
            return problem(ProblemKind.REFUSED, detail)
        if isinstance(link, OSError) and link.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH):
            return problem(ProblemKind.UNREACHABLE, detail)
    if isinstance(exc, httpx.ConnectTimeout | httpcore.ConnectTimeout):
        return problem(ProblemKind.CONNECT_TIMEOUT, detail)
    if isinstance(exc, httpx.TimeoutException | httpcore.TimeoutException):
        return problem(ProblemKind.READ_TIMEOUT, detail)
    if any(isinstance(link, ConnectionResetError | BrokenPipeError) for link in chain) or isinstance(
        exc, httpx.RemoteProtocolError | httpx.ReadError | httpx.WriteError | httpcore.ReadError | httpcore.WriteError
    ):
        return problem(ProblemKind.RESET, detail)
    if isinstance(exc, httpx.ConnectError | httpcore.ConnectError):
        if "name or service" in detail.lower() or "nodename" in detail.lower():
            return problem(ProblemKind.DNS, detail)
        return problem(ProblemKind.REFUSED if "refused" in detail.lower() else ProblemKind.TLS_FAILED, detail)
    return problem(ProblemKind.RESET, detail, explanation=f"the call failed ({type(exc).__name__})")
