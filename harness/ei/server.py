"""Starting the EI mock: the mTLS server for the vendor's calls and a loopback control endpoint.

The control endpoint is plain HTTP on 127.0.0.1 only, guarded by a random token written to a
file only the operator can read; ``ei mark`` and ``ei report`` (or the vendor's own scripts)
POST to it. It never faces the vendor's system, so it needs no client certificate.
"""

from __future__ import annotations

import http.server
import json
import os
import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.ei.mock import EiMock, EiSettings
from harness.ei.rules import RuleSet
from harness.ei.timeline import Clock, system_clock
from harness.errors import ConfigError
from harness.producer.httpserver import HttpsServer, server_context
from harness.producer.runtime import ClientKit, ServerCertificates, generated_certificates

UPDATE_PATH = "/itintegration/engagementindex/Update/1/rivtabp21"
CONTROL_FILE = "control.json"
MAX_EI_REQUEST_BYTES = 10 * 1024 * 1024  # a 1000-engagement Update is well under 1 MB
MAX_CONTROL_BYTES = 64 * 1024
TOKEN_HEADER = "X-Ei-Control-Token"


@dataclass(frozen=True, slots=True)
class ControlInfo:
    """Where the control endpoint listens and the token it wants."""

    url: str
    token: str


class _ControlHandler(http.server.BaseHTTPRequestHandler):
    server: _ControlServer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the console shows what the mock did, not HTTP lines."""

    def do_POST(self) -> None:
        if not secrets.compare_digest(self.headers.get(TOKEN_HEADER, ""), self.server.token):
            self._reply(403, "wrong or missing control token")
            return
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_CONTROL_BYTES:
            self._reply(413, "too large")
            return
        text = self.rfile.read(length).decode("utf-8", errors="replace").strip()
        action = self.server.actions.get(self.path.rstrip("/"))
        if action is None:
            self._reply(404, f"unknown control action {self.path}; use /mark or /report")
            return
        try:
            self._reply(200, action(text))
        except ConfigError as exc:
            self._reply(400, str(exc))

    def _reply(self, status: int, text: str) -> None:
        data = (text + "\n").encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _ControlServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, actions: dict[str, Callable[[str], str]], token: str) -> None:
        self.actions = actions
        self.token = token
        super().__init__(("127.0.0.1", 0), _ControlHandler)


class RunningEiMock:
    """A started mock: ``url`` to give the vendor, ``mark``, ``stop``; ``mock`` holds the observations."""

    def __init__(self, mock: EiMock, server: HttpsServer, client: ClientKit | None, server_certificate: Path) -> None:
        self.mock = mock
        self.server = server
        self.url = server.url + UPDATE_PATH
        self.client = client
        self.server_certificate = server_certificate
        self._control: _ControlServer | None = None
        self.control: ControlInfo | None = None

    def mark(self, text: str) -> str:
        """Record a change in the vendor's source system now."""
        if not text:
            raise ConfigError('a mark needs a text, e.g. "new note for 191212121212"')
        return self.mock.marked(text)

    def open_control(self, on_report: Callable[[str], str], control_file: Path | None = None) -> ControlInfo:
        """Start the loopback control endpoint; with ``control_file`` write its URL and token there (0600)."""
        token = secrets.token_urlsafe(24)
        self._control = _ControlServer({"/mark": self.mark, "/report": on_report}, token)
        threading.Thread(target=self._control.serve_forever, name="ei-control", daemon=True).start()
        self.control = ControlInfo(f"http://127.0.0.1:{self._control.server_address[1]}", token)
        if control_file is not None:
            control_file.parent.mkdir(parents=True, exist_ok=True)
            descriptor = os.open(control_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
                json.dump({"url": self.control.url, "token": token, "pid": os.getpid()}, handle)
        return self.control

    def stop(self) -> None:
        """Stop both servers (in-flight calls finish first)."""
        if self._control is not None:
            self._control.shutdown()
            self._control.server_close()
            self._control = None
        self.server.stop()

    def __enter__(self) -> RunningEiMock:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_ei_mock(
    rules: RuleSet,
    settings: EiSettings | None = None,
    *,
    pki_dir: Path | None = None,
    certificates: ServerCertificates | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    clock: Clock = system_clock,
    log: Callable[[str], None] | None = None,
) -> RunningEiMock:
    """Serve the mock over mutual TLS on a background thread."""
    client: ClientKit | None = None
    if certificates is None:
        _, certificates, client = generated_certificates(pki_dir, host)
    context = server_context(
        certfile=str(certificates.cert), keyfile=str(certificates.key), cafile=str(certificates.client_ca)
    )
    mock = EiMock(rules, settings or EiSettings(), clock=clock, log=log)
    server = HttpsServer(
        mock, context, host=host, port=port, max_request_bytes=MAX_EI_REQUEST_BYTES, refused=mock.refused
    ).start()
    mock.url = server.url
    return RunningEiMock(mock, server, client, certificates.cert)


def read_control(control_file: Path) -> ControlInfo:
    """The control endpoint a running ``ei serve`` wrote (one-line error when there is none)."""
    try:
        data: dict[str, Any] = json.loads(control_file.read_text(encoding="utf-8"))
        return ControlInfo(str(data["url"]), str(data["token"]))
    except FileNotFoundError:
        raise ConfigError(
            f"{control_file}: no running EI mock found", hint="start one with `rivta-harness ei serve` first"
        ) from None
    except (OSError, ValueError, KeyError) as exc:
        raise ConfigError(f"{control_file}: unreadable control file ({exc})") from None
