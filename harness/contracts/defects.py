"""Known defects of real RIVTA contracts, detected and named so the producer is not blamed.

The main one: XSD regular expressions are implicitly anchored and give ``^`` and ``$`` no
special meaning, yet several released schemas write the personnummer pattern as
``^[0-9]{8}[0-9pPtTfF][0-9]{3}$``. Read literally, no real value can match, so a strict
validator rejects every correct message. The harness reports each such pattern as a
contract warning and, only when asked (``--pattern-anchors``), treats the two characters
as anchors by rewriting the pattern text in the in-memory snapshot, keeping line numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from harness.namespaces import XSD

_PATTERN = f"{{{XSD}}}pattern"
_VALUE_IN_PATTERN_TAG = re.compile(rb"""(<(?:[\w.-]+:)?pattern\b[^>]*?\bvalue\s*=\s*)(["'])(.*?)\2""", re.DOTALL)


@dataclass(frozen=True, slots=True)
class ContractWarning:
    """Something wrong with the contract itself, with where it is."""

    code: str
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


def has_literal_anchors(pattern: str) -> bool:
    """True when an XSD pattern starts with ``^`` or ends with an unescaped ``$``."""
    ends_with_dollar = pattern.endswith("$") and not pattern.endswith("\\$")
    return pattern.startswith("^") or ends_with_dollar


def strip_anchors(pattern: str) -> str:
    """The pattern a regex-minded author meant: leading ``^`` and trailing ``$`` removed."""
    if pattern.startswith("^"):
        pattern = pattern[1:]
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1]
    return pattern


def anchor_warnings(relative: str, root: etree._Element, *, treated_as_anchors: bool) -> list[ContractWarning]:
    """One warning per ``xs:pattern`` in ``root`` that uses ``^``/``$``."""
    found: list[ContractWarning] = []
    for element in root.iter(_PATTERN):
        value = element.get("value", "")
        if not has_literal_anchors(value):
            continue
        effect = (
            "treated as anchors (--pattern-anchors)"
            if treated_as_anchors
            else "read literally, as XSD requires, no real value can match; pass --pattern-anchors to treat them as anchors"
        )
        found.append(
            ContractWarning(
                code="pattern-anchors",
                file=relative,
                line=element.sourceline,
                message=f"contract defect: xs:pattern {value!r} uses ^/$, which XSD reads as literal characters; {effect}",
            )
        )
    return found


def rewrite_anchored_patterns(data: bytes) -> bytes:
    """``data`` with every anchored ``xs:pattern`` value stripped of ``^``/``$``; lines unchanged."""

    def fix(match: re.Match[bytes]) -> bytes:
        value = match.group(3).decode("utf-8", "surrogateescape")
        if not has_literal_anchors(value):
            return match.group(0)
        fixed = strip_anchors(value).encode("utf-8", "surrogateescape")
        return match.group(1) + match.group(2) + fixed + match.group(2)

    return _VALUE_IN_PATTERN_TAG.sub(fix, data)
