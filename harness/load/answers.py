"""What a virtual user checks in each answer, cheaply enough for a thousand calls a second.

The parent computes the same digest for the answers a request gets when it is sent alone
(the baseline); under load each answer must have that digest, and must not carry another
virtual user's patient. Schema validation of every answer would make the generator the
bottleneck, so each *distinct* answer is validated once, by the parent, after the run.

Shared by the parent and the Locust child: lxml only, no gevent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from lxml import etree

from harness import xmlsafe
from harness.checks.compare import comparable
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
    return _digest(comparable(payload))


def _digest(items: list[tuple[str, str]]) -> str:
    return hashlib.sha256(repr(items).encode()).hexdigest()[:32]


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
    items = comparable(payload)
    foreign = next((text for _, text in items if text in others), None) if others else None
    return Inspection("data", _digest(items), foreign)
