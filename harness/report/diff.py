"""What changed between two submissions: verdicts, deviations, versions, producer and outcome.

When a vendor re-submits after fixing deviations, the reviewer wants the delta, not two
thick reports side by side.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def _verdicts(document: Mapping[str, Any]) -> dict[tuple[str, str], str]:
    return {(check["id"], check["contract"]): check["verdict"] for check in document["checks"]}


def _deviations(document: Mapping[str, Any]) -> dict[tuple[str, str | None], str]:
    return {(d["check"], d["contract"]): d["status"] for d in document["deviations"]}


def _contracts(document: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    return {c["key"]: {f["path"]: f["sha256"] for f in c["files"]} for c in document["contracts"]}


def _describe(product: Mapping[str, str] | None) -> str:
    return f"{product['name']} {product['version']}" if product else "(not declared)"


def diff_documents(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
    """One line per difference that matters to a reviewer (empty when nothing changed)."""
    lines: list[str] = []

    def changed(label: str, before: object, after: object) -> None:
        if before != after:
            lines.append(f"{label}: {before} → {after}")

    changed("outcome", old["outcome"], new["outcome"])
    changed("harness version", old["harness"]["version"], new["harness"]["version"])
    changed("producer", old["producer"]["url"], new["producer"]["url"])
    for key in ("producer_product", "source_system_product"):
        changed(
            key.replace("_", " "),
            _describe(old["verification_object"][key]),
            _describe(new["verification_object"][key]),
        )
    old_contracts, new_contracts = _contracts(old), _contracts(new)
    for key in sorted(set(old_contracts) - set(new_contracts)):
        lines.append(f"contract removed: {key}")
    for key in sorted(set(new_contracts) - set(old_contracts)):
        lines.append(f"contract added: {key}")
    for key in sorted(set(old_contracts) & set(new_contracts)):
        files = {
            p
            for p in old_contracts[key].keys() | new_contracts[key].keys()
            if old_contracts[key].get(p) != new_contracts[key].get(p)
        }
        for path in sorted(files):
            lines.append(f"contract {key}: file {path} differs")
    old_verdicts, new_verdicts = _verdicts(old), _verdicts(new)
    for check, contract in sorted(old_verdicts.keys() | new_verdicts.keys()):
        before = old_verdicts.get((check, contract), "(not run)")
        after = new_verdicts.get((check, contract), "(not run)")
        changed(f"{check} [{contract}]", before, after)
    old_deviations, new_deviations = _deviations(old), _deviations(new)
    for check, contract in sorted(old_deviations.keys() | new_deviations.keys(), key=lambda k: (k[0], k[1] or "")):
        before = old_deviations.get((check, contract), "(none)")
        after = new_deviations.get((check, contract), "(none)")
        changed(f"deviation {check} [{contract or 'declared'}]", before, after)
    return lines
