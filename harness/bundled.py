"""Where the bundled contracts, fixtures and TK suites are: the checkout, or the installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """``contracts``, ``fixtures`` or ``testsuites``: beside the package in a checkout, else inside it."""
    in_checkout = _PACKAGE.parent / name
    if in_checkout.is_dir():
        return in_checkout
    return _PACKAGE / "_bundled" / name


def bundled_contracts() -> list[Path]:
    """Every contract package shipped with the harness (the example contract and PingForConfiguration)."""
    root = bundled("contracts")
    return sorted(p for p in root.iterdir() if (p / "schemas").is_dir())


def reference_fixtures() -> Path:
    """The reference producer's fixture folder."""
    return bundled("fixtures") / "reference-producer"
