"""Reading the TOML files a user hands the harness, with one-line errors naming the option and file."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from harness.errors import ConfigError


def read_toml(path: Path, *, option: str) -> dict[str, Any]:
    """The parsed file; ``option`` (e.g. ``--testdata``) says where the path came from."""
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{option} {path}: no such file") from None
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{option} {path}: cannot read TOML ({exc})") from None
