"""TF references (testfall numbers) as the self-declaration forms write them.

Forms write ``(TF 1.1.1)``, ranges ``(TF 1.2.1 – 1.2.4)`` (en dash or hyphen), lists
``(TF 5.20, 5.21)`` and EI Update cases ``(EI_TF 2.3)``. A range stays one entry, ``1.2.1–1.2.4``;
``covers`` understands it, so "which question does TF 1.2.3 answer" works without expanding
the range against a case list that may differ between versions.
"""

from __future__ import annotations

import re

EI_PREFIX = "EI_TF "
_REFERENCE = re.compile(r"\((EI_TF|TF)\s*([0-9][^)]*)\)")
_NUMBER = r"[0-9]+(?:\.[0-9]+)*"
_ITEM = re.compile(rf"^({_NUMBER})(?:\s*[–—-]\s*({_NUMBER}))?$")
_SEPARATOR = re.compile(r"\s*(?:,|\boch\b|\band\b)\s*")


def parse_references(text: str) -> tuple[str, ...]:
    """Every TF reference in ``text``: ``"1.1.1"``, ``"1.2.1–1.2.4"``, ``"EI_TF 2.3"``."""
    found: list[str] = []
    for kind, body in _REFERENCE.findall(text):
        prefix = EI_PREFIX if kind == "EI_TF" else ""
        for item in _SEPARATOR.split(body.strip()):
            matched = _ITEM.match(item.strip().rstrip("."))
            if matched is None:
                continue
            start, end = matched.groups()
            entry = f"{prefix}{start}–{end}" if end else f"{prefix}{start}"
            if entry not in found:
                found.append(entry)
    return tuple(found)


def normalise(tf: str) -> str:
    """``"TF 1.2.3"``, ``"1.2.3"`` → ``"1.2.3"``; ``"EI_TF 2.3"``, ``"EI_TF_2.3"`` → ``"EI_TF 2.3"``."""
    text = " ".join(tf.split())
    if text.upper().startswith(("EI_TF", "EI TF")):
        return EI_PREFIX + text[5:].lstrip(" _")
    return text.removeprefix("TF").strip()


def _key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


def reference_covers(reference: str, tf: str) -> bool:
    """Whether one parsed reference (a number or a range) includes the test case ``tf``."""
    wanted = normalise(tf)
    ei = reference.startswith(EI_PREFIX)
    if ei != wanted.startswith(EI_PREFIX):
        return False
    reference = reference.removeprefix(EI_PREFIX)
    wanted = wanted.removeprefix(EI_PREFIX)
    if not re.fullmatch(_NUMBER, wanted):
        return False
    start, _, end = reference.partition("–")
    if not end:
        return _key(start) == _key(wanted)
    return _key(start) <= _key(wanted) <= _key(end) and len(_key(wanted)) == len(_key(start))
