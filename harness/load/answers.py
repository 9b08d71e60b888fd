"""What a virtual user checks in each answer, cheaply enough for a thousand calls a second.

The parent computes the same digest for the answers a request gets when it is sent alone
(the baseline); under load each answer must have that digest, and must not carry another
virtual user's patient. Schema validation of every answer would make the generator the
bottleneck, so each *distinct* answer is validated once, by the parent, after the run.

Shared by the parent and the Locust child: lxml only, no gevent.
"""

from __future__ import annotations

import functools
import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from harness import xmlsafe
from harness.checks.compare import answer_time
from harness.errors import HarnessError
from harness.namespaces import SOAP11_ENV, clark

_BODY = clark(SOAP11_ENV, "Body")
_FAULT = clark(SOAP11_ENV, "Fault")


@dataclass(frozen=True, slots=True)
class Inspection:
    """One answer as the load check sees it."""

    kind: str  # "data", "fault" or "not-soap"
    digest: str | None = None
    foreign: str | None = None  # another request's patient value found in this answer


def payload_digest(payload: etree._Element) -> str:
    """Digest of an answer's content, blind to the producer's clock (e.g. pingDateTime)."""
    return _digest(_items(payload))


def _items(payload: etree._Element) -> list[tuple[str, str]]:
    """(tag, text) of every element in document order, answer-time stamps masked (cheap: no paths)."""
    minute = int(time.time() // 60)
    items = []
    for element in payload.iter(tag=etree.Element):
        text = (element.text or "").strip()
        if len(text) >= 14 and text[:2] in ("19", "20") and _is_answer_time(text, minute):
            text = "<answer time>"
        items.append((element.tag, text))
    return items


@functools.lru_cache(maxsize=4096)
def _is_answer_time(text: str, minute: int) -> bool:
    """Cached per minute: the same record dates come back in every answer of a load run."""
    return answer_time(text, datetime.fromtimestamp(minute * 60, tz=UTC))


def _digest(items: list[tuple[str, str]]) -> str:
    return hashlib.sha256("\x01".join(f"{tag}\x00{text}" for tag, text in items).encode()).hexdigest()[:32]


def inspect_answer(body: bytes, others: frozenset[str]) -> Inspection:
    """Classify a SOAP 1.1 answer and look for values that belong to other requests."""
    try:
        root = xmlsafe.parse(body, source="load answer")
    except HarnessError:
        return Inspection("not-soap")
    body_element = root.find(_BODY)
    if body_element is None or len(body_element) == 0:
        return Inspection("not-soap")
    payload = body_element[0]
    if payload.tag == _FAULT:
        return Inspection("fault")
    items = _items(payload)
    foreign = next((text for _, text in items if text in others), None) if others else None
    return Inspection("data", _digest(items), foreign)
