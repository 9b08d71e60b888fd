"""The reference producer's behaviour: a conformant RIVTA BP 2.1 producer for any loaded contract.

It dispatches on the body element's QName, insists on the routing header, validates every
request against the exact contract (with the xmlschema model, not the lxml validator the checks
use, so producer and checks never share a verdict path), answers from fixture data with the TKB
filter semantics (patient, date period, care unit, healthcare provider, source system and
source-system addressing, consumer-specific blocking, partial answers), and reports
errors as SOAP 1.1 faults with HTTP 500 and a log id, never with personal data. A contract
without fixture data gets a generated minimal valid answer; PingForConfiguration answers with
the producer's version and time.

Each ``Fault`` switches exactly one of these behaviours off, for fault-injection tests.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import itertools
import logging
import re
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from lxml import etree

from harness import __version__, xmlsafe
from harness.contracts import Contract
from harness.contracts.model import Profile
from harness.contracts.sample import MessageBuilder
from harness.errors import HarnessError
from harness.namespaces import SOAP11_ENV, SOAP12_ENV, clark, split_clark
from harness.producer.content import alter_records
from harness.producer.faults import Fault
from harness.producer.fixtures import ContractFixture, MatchFilter, Paging, elements_at, values_at
from harness.producer.httpserver import Request, Response
from harness.soap import read_envelope

log = logging.getLogger(__name__)

CONSUMER_HSA_HEADER = "x-rivta-original-serviceconsumer-hsaid"
CORRELATION_HEADER = "x-skltp-correlation-id"
REFERENCE_LOGICAL_ADDRESS = "SE1234567890-LA01"
SWEDISH_TIME = ZoneInfo("Europe/Stockholm")
_MANGLED = str.maketrans(
    {"å": "a", "ä": "a", "ö": "o", "Å": "A", "Ä": "A", "Ö": "O", "<": " ", ">": " ", "&": "+", '"': "'"}
)
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")  # emoji and other characters beyond the BMP


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
        latency_ms: int = 0,
    ) -> None:
        self.fault = fault
        self.slow_seconds = slow_seconds
        self.latency_ms = latency_ms
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
            if self.latency_ms:
                time.sleep(self.latency_ms / 1000)
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
            consumer = request.header(CONSUMER_HSA_HEADER)
            answer = self._answer(contract, payload, logical_address, consumer, _on_behalf(request, consumer))
        except _SoapFaultAnswer as fault:
            return self._fault_response(fault, request.header(CORRELATION_HEADER))
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
        action = (request.header("soapaction") or "").strip().strip('"')
        if self.fault is not Fault.IGNORES_SOAP_ACTION and action != contract.operation.soap_action:
            raise _SoapFaultAnswer("Client", f"The SOAPAction does not name the operation {contract.operation.name}")
        if self.fault is Fault.REJECTS_EXTENSIONS and _has_foreign_element(payload, contract):
            raise _SoapFaultAnswer("Client", "Unexpected element in the request")
        if self.fault is not Fault.NO_FAULT_ON_INVALID_REQUEST:
            _validate_request(contract, payload)
        return contract, payload, logical_address

    # -- answering -------------------------------------------------------------------------

    def _answer(
        self,
        contract: Contract,
        payload: etree._Element,
        logical_address: str | None,
        consumer: str | None,
        on_behalf: bool = False,
    ) -> etree._Element:
        if contract.name == "PingForConfiguration":
            return self._builders[contract.key].build(
                contract.operation.response_element,
                {
                    "version": f"rivta-harness reference producer {__version__}",
                    "pingDateTime": datetime.now(SWEDISH_TIME).strftime("%Y%m%d%H%M%S"),  # TKB: Swedish time
                    "configuration/name": "producer",
                    "configuration/value": "rivta-harness reference producer",
                },
            )
        fixture = self._fixtures.get((contract.name, contract.major))
        if fixture is None:
            return copy.deepcopy(self._generated_answer(contract))
        return self._filtered(fixture, payload, logical_address, consumer, on_behalf)

    def _generated_answer(self, contract: Contract) -> etree._Element:
        with self._lock:
            found = self._generated.get(contract.key)
            if found is None:
                found = self._builders[contract.key].build(contract.operation.response_element)
                self._generated[contract.key] = found
            return found

    def _filtered(
        self,
        fixture: ContractFixture,
        request: etree._Element,
        logical_address: str | None,
        consumer: str | None,
        on_behalf: bool = False,
    ) -> etree._Element:
        response = copy.deepcopy(fixture.response)
        records = [child for child in response if xmlsafe.local_name(child) == fixture.record]
        alter_records(self.fault, records)
        keep = records
        if fixture.patient is not None and self.fault is not Fault.IGNORES_PATIENT_FILTER:
            keep = _matching(keep, fixture.patient, _requested(request, fixture.patient))
            if not keep and self.fault is Fault.NOTFOUND_AS_FAULT:
                wanted = _requested(request, fixture.patient)
                raise _SoapFaultAnswer("Server", "Patient not found", patient=wanted[0] if wanted else None)
        if fixture.date is not None and self.fault is not Fault.IGNORES_DATE_FILTER:
            keep = _in_period(keep, fixture, request)
        if fixture.care_unit is not None and self.fault is not Fault.IGNORES_CARE_UNIT_FILTER:
            keep = _matching(keep, fixture.care_unit, _requested(request, fixture.care_unit), optional=True)
        provider = fixture.healthcare_provider
        if provider is not None and self.fault is not Fault.IGNORES_HEALTHCARE_PROVIDER_FILTER:
            keep = _matching(keep, provider, _requested(request, provider), optional=True)
        if fixture.source_system is not None:
            if self.fault is not Fault.IGNORES_SOURCE_SYSTEM_FILTER:
                keep = _matching(keep, fixture.source_system, _requested(request, fixture.source_system), optional=True)
            if self.fault is not Fault.IGNORES_SOURCE_SYSTEM_ADDRESSING:
                keep = _addressed(keep, fixture, records, logical_address)
        if self.fault is not Fault.IGNORES_CONSUMER_BLOCKING and consumer:
            if consumer in fixture.blocked_consumers:
                keep = []
            hidden = fixture.hidden_care_units.get(consumer)
            if hidden and fixture.care_unit is not None:
                keep = [r for r in keep if not hidden & set(_record_values(r, fixture.care_unit))]
        if self.fault is Fault.HIDES_UNAPPROVED:
            keep = [r for r in keep if "false" not in _descendant_texts(r, "approvedForPatient")]
        if self.fault is Fault.FLAGS_ALL_UNAPPROVED:
            for element in (e for r in keep for e in r.iter() if xmlsafe.local_name(e) == "approvedForPatient"):
                element.text = "false"
        if self.fault is Fault.CONSUMER_DEPENDENT and on_behalf:
            keep = keep[:-1]
        if self.fault is Fault.CONCURRENCY_BUG:
            time.sleep(0.05)
            with self._lock:
                crowded = self._in_flight > 1
            keep = keep[:1] if crowded else keep
        more: etree._Element | None = None
        paging = fixture.paging
        if paging and fixture.patient and set(_requested(request, fixture.patient)) & paging.patients:
            keep, more = self._page(paging, response, keep, request, logical_address)
        if self.fault is Fault.DUPLICATE_RECORD_IDS and fixture.record_id and len(keep) > 1:
            first, second = (_first_at(r, fixture.record_id) for r in keep[:2])
            if first is not None and second is not None:
                second.text = first.text
        _replace_records(response, records, keep + ([more] if more is not None else []))
        if fixture.count:
            for element in response.iter():
                if xmlsafe.local_name(element) == fixture.count:
                    element.text = str(len(keep))
        return response

    def _page(
        self,
        paging: Paging,
        response: etree._Element,
        keep: list[etree._Element],
        request: etree._Element,
        logical_address: str | None,
    ) -> tuple[list[etree._Element], etree._Element | None]:
        """One page of a partial answer (TKB 7.1.5): the newest records not yet delivered, plus hasMore.

        The reference is stateless: a digest of the request without its reference, and the offset
        of the next page, so it stays valid as long as the data does (TKB: at least one hour). A
        reference that does not belong to the request is a logical error: resultCode ERROR.
        """
        newest = sorted(keep, key=lambda r: max(values_at(r, paging.newest_first), default=""), reverse=True)
        query = _request_digest(request, paging.reference)
        given = next(iter(v for v in values_at(request, paging.reference) if v), None)
        offset = 0
        if given is not None:
            read = _read_reference(given, query)
            if read is None:
                for element in elements_at(response, paging.result_code):
                    element.text = "ERROR"
                    text = etree.Element(clark(xmlsafe.namespace(element), "resultText"))
                    text.text = "Referensen i hasMoreReference är ogiltig för den här frågan"
                    element.addnext(text)
                return [], None
            offset = 0 if self.fault is Fault.BROKEN_CONTINUATION else read
        end = offset + paging.page_size
        if end >= len(newest):
            return newest[offset:], None
        namespace = xmlsafe.namespace(response)
        more = etree.Element(clark(namespace, paging.more))
        etree.SubElement(more, clark(namespace, "logicalAddress")).text = logical_address or REFERENCE_LOGICAL_ADDRESS
        etree.SubElement(more, clark(namespace, "reference")).text = _make_reference(query, end)
        return newest[offset:end], more

    # -- writing responses -----------------------------------------------------------------

    def _data_response(self, contract: Contract, answer: etree._Element) -> Response:
        if self.fault is Fault.SCHEMA_INVALID_RESPONSE:
            etree.SubElement(answer, clark(contract.responder_namespace, "unexpectedElement")).text = "x"
        if self.fault is Fault.WRONG_NAMESPACE_VERSION:
            _bump_major(answer, contract)
        if self.fault is Fault.MANGLES_SPECIAL_CHARACTERS:
            for element in answer.iter():
                if element.text and not element.text.startswith("<"):  # DocBook markup is left intact
                    element.text = _ASTRAL.sub("?", element.text.translate(_MANGLED))
        body = _envelope(answer, SOAP11_ENV)
        content_type = (
            "text/xml; charset=ISO-8859-1" if self.fault is Fault.CHARSET_MISMATCH else "text/xml; charset=UTF-8"
        )
        return Response(202 if self.fault is Fault.HTTP_202_ANSWER else 200, body, [("Content-Type", content_type)])

    def _fault_response(self, fault: _SoapFaultAnswer, correlation_id: str | None = None) -> Response:
        log_id = str(uuid.uuid4())
        if self.fault is Fault.ECHOES_CORRELATION_ID and correlation_id:
            log_id = correlation_id
        if self.fault is Fault.WRONG_FAULTCODE and fault.code == "Client":
            fault.code = "Server"
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


def _on_behalf(request: Request, consumer: str | None) -> bool:
    """True when the consumer header names someone other than the client certificate's HSA-id."""
    subject = (request.client_certificate or {}).get("subject", ())
    own = {value for rdn in subject for key, value in rdn if key == "serialNumber"}  # type: ignore[attr-defined]
    return bool(consumer) and consumer not in own


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
    keep: list[etree._Element], fixture: ContractFixture, records: list[etree._Element], logical_address: str | None
) -> list[etree._Element]:
    """Source-system addressing: a logical address that names a source system limits the answer to it.

    With ``addressed_only`` (TKB R3 strictly) an address that names none of them gets nothing.
    """
    assert fixture.source_system is not None
    mapping = fixture.source_system
    systems = {value for record in records for value in _record_values(record, mapping)}
    if logical_address in systems:
        return [r for r in keep if logical_address in _record_values(r, mapping)]
    return [] if fixture.addressed_only else keep


