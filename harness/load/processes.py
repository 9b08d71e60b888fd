"""Starting the Locust child processes and getting their result back, whatever happens.

The children run in a session of their own, so a Ctrl-C in the terminal reaches only the
harness; the harness then asks the master to stop (SIGTERM), and the master writes what it
measured before exiting. Anything secret crosses on the child's stdin: the client key as a
PKCS#12 encrypted with a single-use password, never a file.
"""

from __future__ import annotations

import base64
import collections
import json
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from typing import IO, Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from harness.certs import ClientCredentials
from harness.errors import LoadError

STOP_GRACE_S = 10.0
START_GRACE_S = 90.0  # workers joining, Locust starting; beyond the profile's own duration


def sealed_credentials(credentials: ClientCredentials) -> dict[str, str]:
    """The credentials as a PKCS#12 encrypted with a fresh random password, both for one pipe only."""
    password = secrets.token_urlsafe(24)
    chain = credentials.chain
    blob = pkcs12.serialize_key_and_certificates(
        b"rivta-harness load",
        credentials.private_key,  # type: ignore[arg-type]
        chain[0],
        chain[1:] or None,
        serialization.BestAvailableEncryption(password.encode()),
    )
    return {"pkcs12": base64.b64encode(blob).decode("ascii"), "password": password}


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that was free a moment ago (for the local master)."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


class _Child:
    """One engine process; stdout and the tail of stderr collected on threads (no pipe can fill up)."""

    def __init__(self, args: list[str], document: dict[str, Any]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "harness.load.engine", *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        self.stdout: list[bytes] = []
        self.stderr: collections.deque[str] = collections.deque(maxlen=20)
        self._threads = [
            threading.Thread(target=self._read, args=(self.process.stdout, self.stdout.append), daemon=True),
            threading.Thread(
                target=self._read,
                args=(self.process.stderr, lambda b: self.stderr.append(b.decode(errors="replace"))),
                daemon=True,
            ),
        ]
        for thread in self._threads:
            thread.start()
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(json.dumps(document).encode() + b"\n")
            self.process.stdin.close()
        except BrokenPipeError:
            pass

    @staticmethod
    def _read(stream: IO[bytes] | None, sink: Any) -> None:
        assert stream is not None
        for line in stream:
            sink(line)

    def stop(self, grace: float) -> None:
        """SIGTERM, then SIGKILL after ``grace`` seconds."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for thread in self._threads:
            thread.join(1.0)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()

    def result(self) -> dict[str, Any] | None:
        for line in reversed(self.stdout):
            if line.startswith(b"{"):
                return json.loads(line)  # type: ignore[no-any-return]
        return None

    def last_error(self) -> str:
        lines = [line.strip() for line in self.stderr if line.strip()]
        return lines[-1] if lines else f"exit status {self.process.returncode}"


@dataclass(frozen=True, slots=True)
class Generated:
    """What the load generator reported, and whether the run was cut short by the user."""

    result: dict[str, Any]
    interrupted: bool


def generate(
    plan: dict[str, Any],
    credentials: dict[str, str],
    *,
    workers: int,
    master_bind: str | None,
    ui_port: int | None,
) -> Generated:
    """Run the plan with Locust in child processes; return the master's (or local runner's) result."""
    document = {"plan": plan, "ui": ui_port}
    children: list[_Child] = []
    if workers == 0 and master_bind is None:
        master = _Child(["local"], {**document, "secrets": credentials})
    else:
        bind = master_bind or f"127.0.0.1:{free_port()}"
        master = _Child(["master", bind, str(max(workers, 1))], document)
        if master_bind is None:
            children = [_Child(["worker", bind], {"secrets": credentials}) for _ in range(workers)]
    deadline = time.monotonic() + plan["profile"]["duration_s"] + START_GRACE_S
    interrupted = False
    try:
        while master.process.poll() is None:
            if time.monotonic() > deadline:
                master.stop(STOP_GRACE_S)
            time.sleep(0.1)
    except KeyboardInterrupt:
        interrupted = True
        master.stop(STOP_GRACE_S)
    finally:
        master.stop(STOP_GRACE_S)
        for child in children:
            child.stop(2.0)
    result = master.result()
    if result is None:
        raise LoadError(f"the load generator stopped without a result: {master.last_error()}")
    return Generated(result, interrupted)


def run_worker(master: str, credentials: ClientCredentials) -> int:
    """Run one worker for a remote master until the master ends the run (or Ctrl-C); its exit status."""
    child = _Child(["worker", master], {"secrets": sealed_credentials(credentials)})
    try:
        return child.process.wait()
    except KeyboardInterrupt:
        return 130
    finally:
        child.stop(STOP_GRACE_S)
