"""Capacity limits for the reference producer, so the load checks can be proven both ways.

``--capacity N``: above N concurrent callers (open connections, as a producer with N worker
threads would see them) a call is answered ``503 Service Unavailable`` and its connection
closed; when the load drops, calls are served again. ``--no-recovery``: once overloaded the
producer answers 503 to every call until restarted (TF 6.2.1 must fail on that).
"""

from __future__ import annotations

from collections.abc import Callable

from harness.errors import ConfigError
from harness.producer.httpserver import App, Request, Response

NO_RECOVERY_DEFAULT_CAPACITY = 20
_BUSY = Response(
    503, b"Service Unavailable: over capacity\n", [("Content-Type", "text/plain"), ("Connection", "close")]
)


class CapacityLimit:
    """Wraps the producer's application; ``callers`` reports the open connections (set by the runtime)."""

    def __init__(self, app: App, capacity: int, *, recover: bool = True) -> None:
        if capacity < 1:
            raise ConfigError(f"--capacity {capacity}: must be at least 1")
        self.app = app
        self.capacity = capacity
        self.recover = recover
        self.callers: Callable[[], int] = lambda: 0
        self.broken = False

    def __call__(self, request: Request) -> Response:
        if self.broken or self.callers() > self.capacity:
            self.broken = not self.recover
            return _BUSY
        return self.app(request)
