"""The reference producer's behaviour: a conformant RIVTA BP 2.1 producer for any loaded contract.

It dispatches on the body element's QName, insists on the routing header, validates every
request against the exact contract, answers from fixture data with the TKB filter semantics
(patient, date period, care unit, source system, consumer-specific blocking), and reports
errors as SOAP 1.1 faults with HTTP 500 and a log id, never with personal data. A contract
without fixture data gets a generated minimal valid answer; PingForConfiguration answers with
the producer's version and time.

Each ``Fault`` switches exactly one of these behaviours off, for fault-injection tests.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime

from lxml import etree

from harness import __version__, xmlsafe
from harness.contracts import Contract
from harness.contracts.model import Profile
from harness.contracts.sample import MessageBuilder
from harness.errors import HarnessError
from harness.namespaces import SOAP11_ENV, SOAP12_ENV, clark, split_clark
from harness.producer.faults import Fault
from harness.producer.fixtures import ContractFixture, MatchFilter, values_at
from harness.producer.httpserver import Request, Response
from harness.soap import read_envelope

log = logging.getLogger(__name__)

CONSUMER_HSA_HEADER = "x-rivta-original-serviceconsumer-hsaid"
REFERENCE_LOGICAL_ADDRESS = "SE1234567890-LA01"
_MANGLED = str.maketrans({"å": "a", "ä": "a", "ö": "o", "Å": "A", "Ä": "A", "Ö": "O", "<": " ", ">": " ", "&": "+"})


class _SoapFaultAnswer(Exception):
    def __init__(self, code: str, text: str, detail: str | None = None, patient: str | None = None) -> None:
        super().__init__(text)
        self.code = code
        self.text = text
        self.detail = detail
        self.patient = patient


class ReferenceProducer:
    """Callable HTTP application: Request → Response. Safe to call from many threads."""

    def __init__(
        self,
        contracts: Sequence[Contract],
        fixtures: Mapping[tuple[str, int], ContractFixture],
        *,
        fault: Fault | None = None,
        slow_seconds: float = 2.0,
    ) -> None:
        self.fault = fault
        self.slow_seconds = slow_seconds
        self._routes: dict[str, list[Contract]] = {}
        for contract in contracts:
            self._routes.setdefault(contract.operation.request_element, []).append(contract)
        self._fixtures = fixtures
        self._builders = {contract.key: MessageBuilder(contract) for contract in contracts}
        self._generated: dict[str, etree._Element] = {}
        self._lock = threading.Lock()
        self._in_flight = 0

    # -- HTTP entry ------------------------------------------------------------------------

    def __call__(self, request: Request) -> Response:
        with self._lock:
            self._in_flight += 1
        try:
            if self.fault is Fault.SLOW:
                time.sleep(self.slow_seconds)
            return self._handle(request)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _handle(self, request: Request) -> Response:
        try:
            if request.method != "POST":
                raise _SoapFaultAnswer("Client", "Only HTTP POST of SOAP 1.1 messages is supported")
            contract, payload, logical_address = self._read_request(request)
            answer = self._answer(contract, payload, logical_address, request.header(CONSUMER_HSA_HEADER))
        except _SoapFaultAnswer as fault:
            return self._fault_response(fault)
        return self._data_response(contract, answer)

    # -- reading the request ---------------------------------------------------------------

    def _read_request(self, request: Request) -> tuple[Contract, etree._Element, str | None]:
        try:
            envelope = read_envelope(request.body, source="request")
        except HarnessError:
            raise _SoapFaultAnswer("Client", "The request is not well-formed XML") from None
        if envelope.version != "1.1":
            raise _SoapFaultAnswer("VersionMismatch", "Only SOAP 1.1 envelopes are accepted")
        if len(envelope.body_children) != 1:
            raise _SoapFaultAnswer("Client", "The SOAP Body must hold exactly one element")
        payload = envelope.body_children[0]
        candidates = self._routes.get(str(payload.tag))
        if not candidates:
            raise _SoapFaultAnswer("Client", f"Unknown operation {split_clark(str(payload.tag))[1]}")
        header = envelope.header
        logical_address, contract = None, candidates[0]
        for candidate in candidates:
            element = header.find(candidate.header_element) if header is not None else None
            if element is not None:
                logical_address, contract = (element.text or "").strip() or None, candidate
                break
        if logical_address is None and self.fault is not Fault.IGNORES_LOGICAL_ADDRESS:
            name = "LogicalAddress" if contract.profile is Profile.BP21 else "wsa:To"
            raise _SoapFaultAnswer("Client", f"The {name} header is missing or empty")
        if self.fault is Fault.REJECTS_EXTENSIONS and _has_foreign_element(payload, contract):
            raise _SoapFaultAnswer("Client", "Unexpected element in the request")
        if self.fault is not Fault.NO_FAULT_ON_INVALID_REQUEST and not contract.schema.is_valid(payload):
            paths = sorted({f.path for f in contract.schema.validate(payload) if f.path})
            raise _SoapFaultAnswer(
                "Client",
                "The request does not validate against the contract schema",
                detail=f"invalid at {', '.join(paths[:5])}" if paths else None,
            )
        return contract, payload, logical_address

    # -- answering -------------------------------------------------------------------------

    def _answer(
        self, contract: Contract, payload: etree._Element, logical_address: str | None, consumer: str | None
    ) -> etree._Element:
        if contract.name == "PingForConfiguration":
            return self._builders[contract.key].build(
                contract.operation.response_element,
                {
                    "version": f"rivta-harness reference producer {__version__}",
                    "pingDateTime": datetime.now().strftime("%Y%m%d%H%M%S"),
                    "configuration/name": "producer",
                    "configuration/value": "rivta-harness reference producer",
                },
            )
        fixture = self._fixtures.get((contract.name, contract.major))
        if fixture is None:
            return copy.deepcopy(self._generated_answer(contract))
        return self._filtered(fixture, payload, logical_address, consumer)

    def _generated_answer(self, contract: Contract) -> etree._Element:
        with self._lock:
            found = self._generated.get(contract.key)
            if found is None:
                found = self._builders[contract.key].build(contract.operation.response_element)
                self._generated[contract.key] = found
            return found

    def _filtered(
        self, fixture: ContractFixture, request: etree._Element, logical_address: str | None, consumer: str | None
    ) -> etree._Element:
        response = copy.deepcopy(fixture.response)
        records = [child for child in response if xmlsafe.local_name(child) == fixture.record]
        keep = records
        if fixture.patient is not None:
            keep = _matching(keep, fixture.patient, _requested(request, fixture.patient))
            if not keep and self.fault is Fault.NOTFOUND_AS_FAULT:
                wanted = _requested(request, fixture.patient)
                raise _SoapFaultAnswer("Server", "Patient not found", patient=wanted[0] if wanted else None)
        if fixture.date is not None and self.fault is not Fault.IGNORES_DATE_FILTER:
            keep = _in_period(keep, fixture, request)
        if fixture.care_unit is not None and self.fault is not Fault.IGNORES_CARE_UNIT_FILTER:
            keep = _matching(keep, fixture.care_unit, _requested(request, fixture.care_unit), optional=True)
        if fixture.source_system is not None:
            if self.fault is not Fault.IGNORES_SOURCE_SYSTEM_FILTER:
                keep = _matching(keep, fixture.source_system, _requested(request, fixture.source_system), optional=True)
            keep = _addressed(keep, fixture.source_system, records, logical_address)
        if self.fault is not Fault.IGNORES_CONSUMER_BLOCKING and consumer:
            if consumer in fixture.blocked_consumers:
                keep = []
            hidden = fixture.hidden_care_units.get(consumer)
            if hidden and fixture.care_unit is not None:
                keep = [r for r in keep if not hidden & set(_record_values(r, fixture.care_unit))]
        if self.fault is Fault.HIDES_UNAPPROVED:
            keep = [r for r in keep if "false" not in _descendant_texts(r, "approvedForPatient")]
        if self.fault is Fault.CONCURRENCY_BUG:
            time.sleep(0.05)
            with self._lock:
                crowded = self._in_flight > 1
            keep = keep[:1] if crowded else keep
        kept = {id(r) for r in keep}
        for record in records:
            if id(record) not in kept:
                response.remove(record)
        if fixture.count:
            for element in response.iter():
                if xmlsafe.local_name(element) == fixture.count:
                    element.text = str(len(keep))
        return response

    # -- writing responses -----------------------------------------------------------------

    def _data_response(self, contract: Contract, answer: etree._Element) -> Response:
        if self.fault is Fault.SCHEMA_INVALID_RESPONSE:
            etree.SubElement(answer, clark(contract.responder_namespace, "unexpectedElement")).text = "x"
        if self.fault is Fault.WRONG_NAMESPACE_VERSION:
            _bump_major(answer, contract)
        if self.fault is Fault.MANGLES_SPECIAL_CHARACTERS:
            for element in answer.iter():
                if element.text:
                    element.text = element.text.translate(_MANGLED)
        body = _envelope(answer, SOAP11_ENV)
        content_type = (
            "text/xml; charset=ISO-8859-1" if self.fault is Fault.CHARSET_MISMATCH else "text/xml; charset=UTF-8"
        )
        return Response(200, body, [("Content-Type", content_type)])

    def _fault_response(self, fault: _SoapFaultAnswer) -> Response:
        log_id = str(uuid.uuid4())
        log.info("answering with a SOAP fault, log id %s: %s (%s)", log_id, fault.text, fault.detail or "-")
        if self.fault is Fault.HTML_ERROR_PAGE:
            page = (
                "<!DOCTYPE html><html><head><title>500 Internal Server Error</title></head>"
                f"<body><h1>Internal Server Error</h1><p>{fault.text}</p></body></html>"
            )
            return Response(500, page.encode(), [("Content-Type", "text/html; charset=UTF-8")])
        text = f"{fault.text} (log id {log_id})"
        if self.fault is Fault.LEAKY_FAULT:
            text = (
                f"{fault.text} for patient {fault.patient or '191212129819'}\n"
                "java.lang.IllegalStateException: lookup failed\n"
                "\tat se.example.notes.NotesDao.find(NotesDao.java:42)"
            )
        status = 200 if self.fault is Fault.FAULT_AS_200 else 500
        if self.fault is Fault.SOAP12_RESPONSE:
            return Response(
                status, _soap12_fault(fault.code, text), [("Content-Type", "application/soap+xml; charset=UTF-8")]
            )
        fault_element = etree.Element(clark(SOAP11_ENV, "Fault"))
        etree.SubElement(fault_element, "faultcode").text = f"soapenv:{fault.code}"
        etree.SubElement(fault_element, "faultstring").text = text
        if fault.detail:
            detail = etree.SubElement(fault_element, "detail")
            etree.SubElement(detail, "message").text = fault.detail
        return Response(status, _envelope(fault_element, SOAP11_ENV), [("Content-Type", "text/xml; charset=UTF-8")])


def _envelope(content: etree._Element, envelope_ns: str) -> bytes:
    envelope = etree.Element(clark(envelope_ns, "Envelope"), nsmap={"soapenv": envelope_ns})
    etree.SubElement(envelope, clark(envelope_ns, "Header"))
    etree.SubElement(envelope, clark(envelope_ns, "Body")).append(content)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def _soap12_fault(code: str, text: str) -> bytes:
    fault = etree.Element(clark(SOAP12_ENV, "Fault"))
    value = etree.SubElement(etree.SubElement(fault, clark(SOAP12_ENV, "Code")), clark(SOAP12_ENV, "Value"))
    value.text = "soapenv:Sender" if code == "Client" else "soapenv:Receiver"
    reason = etree.SubElement(fault, clark(SOAP12_ENV, "Reason"))
    etree.SubElement(
        reason, clark(SOAP12_ENV, "Text"), {"{http://www.w3.org/XML/1998/namespace}lang": "en"}
    ).text = text
    return _envelope(fault, SOAP12_ENV)


def _requested(request: etree._Element, mapping: MatchFilter) -> list[str]:
    for path in mapping.request:
        found = [v for v in values_at(request, path) if v]
        if found:
            return found
    return []


def _record_values(record: etree._Element, mapping: MatchFilter) -> list[str]:
    return [value for path in mapping.record for value in values_at(record, path)]


def _matching(
    records: list[etree._Element], mapping: MatchFilter, wanted: list[str], *, optional: bool = False
) -> list[etree._Element]:
    if not wanted:
        return records if optional else []
    return [r for r in records if set(wanted) & set(_record_values(r, mapping))]


def _in_period(
    records: list[etree._Element], fixture: ContractFixture, request: etree._Element
) -> list[etree._Element]:
    assert fixture.date is not None
    start = next(iter(values_at(request, fixture.date.request_start)), "")[:8]
    end = next(iter(values_at(request, fixture.date.request_end)), "")[:8]
    if not start and not end:
        return records
    kept = []
    for record in records:
        dates = [value[:8] for path in fixture.date.record for value in values_at(record, path) if value]
        if any((not start or d >= start) and (not end or d <= end) for d in dates):
            kept.append(record)
    return kept


def _addressed(
    keep: list[etree._Element], mapping: MatchFilter, records: list[etree._Element], logical_address: str | None
) -> list[etree._Element]:
    """Source-system addressing: a logical address that names a source system limits the answer to it."""
    systems = {value for record in records for value in _record_values(record, mapping)}
    if logical_address in systems:
        return [r for r in keep if logical_address in _record_values(r, mapping)]
    return keep


def _descendant_texts(record: etree._Element, name: str) -> list[str]:
    return [(e.text or "").strip() for e in record.iter() if xmlsafe.local_name(e) == name]


def _has_foreign_element(payload: etree._Element, contract: Contract) -> bool:
    known = set(contract.schema.model.maps.namespaces)
    return any(isinstance(e.tag, str) and xmlsafe.namespace(e) not in known for e in payload.iter())


def _bump_major(answer: etree._Element, contract: Contract) -> None:
    base, _, major = contract.responder_namespace.rpartition(":")
    wrong = f"{base}:{int(major) + 1}" if major.isdigit() else f"{contract.responder_namespace}:2"
    for element in answer.iter():
        if isinstance(element.tag, str) and xmlsafe.namespace(element) == contract.responder_namespace:
            element.tag = clark(wrong, xmlsafe.local_name(element))
