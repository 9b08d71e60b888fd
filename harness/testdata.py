"""Test data for the producer under test: request values and TK-suite facts, from a TOML file.

Request values start from the generated sample request; the ``[request]`` table overrides
them for every contract, ``[request.<Contract>]`` for one contract, and ``--set`` wins over
both. TK suites read their facts (which patient has notes in two care units, which consumer
is blocked, ...) from ``[tk.<Contract>]``; a missing fact makes the check "not tested" with
the key named, never passed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from harness.errors import ConfigError
from harness.tomlfile import read_toml


@dataclass(frozen=True, slots=True)
class TestData:
    """Parsed test data; empty when no file is given."""

    __test__ = False

    source: Path | None = None
    request: dict[str, str] = field(default_factory=dict)
    per_contract: dict[str, dict[str, str]] = field(default_factory=dict)
    facts: dict[str, dict[str, object]] = field(default_factory=dict)
    variants: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def overrides_for(self, contract_name: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """Request values for one contract in rising priority: file-wide, per contract, ``extra``."""
        return {**self.request, **self.per_contract.get(contract_name, {}), **(extra or {})}

    def fact(self, contract_name: str, key: str) -> object | None:
        """``[tk.<Contract>] key``, or None when the file does not say."""
        return self.facts.get(contract_name, {}).get(key)

    def describe_key(self, contract_name: str, key: str) -> str:
        """Where a missing fact belongs, for "not tested" messages."""
        where = str(self.source) if self.source else "a --testdata file"
        return f"[tk.{contract_name}] {key} in {where}"


def _strings(table: Mapping[str, object], where: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            continue
        if not isinstance(value, str):
            raise ConfigError(f"{where} {key!r}: request values must be strings (quote numbers: '\"{value}\"')")
        values[key.strip("/")] = value
    return values


def load_testdata(path: Path | None) -> TestData:
    """Read a test-data TOML file; one-line errors name the file and the key."""
    if path is None:
        return TestData()
    data = read_toml(path, option="--testdata")
    unknown = set(data) - {"request", "tk", "variants"}
    if unknown:
        raise ConfigError(
            f"{path}: unknown top-level key(s) {', '.join(sorted(unknown))}",
            hint="use [request], [variants] and [tk.<Contract>]",
        )
    request = data.get("request", {})
    per_contract = {
        name: _strings(table, f"{path} [request.{name}]") for name, table in request.items() if isinstance(table, dict)
    }
    facts = data.get("tk", {})
    if not all(isinstance(table, dict) for table in facts.values()):
        raise ConfigError(f"{path}: [tk] must hold one table per contract, e.g. [tk.GetClinicalNotes]")
    return TestData(path, _strings(request, f"{path} [request]"), per_contract, facts, _variants(data, path))


def _variants(data: Mapping[str, object], path: Path) -> dict[str, tuple[str, ...]]:
    """``[variants] "patientId/extension" = ["...", "..."]``: distinct values for concurrent calls."""
    table = data.get("variants", {})
    variants: dict[str, tuple[str, ...]] = {}
    for key, values in table.items() if isinstance(table, dict) else ():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ConfigError(f'{path} [variants] {key!r}: expected a list of strings, e.g. ["191212129819"]')
        variants[key.strip("/")] = tuple(dict.fromkeys(values))
    return variants
