"""What a run will and will not cover, said before the first check instead of discovered in the report.

A vendor who selects a contract without a TK suite otherwise learns only at the end, from a
"generic rules only" outcome, that half of the self-declaration could not be answered; and a
``[tk.<Contract>]`` table for a contract that is not in the run is silently ignored. This
module words both from what was collected and what was loaded; the plugin prints them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from harness.checks.catalogue import CheckSpec, Suite
from harness.testdata import TestData

_SUITE_NAMES = {
    Suite.GENERIC: "generic rules",
    Suite.TK: "TK suite",
    Suite.LOAD: "load profile",
    Suite.EI: "EI rules",
}


def _suite_name(spec: CheckSpec) -> str:
    if spec.suite is Suite.TK and "soapui" in spec.source.lower():
        return "SoapUI project"
    return _SUITE_NAMES[spec.suite]


def suite_plan(
    selected: Iterable[tuple[CheckSpec, str]], deselected: Iterable[tuple[CheckSpec, str]], contracts: Sequence[str]
) -> list[str]:
    """One line per contract: which suites will run (checks selected of those available) and which will not."""
    counts: dict[str, dict[str, list[int]]] = {key: {} for key in contracts}
    for index, pairs in enumerate((selected, deselected)):
        for spec, contract in pairs:
            suites = counts.setdefault(contract, {})
            suites.setdefault(_suite_name(spec), [0, 0])[index] += 1
    lines = []
    for contract, suites in counts.items():
        parts = []
        for name, (chosen, left_out) in suites.items():
            total = chosen + left_out
            if not chosen:
                parts.append(f"{name} not selected (-k/-m)")
            else:
                parts.append(f"{name} ({chosen}{f' of {total}' if left_out else ''} check{'s' if total != 1 else ''})")
        has_tk = "TK suite" in suites or "SoapUI project" in suites
        missing = "" if has_tk else "; no TK suite available — generic rules only"
        lines.append(f"{contract}: {', '.join(parts) or 'no checks'}{missing}")
    return lines


def unused_testdata(testdata: TestData, contract_names: Iterable[str], tk_contracts: Iterable[str]) -> list[str]:
    """Warnings naming each ``[tk.X]`` / ``[request.X]`` table that no selected contract or suite reads."""
    selected, with_tk = set(contract_names), set(tk_contracts)
    where = f" in {testdata.source}" if testdata.source else ""
    warnings = []
    for name in sorted(testdata.facts):
        if name not in selected:
            warnings.append(f"test data [tk.{name}]{where} is not used: no selected contract is called {name}")
        elif name not in with_tk:
            warnings.append(f"test data [tk.{name}]{where} is not used: no TK suite runs for {name}")
    for name in sorted(testdata.per_contract):
        if name not in selected:
            warnings.append(f"test data [request.{name}]{where} is not used: no selected contract is called {name}")
    return warnings
