"""Inera's generated ``<Contract>-doc.html``: which test cases Inera itself says a human must judge.

The document beside each project describes every case under an ``<h3>`` heading. Where the
description carries an "OBS!" sentence about manual checking ("OBS! Detta är ett manuellt
testfall ...", "OBS! Manuell kontroll av svarsmeddelandet krävs ..."), a green or red SoapUI
result is not conclusive: TF 1.7 needs an internal error the vendor provokes out of band, and
TF 5.15 can be green with a corrupted string. Those cases end *manual*, the assertion outcomes
attached for the reviewer.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from pathlib import Path

_HEADING = re.compile(r"<h3[^>]*>(.*?)</h3>", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")
_MANUAL = re.compile(r"OBS!\s*[^.!]*manuel[^.!]*[.!]?", re.I)


def _text(fragment: str) -> str:
    return " ".join(html.unescape(_TAG.sub(" ", fragment)).split())


@lru_cache(maxsize=256)
def _read(path: Path) -> dict[str, str]:
    try:
        source = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    manual: dict[str, str] = {}
    headings = list(_HEADING.finditer(source))
    for index, heading in enumerate(headings):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(source)
        found = _MANUAL.search(_text(source[heading.end() : end]))
        if found:
            manual[_text(heading.group(1))] = found.group(0)
    return manual


def manual_cases(project_path: Path) -> dict[str, str]:
    """Case name → Inera's "OBS! ... manuell ..." sentence, from the ``*-doc.html`` beside the project."""
    found: dict[str, str] = {}
    for document in sorted(project_path.parent.glob("*-doc.html")):
        found.update(_read(document))
    return found
