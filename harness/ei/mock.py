"""The engagement index the vendor's source system calls: Update 1.0 judged, ProcessNotification answered.

One ``EiMock`` is the HTTP application behind the mTLS server. Each Update is parsed with the
hardened parser, judged on its own (``judge``) and against the calls before it (``timeline``),
recorded, and answered at once: ``OK``, ``ERROR`` with the broken rule in ``comment`` (as
Inera's UpdateMock does), ``INFO`` when only a cross-call rule was broken (the index would
still store the engagements), or a SOAP fault when the operator asked the mock to fail.
Input that is not a SOAP 1.1 call is refused with a fault and counted, and the server keeps
serving.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from harness import personnummer, xmlsafe
from harness.ei.judge import UPDATE_NS, Breach, Judgement, judge_update, read_engagements
from harness.ei.questions import Question
from harness.ei.rules import RuleSet
from harness.ei.timeline import Clock, Timeline, system_clock
from harness.errors import HarnessError
from harness.namespaces import SOAP11_ENV, clark
from harness.producer.httpserver import Request, Response
from harness.results import exchange_record
from harness.transport.exchange import Exchange, Timing, TlsInfo

PROCESS_NOTIFICATION_NS = "urn:riv:itintegration:engagementindex:ProcessNotificationResponder:1"
MAX_EVIDENCE_REQUEST = 200_000
EVIDENCE_PER_QUESTION = 5
_XML = [("Content-Type", "text/xml; charset=UTF-8")]
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EiSettings:
    """How the mock behaves; every field has a CLI option of the same name."""

    answer_delay: float = 0.0
    fault_every: int = 0
    unavailable_for: float = 0.0
    initial_load: float = 0.0
    mask_personal_ids: bool = False
    keep_calls: int = 200


@dataclass(slots=True)
class CallRecord:
    """One received call: what it was, how it was judged and answered, and its evidence."""

    number: int
    operation: str
    received_at: datetime
    result: str
    comment: str | None
    breaches: list[Breach]
    warnings: list[str]
    engagements: int
    source_systems: list[str]
    exchange: dict[str, Any]

    def summary(self) -> str:
        """One line, as the console and the report show it."""
        rules = sorted({b.question.value for b in self.breaches})
        broken = f" breaks {', '.join(rules)}" if rules else ""
        return f"call {self.number} {self.operation} ({self.engagements} engagements): {self.result}{broken}"


@dataclass(slots=True)
class Observations:
    """What the report needs beyond the bounded list of calls."""

    calls: collections.deque[CallRecord]
    dropped: int = 0
    updates: int = 0
    bad_input: collections.Counter[str] = field(default_factory=collections.Counter)
    breaches: collections.Counter[Question] = field(default_factory=collections.Counter)
    evidence: dict[Question, list[CallRecord]] = field(default_factory=dict)
    examples: list[CallRecord] = field(default_factory=list)
    deletes_accepted: int = 0
    categorizations: dict[str, collections.Counter[str]] = field(default_factory=dict)
    warnings: dict[str, None] = field(default_factory=dict)
    many_engagement_calls: int = 0


def _envelope(payload: etree._Element) -> bytes:
    envelope = etree.Element(clark(SOAP11_ENV, "Envelope"), nsmap={"soapenv": SOAP11_ENV})
    etree.SubElement(envelope, clark(SOAP11_ENV, "Header"))
    etree.SubElement(envelope, clark(SOAP11_ENV, "Body")).append(payload)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def answer(namespace: str, element: str, result: str, comment: str | None) -> bytes:
    """``<UpdateResponse>``/``<ProcessNotificationResponse>`` with ResultCode and optional comment."""
    response = etree.Element(clark(namespace, element), nsmap={"urn": namespace})
    etree.SubElement(response, clark(namespace, "ResultCode")).text = result
    if comment:
        etree.SubElement(response, clark(namespace, "comment")).text = comment
    return _envelope(response)


def fault(text: str) -> Response:
    """A SOAP 1.1 fault (HTTP 500) with ``text`` as faultstring."""
    element = etree.Element(clark(SOAP11_ENV, "Fault"))
    etree.SubElement(element, "faultcode").text = "soapenv:Server"
    etree.SubElement(element, "faultstring").text = text
    return Response(500, _envelope(element), list(_XML))


def _subject(certificate: dict[str, object] | None) -> str | None:
    if not certificate:
        return None
    parts = [f"{name}={value}" for rdn in certificate.get("subject", ()) for name, value in rdn]  # type: ignore[attr-defined]
    return ", ".join(parts) or None


class EiMock:
    """The HTTP application: call it with a ``Request``; read ``observations`` for the report."""

    def __init__(
        self,
        rules: RuleSet,
        settings: EiSettings = EiSettings(),
        *,
        clock: Clock = system_clock,
        url: str = "",
        log: Callable[[str], None] | None = None,
    ) -> None:
        self.rules = rules
        self.settings = settings
        self.url = url
        self.timeline = Timeline(clock, initial_load_seconds=settings.initial_load)
        self.observations = Observations(collections.deque(maxlen=max(1, settings.keep_calls)))
        self.started_at = datetime.now(UTC)
        self._log = log
        self.lock = threading.Lock()  # guards observations; the report holds it while it reads them
        self._numbers = 0

    # -- refusals ----------------------------------------------------------------------------
    def refused(self, kind: str) -> None:
        """Count input refused before it reached the application (TLS, size)."""
        with self.lock:
            self.observations.bad_input[kind] += 1
        if self._log:
            self._log(f"refused: {kind}")

    def _refuse(self, kind: str, response: Response) -> Response:
        self.refused(kind)
        response.headers.append(("Connection", "close"))  # whatever else the client sent is not read
        return response

    # -- the application ---------------------------------------------------------------------
    def __call__(self, request: Request) -> Response:
        try:
            return self._dispatch(request)
        except Exception:  # a bug in the mock must not cost the vendor their run: answer, count, go on
            log.exception("the EI mock failed on a call")
            return self._refuse("internal error in the mock (see the log)", fault("internal error in the mock"))

    def _dispatch(self, request: Request) -> Response:
        if request.method != "POST":
            return self._refuse("not a POST", Response(405, b"POST a SOAP 1.1 call", [("Allow", "POST")]))
        content_type = (request.header("content-type") or "").lower()
        if not content_type.startswith("text/xml"):
            return self._refuse(
                "wrong content type", Response(415, b"SOAP 1.1 calls are text/xml", [("Content-Type", "text/plain")])
            )
        if not request.body.strip():
            return self._refuse("empty body", fault("empty request body"))
        try:
            root = xmlsafe.parse(request.body, source="request")
        except xmlsafe.UnsafeXmlError:
            return self._refuse("DOCTYPE or entity declaration (XML bomb guard)", fault("DOCTYPE is not allowed"))
        except HarnessError:
            return self._refuse("not well-formed XML", fault("request is not well-formed XML"))
        body = root.find(clark(SOAP11_ENV, "Body")) if root.tag == clark(SOAP11_ENV, "Envelope") else None
        payload = next((child for child in body if isinstance(child.tag, str)), None) if body is not None else None
        if payload is None:
            return self._refuse("not a SOAP 1.1 envelope with a body", fault("not a SOAP 1.1 call"))
        if payload.tag == clark(UPDATE_NS, "Update"):
            return self._update(request, payload)
        if payload.tag == clark(PROCESS_NOTIFICATION_NS, "ProcessNotification"):
            return self._process_notification(request, payload)
        return self._refuse("unknown operation", fault(f"unknown operation {xmlsafe.local_name(payload)}"))

    def _next_number(self) -> int:
        with self.lock:
            self._numbers += 1
            return self._numbers

    def _update(self, request: Request, payload: etree._Element) -> Response:
        started = time.perf_counter()
        number = self._next_number()
        at = self.timeline.clock()
        engagements = read_engagements(payload)
        injected = self._injected_fault(number, at)
        # In flight from here to the answer, so a parallel call is seen during the judging too.
        breaches = self.timeline.arrive(number, at, engagements)
        accepted = False
        try:
            judgement = judge_update(payload, self.rules, engagements)
            if self.settings.answer_delay:
                time.sleep(self.settings.answer_delay)
            if injected:
                response = fault(injected)
                result, comment = "SOAP fault", injected
            else:
                result = judgement.result_code
                comment = judgement.comment
                if result == "OK" and breaches:
                    result, comment = "INFO", "; ".join(b.text for b in breaches)
                response = Response(200, answer(UPDATE_NS, "UpdateResponse", result, comment), list(_XML))
            accepted = not injected and judgement.result_code == "OK"
        finally:
            self.timeline.finish(number, engagements, accepted=accepted, fault=bool(injected))
        record = self._record(
            request,
            response=response,
            number=number,
            operation="Update",
            result=result,
            comment=comment,
            judgement=judgement,
            cross_call=breaches,
            started=started,
        )
        self._observe(record, judgement, accepted)
        return response

    def _injected_fault(self, number: int, at: float) -> str | None:
        settings = self.settings
        with self.lock:
            self.observations.updates += 1
            count = self.observations.updates
        if settings.fault_every and count % settings.fault_every == 0:
            return f"engagement index temporarily unavailable (--fault-every {settings.fault_every}, call {number})"
        first = self.timeline.first_update
        if settings.unavailable_for and (first is None or at - first < settings.unavailable_for):
            return f"engagement index unavailable (--unavailable-for {settings.unavailable_for:g} s)"
        return None

    def _process_notification(self, request: Request, payload: etree._Element) -> Response:
        started = time.perf_counter()
        number = self._next_number()
        contract = self.rules.process_notification
        findings = contract.schema.validate(payload) if contract is not None else []
        comment = f"Schema validation failed: {findings[0]}" if findings else None
        result = "ERROR" if findings else "OK"
        response = Response(
            200, answer(PROCESS_NOTIFICATION_NS, "ProcessNotificationResponse", result, comment), list(_XML)
        )
        self._record(
            request,
            response=response,
            number=number,
            operation="ProcessNotification",
            result=result,
            comment=comment,
            judgement=Judgement([]),
            cross_call=[],
            started=started,
        )
        return response

    # -- recording ---------------------------------------------------------------------------
    def _record(
        self,
        request: Request,
        *,
        response: Response,
        number: int,
        operation: str,
        result: str,
        comment: str | None,
        judgement: Judgement,
        cross_call: list[Breach],
        started: float,
    ) -> CallRecord:
        body = request.body[:MAX_EVIDENCE_REQUEST]
        exchange = Exchange(
            label=f"call {number}: {operation}",
            url=self.url + request.path,
            started_at=datetime.now(UTC),
            request_headers=tuple(sorted(request.headers.items())),
            request_body=body,
            status=response.status,
            response_headers=tuple(response.headers),
            response_body=response.body,
            timing=Timing(total_ms=round((time.perf_counter() - started) * 1000, 3)),
            tls=TlsInfo("", "", (), _subject(request.client_certificate)),
        )
        evidence = exchange_record(exchange, mask_personal_ids=self.settings.mask_personal_ids)
        if len(request.body) > len(body):
            evidence["request_body"]["truncated"] = True
        record = CallRecord(
            number,
            operation,
            exchange.started_at,
            result,
            personnummer.mask(comment) if comment and self.settings.mask_personal_ids else comment,
            [*judgement.breaches, *cross_call],
            judgement.warnings,
            len(judgement.engagements),
            sorted({e.source_system for e in judgement.engagements}),
            evidence,
        )
        with self.lock:
            calls = self.observations.calls
            if len(calls) == calls.maxlen:
                self.observations.dropped += 1
            calls.append(record)
        if self._log:
            self._log(record.summary())
        return record

    def _observe(self, record: CallRecord, judgement: Judgement, accepted: bool) -> None:
        seen = self.observations
        with self.lock:
            if len(seen.examples) < EVIDENCE_PER_QUESTION:
                seen.examples.append(record)
            for question in dict.fromkeys(b.question for b in record.breaches):
                seen.breaches[question] += 1
                kept = seen.evidence.setdefault(question, [])
                if len(kept) < EVIDENCE_PER_QUESTION:
                    kept.append(record)
            for warning in judgement.warnings:
                seen.warnings[warning] = None
            if len(judgement.engagements) > 1:
                seen.many_engagement_calls += 1
            for engagement in judgement.engagements:
                values = seen.categorizations.setdefault(engagement.domain, collections.Counter())
                values[engagement.categorization] += 1
                if accepted and engagement.delete:
                    seen.deletes_accepted += 1

    def marked(self, text: str) -> str:
        """Record a change in the source system (``ei mark``); returns a one-line receipt."""
        mark = self.timeline.mark(text)
        shown = personnummer.mask(text) if self.settings.mask_personal_ids else text
        who = (
            f"for {len(mark.persons)} person(s)" if mark.persons else "for any person (no identity number in the text)"
        )
        return f"mark {mark.number} {who}: {shown}"
