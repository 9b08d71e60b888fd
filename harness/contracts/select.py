"""Choosing contracts by name: ``GetCareDocumentation``, ``...@rivtabp20``, or ``PATH::Name``."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from pathlib import Path

from harness.contracts.loader import load_contracts
from harness.contracts.model import Contract, Profile
from harness.errors import ConfigError


def select(contracts: Sequence[Contract], selector: str, *, origin: str) -> list[Contract]:
    """Contracts matching ``Name[@profile]``; with both profiles present and none named, BP 2.1 wins."""
    name, _, profile_text = selector.partition("@")
    matching = [c for c in contracts if c.name.lower() == name.strip().lower()]
    if profile_text:
        wanted = profile_text.strip().upper()
        if wanted not in {p.value for p in Profile}:
            raise ConfigError(
                f"{origin}::{selector}: unknown profile {profile_text!r}", hint="use @rivtabp20 or @rivtabp21"
            )
        matching = [c for c in matching if c.profile.value == wanted]
    elif len({c.profile for c in matching}) > 1:
        matching = [c for c in matching if c.profile is Profile.BP21]
    if not matching:
        names = sorted({c.name for c in contracts})
        nearest = difflib.get_close_matches(name, names, n=3) or names[:5]
        raise ConfigError(f"{origin}: no contract named {selector!r}", hint=f"contracts here: {', '.join(nearest)}")
    return matching


def resolve_reference(reference: str, *, pattern_anchors: bool = False) -> list[Contract]:
    """``PATH`` (every contract in it) or ``PATH::Name`` (one interaction) → contracts."""
    path_text, _, selector = reference.partition("::")
    contracts = load_contracts(Path(path_text), pattern_anchors=pattern_anchors)
    if not selector:
        by_name: dict[str, list[Contract]] = {}
        for contract in contracts:
            by_name.setdefault(contract.name, []).append(contract)
        chosen: list[Contract] = []
        for group in by_name.values():
            chosen += select(group, group[0].name, origin=path_text)
        return chosen
    return select(contracts, selector, origin=path_text)
