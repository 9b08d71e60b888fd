"""A small threaded HTTPS/1.1 server with mutual TLS, graceful stop and TCP_NODELAY.

It carries the reference producer and every TLS test server the project's tests start, so
the transport is always exercised against real sockets and real handshakes. The TLS
handshake runs in the connection's worker thread, not in the accept loop, so a client that
stalls mid-handshake cannot block other clients. Without TCP_NODELAY each small response
waits ~40 ms for the peer's delayed ACK, which would swamp every timing we report.
"""

from __future__ import annotations

import contextlib
import http.server
import logging
import socket
import socketserver
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from harness.errors import ProducerServerError

log = logging.getLogger(__name__)

MAX_REQUEST_BYTES = 50 * 1024 * 1024
IDLE_KEEPALIVE_SECONDS = 15.0


@dataclass(frozen=True, slots=True)
class Request:
    """What the application sees of one HTTP request."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    client_certificate: dict[str, object] | None

    def header(self, name: str) -> str | None:
        """Header value by case-insensitive name."""
        return self.headers.get(name.lower())


@dataclass(slots=True)
class Response:
    """What the application answers: bytes, or chunks written as they come (for slow-producer tests)."""

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    chunks: Iterable[bytes] | None = None
    declared_length: int | None = None


class ResetConnection(Exception):
    """Raised by an application to drop the connection with a TCP reset instead of answering."""


App = Callable[[Request], Response]
Refused = Callable[[str], None]


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    request_queue_size = 128  # the default 5 drops simultaneous connects, which retry after a 1 s SYN timeout

    def __init__(
        self, address: tuple[str, int], app: App, context: ssl.SSLContext, max_request_bytes: int, refused: Refused
    ) -> None:
        self.app = app
        self.context = context
        self.max_request_bytes = max_request_bytes
        self.refused = refused
        self.in_flight = 0
        self.idle = threading.Condition()
        self.stopping = False
        self.connections: set[socket.socket] = set()
        super().__init__(address, _Handler)

    def get_request(self) -> tuple[socket.socket, object]:
        raw, address = self.socket.accept()
        raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        wrapped = self.context.wrap_socket(raw, server_side=True, do_handshake_on_connect=False)
        return wrapped, address

    def handle_error(self, request: object, client_address: object) -> None:
        log.debug("connection from %s ended with an error", client_address, exc_info=True)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = IDLE_KEEPALIVE_SECONDS
    server: _Server

    def setup(self) -> None:
        connection: ssl.SSLSocket = self.request
        connection.settimeout(IDLE_KEEPALIVE_SECONDS)
        try:
            connection.do_handshake()
        except (ssl.SSLError, OSError) as exc:
            log.debug("TLS handshake with %s failed: %s", self.client_address, exc)
            self.server.refused(f"TLS handshake failed ({getattr(exc, 'reason', None) or type(exc).__name__})")
            raise
        with self.server.idle:
            self.server.connections.add(connection)
        super().setup()

    def finish(self) -> None:
        with self.server.idle:
            self.server.connections.discard(self.request)
        super().finish()

    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s - %s", self.client_address[0], format % args)

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > self.server.max_request_bytes:
            self.server.refused("request too large")
            self._write(Response(413, b"request too large", [("Content-Type", "text/plain")]))
            self.close_connection = True
            return
        body = self.rfile.read(length) if length else b""
        connection: ssl.SSLSocket = self.request
        request = Request(
            method=self.command,
            path=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            client_certificate=connection.getpeercert() or None,
        )
        with self.server.idle:
            self.server.in_flight += 1
            if self.server.stopping:
                self.close_connection = True
        try:
            response = self.server.app(request)
            self._write(response)
        except ResetConnection:
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
        finally:
            with self.server.idle:
                self.server.in_flight -= 1
                self.server.idle.notify_all()

    def _write(self, response: Response) -> None:
        self.send_response(response.status)
        names = {name.lower() for name, _ in response.headers}
        for name, value in response.headers:
            self.send_header(name, value)
        if response.chunks is None:
            if "content-length" not in names:
                self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            self.wfile.write(response.body)
        else:
            if response.declared_length is not None:
                self.send_header("Content-Length", str(response.declared_length))
            else:
                self.close_connection = True
            self.end_headers()
            for chunk in response.chunks:
                self.wfile.write(chunk)
                self.wfile.flush()
        self.wfile.flush()


class HttpsServer:
    """Serve ``app`` over TLS on a background thread; ``stop`` lets in-flight calls finish."""

    def __init__(
        self,
        app: App,
        context: ssl.SSLContext,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        max_request_bytes: int = MAX_REQUEST_BYTES,
        refused: Refused = lambda reason: None,
    ) -> None:
        """``refused`` hears of every connection or request turned away before ``app`` saw it."""
        try:
            self._server = _Server((host, port), app, context, max_request_bytes, refused)
        except OSError as exc:
            raise ProducerServerError(
                f"cannot listen on {host}:{port} ({exc.strerror or exc})",
                hint="choose another --port (0 picks a free one) or stop what holds it",
            ) from None
        self._thread: threading.Thread | None = None
        self.host = host

    @property
    def port(self) -> int:
        """The port actually bound (useful with port 0)."""
        return int(self._server.server_address[1])

    @property
    def open_connections(self) -> int:
        """Connections past the TLS handshake and not yet closed (concurrent callers)."""
        return len(self._server.connections)

    @property
    def url(self) -> str:
        """Base URL of the server."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"https://{host}:{self.port}"

    def start(self) -> HttpsServer:
        """Start serving in a daemon thread."""
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name=f"https-{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self, grace_seconds: float = 10.0) -> None:
        """Stop accepting, wait up to ``grace_seconds`` for in-flight calls, then close idle connections."""
        server = self._server
        if self._thread is not None:
            server.shutdown()
        deadline = time.monotonic() + grace_seconds
        with server.idle:
            server.stopping = True
            while server.in_flight and time.monotonic() < deadline:
                server.idle.wait(timeout=0.05)
            idle_connections = list(server.connections)
        for connection in idle_connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=grace_seconds)
            self._thread = None

    def __enter__(self) -> HttpsServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def server_context(
    *, certfile: str, keyfile: str, cafile: str | None, require_client_certificate: bool = True
) -> ssl.SSLContext:
    """Server-side TLS 1.2+ context; with ``require_client_certificate`` the handshake demands one."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    try:
        context.load_cert_chain(certfile, keyfile)
        if cafile:
            context.load_verify_locations(cafile=cafile)
    except (ssl.SSLError, OSError) as exc:
        raise ProducerServerError(f"cannot load server certificate {certfile} ({exc})") from None
    context.verify_mode = ssl.CERT_REQUIRED if require_client_certificate and cafile else ssl.CERT_NONE
    return context
