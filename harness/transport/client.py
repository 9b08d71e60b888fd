"""The one way the harness calls a producer: httpx over mutual TLS, recorded as an Exchange.

One client per run keeps connections alive (a fresh mTLS handshake per call would dominate
the harness's own cost). Every call has a connect timeout, a read timeout and a total
deadline, so a producer that drips bytes or never finishes cannot hold a run; the body is
capped after decompression; redirects are reported, not followed. Failures are recorded in
the exchange with a classified problem, never raised, because for some checks a refused
call is exactly the expected outcome.
"""

from __future__ import annotations

import ssl
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpcore
import httpx
from lxml import etree

from harness.certs import ClientCredentials
from harness.contracts import Contract
from harness.contracts.model import Profile
from harness.errors import TransportError
from harness.soap import request_envelope
from harness.transport.exchange import Exchange, Timing, TlsInfo
from harness.transport.problems import Problem, ProblemKind, classify_exception, problem
from harness.transport.tls import client_context, peer_chain

CONSUMER_HSA_HEADER = "x-rivta-original-serviceconsumer-hsaid"
CORRELATION_HEADER = "x-skltp-correlation-id"
CONTENT_TYPE = "text/xml; charset=UTF-8"


class _Default:
    """Marker for "use the certificate's HSA-id"; distinct from None, which omits the header."""


FROM_CERTIFICATE = _Default()
FROM_CONTRACT = _Default()


@dataclass(frozen=True, slots=True)
class TransportSettings:
    """Limits of one call. The deadline bounds the whole call; the read timeout one silence."""

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    deadline: float = 60.0
    max_response_bytes: int = 50 * 1024 * 1024
    verify_hostname: bool = True
    max_connections: int = 20


