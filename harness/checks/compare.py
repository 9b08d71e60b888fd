"""Comparing two answers as a reviewer would: same content, whatever the clock said."""

from __future__ import annotations

from datetime import datetime, timedelta

from lxml import etree

from harness import xmlsafe

ANSWER_TIME_WINDOW = timedelta(minutes=10)


def _answer_time(text: str, now: datetime) -> bool:
    """True for a timestamp within minutes of now: the producer's clock, not its data."""
    for layout, width in (("%Y%m%d%H%M%S", 14), ("%Y-%m-%dT%H:%M:%S", 19)):
        try:
            moment = datetime.strptime(text[:width], layout)
        except ValueError:
            continue
        return abs(moment - now) <= ANSWER_TIME_WINDOW
    return False


def comparable(payload: etree._Element) -> list[tuple[str, str]]:
    """(path, text) of every element, with answer-time timestamps (e.g. pingDateTime) masked."""
    now = datetime.now()
    items = []
    for element in payload.iter():
        if not isinstance(element.tag, str):
            continue
        text = (element.text or "").strip()
        if text[:2] in ("19", "20") and _answer_time(text, now):
            text = "<answer time>"
        items.append((xmlsafe.element_path(element, stop=payload), text))
    return items


def differences(first: etree._Element, second: etree._Element, *, limit: int = 3) -> list[str]:
    """Where two answers differ (empty when they are the same)."""
    left, right = comparable(first), comparable(second)
    if left == right:
        return []
    found = []
    for (path_a, text_a), (path_b, text_b) in zip(left, right, strict=False):
        if (path_a, text_a) != (path_b, text_b):
            found.append(f"{path_a}={text_a!r} vs {path_b}={text_b!r}")
            if len(found) == limit:
                break
    if len(left) != len(right):
        found.append(f"{len(left)} vs {len(right)} elements")
    return found