def _validate_request(contract: Contract, payload: etree._Element) -> None:
    """Schema-check a request with the xmlschema model (the checks judge answers with lxml)."""
    errors = list(itertools.islice(contract.schema.model.iter_errors(payload), 5))
    if errors:
        paths = sorted({re.sub(r"\{[^}]*\}|\w+:", "", e.path or "") for e in errors} - {""})
        raise _SoapFaultAnswer(
            "Client",
            "The request does not validate against the contract schema",
            detail=f"invalid at {', '.join(paths)}" if paths else None,
        )


def _first_at(element: etree._Element, path: str) -> etree._Element | None:
    return next(iter(elements_at(element, path)), None)


def _replace_records(response: etree._Element, records: list[etree._Element], answer: list[etree._Element]) -> None:
    """Put ``answer`` (kept records in answer order, then any hasMore) where the records were."""
    children = list(response)
    last = max((children.index(r) for r in records), default=-1)
    anchor = children[last + 1] if last + 1 < len(children) else None
    for record in records:
        response.remove(record)
    position = response.index(anchor) if anchor is not None else len(response)
    for offset, element in enumerate(answer):
        response.insert(position + offset, element)


def _request_digest(request: etree._Element, reference: str) -> str:
    """What identifies "otherwise identical parameters": every value of the request but its reference.

    Values are taken with their element paths, so layout and namespace prefixes do not matter.
    """
    skipped = elements_at(request, reference)  # kept alive, so iter() yields these very proxies
    values = [
        f"{'/'.join(str(a.tag) for a in reversed(list(e.iterancestors())))}/{e.tag}={(e.text or '').strip()}"
        for e in request.iter()
        if isinstance(e.tag, str) and len(e) == 0 and e not in skipped
    ]
    return hashlib.sha256("\n".join(values).encode()).hexdigest()[:32]


def _make_reference(query: str, offset: int) -> str:
    return base64.urlsafe_b64encode(f"{query}:{offset}".encode()).decode()


def _read_reference(reference: str, query: str) -> int | None:
    """The offset a reference stands for, or None when it is malformed or was made for another request."""
    try:
        digest, _, offset = base64.urlsafe_b64decode(reference.encode()).decode().partition(":")
    except (ValueError, UnicodeError):
        return None
    return int(offset) if digest == query and offset.isdigit() else None


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
