"""One Update judged on its own: schema, general and domain Schematron, unique keys, size.

The answer follows Inera's UpdateMock: ``ERROR`` with the first failing stage's message in
``comment`` (schema, then Schematron, then duplicates), else ``OK``. Every breach is also
filed under the self-declaration question it answers, so the report can say which rule a
call broke without re-reading it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from harness.ei.questions import Question
from harness.ei.rules import RuleSet
from harness.schematron import validate_all

CORE = "urn:riv:itintegration:engagementindex:1"
UPDATE_NS = "urn:riv:itintegration:engagementindex:UpdateResponder:1"
MAX_ENGAGEMENTS = 1000
MAX_FINDINGS_PER_STAGE = 20
# Inera's UpdateMock builds the unique key from these eight fields, in this order.
KEY_FIELDS = (
    "registeredResidentIdentification",
    "serviceDomain",
    "categorization",
    "logicalAddress",
    "businessObjectInstanceIdentifier",
    "clinicalProcessInterestId",
    "sourceSystem",
    "dataController",
)
_CORE_PREFIX = f"{{{CORE}}}"
_TRANSACTION = re.compile(r"engagementTransaction(?:\[(\d+)\])?")


@dataclass(frozen=True, slots=True)
class Breach:
    """A rule a call broke, filed under the question it answers ``no`` to."""

    question: Question
    text: str


@dataclass(frozen=True, slots=True)
class Engagement:
    """One engagementTransaction as the cross-call rules see it (position is 1-based)."""

    position: int
    key: tuple[str, ...]
    delete: bool

    @property
    def person(self) -> str:
        """registeredResidentIdentification."""
        return self.key[0]

    @property
    def domain(self) -> str:
        """serviceDomain."""
        return self.key[1]

    @property
    def categorization(self) -> str:
        """categorization."""
        return self.key[2]

    @property
    def source_system(self) -> str:
        """sourceSystem."""
        return self.key[6]


@dataclass(slots=True)
class Judgement:
    """The verdict on one Update's content and the answer it gets."""

    engagements: list[Engagement]
    breaches: list[Breach] = field(default_factory=list)
    comment: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def result_code(self) -> str:
        """``OK`` or ``ERROR`` (cross-call rules may still turn an OK into INFO)."""
        return "ERROR" if self.comment else "OK"


def duplicate_comment(first: int, second: int) -> str:
    """TKB R1's prescribed comment for two engagementTransactions with the same unique key."""
    return f"EngagementTransaction {first} and {second} have the same unique key. Duplicates are not allowed."


def read_engagements(update: etree._Element) -> list[Engagement]:
    """Every engagementTransaction's unique key and deleteFlag, in document order (one pass)."""
    found = []
    transaction_tag = f"{{{UPDATE_NS}}}engagementTransaction"
    delete_tag = f"{{{CORE}}}deleteFlag"
    engagement_tag = f"{{{CORE}}}engagement"
    position = 0
    for transaction in update.iterchildren(transaction_tag):
        position += 1
        values: dict[str, str] = {}
        delete = ""
        for child in transaction.iterchildren(delete_tag, engagement_tag):
            if child.tag == delete_tag:
                delete = (child.text or "").strip()
                continue
            for field_element in child.iterchildren():
                tag = field_element.tag
                if isinstance(tag, str) and tag.startswith(_CORE_PREFIX):
                    values.setdefault(tag[len(_CORE_PREFIX) :], (field_element.text or "").strip())
        key = tuple(values.get(name, "") for name in KEY_FIELDS)
        found.append(Engagement(position, key, delete in ("true", "1")))
    return found


def _schematron_question(test: str) -> Question:
    if "categorization" in test:
        return Question.CATEGORIZATION
    if "count(" in test and "engagementTransaction" in test:
        return Question.MAX_ENGAGEMENTS
    return Question.CONTENT


def _where(location: str) -> str:
    found = _TRANSACTION.search(location)
    return f"engagementTransaction {found.group(1) or 1}: " if found else ""


def judge_update(update: etree._Element, rules: RuleSet, engagements: list[Engagement] | None = None) -> Judgement:
    """Judge one Update payload element (already known to be an Update; ``engagements`` if already read)."""
    engagements = read_engagements(update) if engagements is None else engagements
    judgement = Judgement(engagements)
    schema = rules.update.schema.validate(update)
    for finding in schema[:MAX_FINDINGS_PER_STAGE]:
        judgement.breaches.append(Breach(Question.CONTENT, f"schema: {finding}"))
    if schema:
        judgement.comment = f"Schema validation failed: {schema[0]}"
    messages = []
    domains = sorted({e.domain for e in engagements})
    schematrons = [rules.general] + [r.schematron for d in domains if (r := rules.domain_rules(d)) is not None]
    for findings in validate_all(schematrons, update):
        for finding in findings[:MAX_FINDINGS_PER_STAGE]:
            judgement.breaches.append(
                Breach(_schematron_question(finding.test), _where(finding.location) + finding.text)
            )
            messages.append(finding.text)
    if messages and judgement.comment is None:
        judgement.comment = " \n".join(dict.fromkeys(messages))
    judgement.warnings += [
        f"no EI rules were given for service domain {d!r}: judged against the general rules only"
        for d in domains
        if d and rules.domain_rules(d) is None
    ]
    if len(engagements) > MAX_ENGAGEMENTS:
        judgement.breaches.append(
            Breach(Question.MAX_ENGAGEMENTS, f"{len(engagements)} engagementTransactions, at most {MAX_ENGAGEMENTS}")
        )
    first_at: dict[tuple[str, ...], int] = {}
    for engagement in engagements:
        earlier = first_at.setdefault(engagement.key, engagement.position)
        if earlier != engagement.position:
            text = duplicate_comment(earlier, engagement.position)
            judgement.breaches.append(Breach(Question.KEY_INTERVAL, text))
            if judgement.comment is None:
                judgement.comment = text
    return judgement
