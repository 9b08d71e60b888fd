"""The ``--load*`` options of a run, checked for form (imported by ``harness.run``; no Locust here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from harness.errors import ConfigError
from harness.load.profiles import PROFILES, check_scale, parse_profiles


@dataclass(frozen=True, slots=True)
class LoadSettings:
    """The ``--load*`` options, checked for form."""

    enabled: bool = False
    scale: float = 1.0
    workers: int = 0
    master_bind: str | None = None
    ui_port: int | None = None
    profiles: tuple[str, ...] = tuple(PROFILES)

    @classmethod
    def build(
        cls,
        *,
        enabled: bool,
        scale: float | None,
        workers: int | None,
        master_bind: str | None,
        ui: bool | None,
        profiles: Sequence[str] | str | None,
    ) -> LoadSettings:
        """One-line ConfigError for a scale outside (0, 1], workers < 1, a bad bind address or profile."""
        if workers is not None and workers < 1:
            raise ConfigError(f"--load-workers {workers}: must be at least 1")
        if master_bind is not None:
            host, _, port = master_bind.rpartition(":")
            if not host or not port.isdigit() or not 0 < int(port) < 65536:
                raise ConfigError(f"--load-master-bind {master_bind!r}: expected HOST:PORT, e.g. 0.0.0.0:5557")
        return cls(
            enabled=enabled,
            scale=check_scale(1.0 if scale is None else scale),
            workers=workers or 0,
            master_bind=master_bind,
            ui_port=8089 if ui else None,
            profiles=parse_profiles(profiles),
        )
