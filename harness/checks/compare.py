"""Comparing two answers as a reviewer would: same content, whatever the clock said.

A timestamp is read by the answer's own rules, never by the harness's clock: ``Z`` is UTC,
``+hh:mm`` an offset, and a timestamp without a zone (TKB ``YYYYMMDDhhmmss``) is Swedish
local time. So a run from a machine in another time zone masks the same values.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from lxml import etree

from harness import xmlsafe

ANSWER_TIME_WINDOW = timedelta(minutes=10)
SWEDISH_TIME = ZoneInfo("Europe/Stockholm")
_TKB_TIMESTAMP = re.compile(r"\d{14}")


def read_timestamp(text: str) -> datetime | None:
    """An aware datetime for a TKB (``YYYYMMDDhhmmss``) or ISO 8601 timestamp, else None."""
    try:
        if _TKB_TIMESTAMP.fullmatch(text):
            moment = datetime.strptime(text, "%Y%m%d%H%M%S")
        elif len(text) >= 19 and text[10] == "T":
            moment = datetime.fromisoformat(text)
        else:
            return None
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=SWEDISH_TIME)


def answer_time(text: str, now: datetime) -> bool:
    """True for a timestamp within minutes of now: the producer's clock, not its data."""
    moment = read_timestamp(text)
    return moment is not None and abs(moment - now) <= ANSWER_TIME_WINDOW


def comparable(payload: etree._Element) -> list[tuple[str, str]]:
    """(path, text) of every element, with answer-time timestamps (e.g. pingDateTime) masked."""
    now = datetime.now(UTC)
    items = []
    for element in payload.iter():
        if not isinstance(element.tag, str):
            continue
        text = (element.text or "").strip()
        if text[:2] in ("19", "20") and answer_time(text, now):
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
