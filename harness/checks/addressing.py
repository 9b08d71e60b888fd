"""Source-system addressing (TKB producer rule R3): the answer holds only the addressed system's records.

In domains that address source systems (e.g. clinicalprocess:healthcond:description, TKB
"Gemensamma producentregler" R3: "Svarsmeddelandet får endast innehålla information som
skapats i det källsystem som anges av frågemeddelandets LogicalAddress"), every record names
its source system, and that name must be the LogicalAddress of the call. Only domains whose
TKB we have read are listed; for others the rule is not known to apply.
"""

from __future__ import annotations

from lxml import etree

from harness import xmlsafe

SOURCE_SYSTEM_ADDRESSED_DOMAINS = frozenset({"clinicalprocess:healthcond:description"})
_SOURCE_SYSTEM_ELEMENTS = frozenset({"sourcesystemid", "sourcesystemhsaid"})


def is_source_system_addressed(domain: str) -> bool:
    """True for a domain whose TKB prescribes source-system addressing (rule R3)."""
    return domain in SOURCE_SYSTEM_ADDRESSED_DOMAINS


def source_systems(payload: etree._Element) -> list[str]:
    """The source system each record of an answer names (``sourceSystemId/extension`` or a plain HSA-id)."""
    found = []
    for element in payload.iter():
        if not isinstance(element.tag, str) or xmlsafe.local_name(element).lower() not in _SOURCE_SYSTEM_ELEMENTS:
            continue
        extension = next((c for c in element if xmlsafe.local_name(c) == "extension"), None)
        found.append(((extension.text if extension is not None else element.text) or "").strip())
    return found


def foreign_source_systems(payload: etree._Element, logical_address: str) -> list[str]:
    """Findings for records whose source system is not the LogicalAddress of the call."""
    return [
        f"a record of source system {system or '(empty)'} in an answer addressed to {logical_address}"
        for system in source_systems(payload)
        if system != logical_address
    ]