class RivtaClient:
    """Calls one producer URL; thread-safe, so concurrency checks share it."""

    def __init__(
        self,
        url: str,
        *,
        credentials: ClientCredentials | None = None,
        ca_bundle: Sequence[Path] = (),
        settings: TransportSettings | None = None,
        consumer_hsa_id: str | None = None,
    ) -> None:
        self.url = url
        self.credentials = credentials
        self.ca_bundle = tuple(ca_bundle)
        self.settings = settings or TransportSettings()
        self.consumer_hsa_id = consumer_hsa_id or (credentials.hsa_id if credentials else None)
        context = client_context(
            credentials=credentials, ca_bundle=self.ca_bundle, verify_hostname=self.settings.verify_hostname
        )
        self._client_subject = credentials.leaf_info.subject if credentials else None
        limits = httpx.Limits(
            max_connections=self.settings.max_connections, max_keepalive_connections=self.settings.max_connections
        )
        self._http = httpx.Client(verify=context, follow_redirects=False, limits=limits, trust_env=False)
        deadline = self.settings.deadline
        self._timeout = httpx.Timeout(
            connect=min(self.settings.connect_timeout, deadline),
            read=min(self.settings.read_timeout, deadline),
            write=min(self.settings.read_timeout, deadline),
            pool=deadline,
        )

    def __enter__(self) -> RivtaClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"RivtaClient({self.url!r}, client certificate: {self._client_subject or 'none'})"

    def close(self) -> None:
        """Close pooled connections."""
        self._http.close()

    def variant(
        self, *, credentials: ClientCredentials | None, settings: TransportSettings | None = None
    ) -> RivtaClient:
        """A new client to the same URL with other credentials (e.g. none, for the mTLS check)."""
        return RivtaClient(
            self.url,
            credentials=credentials,
            ca_bundle=self.ca_bundle,
            settings=settings or self.settings,
            consumer_hsa_id=self.consumer_hsa_id,
        )

    def call(
        self,
        contract: Contract,
        payload: etree._Element | bytes,
        *,
        logical_address: str | None,
        label: str,
        consumer_hsa_id: str | _Default | None = FROM_CERTIFICATE,
        correlation_id: str | None = None,
        profile: Profile | None = None,
        extra_headers: Mapping[str, str] | None = None,
        soap_action: str | _Default | None = FROM_CONTRACT,
    ) -> Exchange:
        """Send a RIVTA request for ``contract``; ``payload`` is the body element or ready envelope bytes.

        ``soap_action`` replaces the operation's SOAPAction (None leaves the header out), to
        test that the producer checks it.
        """
        if isinstance(payload, bytes):
            body = payload
        else:
            body = request_envelope(contract, payload, logical_address=logical_address, profile=profile)
        action = contract.operation.soap_action if isinstance(soap_action, _Default) else soap_action
        headers = {"Content-Type": CONTENT_TYPE}
        if action is not None:
            headers["SOAPAction"] = f'"{action}"'

        hsa_id = self.consumer_hsa_id if isinstance(consumer_hsa_id, _Default) else consumer_hsa_id
        if hsa_id:
            headers[CONSUMER_HSA_HEADER] = hsa_id
        headers[CORRELATION_HEADER] = correlation_id or str(uuid.uuid4())
        headers.update(extra_headers or {})
        return self.post(body, headers, label=label)

    def post(self, body: bytes, headers: Mapping[str, str], *, label: str) -> Exchange:
        """POST raw bytes; always returns an Exchange (``problem`` set when no usable answer came)."""
        settings = self.settings
        started_at = datetime.now(UTC)
        start = time.perf_counter()
        marks: dict[str, float] = {}

        def trace(event: str, info: Mapping[str, Any]) -> None:
            marks.setdefault(event, time.perf_counter())

        answer: dict[str, Any] = {"request_headers": tuple(headers.items())}
        try:
            with self._http.stream(
                "POST", self.url, content=body, headers=headers, timeout=self._timeout, extensions={"trace": trace}
            ) as response:
                answer["request_headers"] = tuple(response.request.headers.multi_items())
                answer["status"] = response.status_code
                answer["response_headers"] = tuple(response.headers.multi_items())
                answer["tls"] = self._tls_info(response)
                answer["response_body"], answer["problem"] = self._read_body(response, start + settings.deadline)
        except (httpx.HTTPError, httpcore.NetworkError, httpcore.TimeoutException, httpcore.ProtocolError) as exc:
            # httpcore errors can escape httpx's mapping when the stream closes (e.g. a TLS 1.3 alert).
            answer["problem"] = classify_exception(exc)
        except (ssl.SSLError, OSError) as exc:
            answer["problem"] = classify_exception(exc)
        return Exchange(
            label=label, url=self.url, started_at=started_at, request_body=body, timing=_timing(start, marks), **answer
        )

    def _read_body(self, response: httpx.Response, deadline: float) -> tuple[bytes, Problem | None]:
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > self.settings.max_response_bytes:
                return b"".join(chunks), problem(
                    ProblemKind.TOO_LARGE, f"more than {self.settings.max_response_bytes} bytes after decompression"
                )
            chunks.append(chunk)
            if time.perf_counter() > deadline:
                return b"".join(chunks), problem(
                    ProblemKind.DEADLINE, f"still receiving after {self.settings.deadline} s"
                )
        return b"".join(chunks), None

    def _tls_info(self, response: httpx.Response) -> TlsInfo | None:
        stream = response.extensions.get("network_stream")
        ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
        if ssl_object is None:
            return None
        cipher = ssl_object.cipher()
        return TlsInfo(
            version=ssl_object.version() or "",
            cipher=cipher[0] if cipher else "",
            peer_chain=peer_chain(ssl_object),
            client_certificate=self._client_subject,
        )


def _timing(start: float, marks: Mapping[str, float]) -> Timing:
    def span(begin: str, end: str) -> float | None:
        if begin in marks and end in marks:
            return round((marks[end] - marks[begin]) * 1000, 3)
        return None

    first_byte = marks.get("http11.receive_response_headers.complete")
    return Timing(
        connect_ms=span("connection.connect_tcp.started", "connection.connect_tcp.complete"),
        tls_ms=span("connection.start_tls.started", "connection.start_tls.complete"),
        first_byte_ms=round((first_byte - start) * 1000, 3) if first_byte else None,
        total_ms=round((time.perf_counter() - start) * 1000, 3),
    )


def require_answer(exchange: Exchange) -> Exchange:
    """The exchange if an HTTP answer came back; otherwise raise TransportError with the fix."""
    if exchange.problem is not None and exchange.status is None:
        raise TransportError(f"{exchange.label}: {exchange.problem.explanation}", hint=exchange.problem.fix)
    return exchange
