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


def example_contract() -> Path:
    """The bundled example contract (GetClinicalNotes): what a run checks when no --contract is given."""
    return bundled("contracts") / "example_clinicalprocess_notes"


def ping_contract() -> Path:
    """The bundled PingForConfiguration 1.0 package (served by every reference producer, used by rivta.ping)."""
    return bundled("contracts") / "itintegration_monitoring"
