"""The reference producer serving the real GetCareDocumentation 3.0 contract, over real mTLS.

Its answers are judged here with other tools than the harness's checks use: xmlschema (not
lxml) for the contract schema, and the release's own constraints.xml (ISO Schematron) run
with Saxon. Each TKB filter is shown working, and each fault variant is shown to break
exactly its rule and no other of the rules probed here.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Callable
from pathlib import Path

import pytest
from lxml import etree

from conftest import reference_producer
from harness.contracts.sample import sample_payload
from harness.producer.content import CONTENT_FAULTS
from harness.producer.faults import Fault
from harness.transport.client import RivtaClient

RELEASE = "domain-releases/clinicalprocess_healthcond_description_3.0.5"
CONTRACT = "contracts/clinicalprocess_healthcond_description/GetCareDocumentation_3.0"
SCH = "http://purl.oclc.org/dsdl/schematron"
C = "{urn:riv:clinicalprocess:healthcond:description:3}"
R = "{urn:riv:clinicalprocess:healthcond:description:GetCareDocumentationResponder:3}"

LA01, SYS2, UNSERVED = "SE1234567890-LA01", "SE1234567890-SYS2", "SE1234567890-NONE"
CU01, CU02, CU03 = "SE1234567890-CU01", "SE1234567890-CU02", "SE0987654321-CU03"
VG01, VG02 = "SE1234567890-VG01", "SE0987654321-VG02"
MAIN, OTHER, COORD, RESERVE, PAGED, UNKNOWN = (
    "191212129819",
    "195004279807",
    "197803759823",
    "RES000009981",
    "194011289818",
    "196001019907",
)
COORD_ROOT, RESERVE_ROOT = "1.2.752.129.2.1.3.3", "2.25.329800735698586629295641978511506172918"
BLOCKED, HIDES_CU02 = "SE1234567890-BLK1", "SE1234567890-BLK2"
SPECIAL = "Specialtecken: åäö ÅÄÖ é ü <>><& \"citat\" 'apostrof' 😀"
NOTE_CODES = {"utr", "atb", "sam", "sao", "ins", "slu", "auf", "sva", "bes"}
DOCBOOK_ELEMENTS = {
    "alt", "article", "bibliography", "caption", "imagedata", "imageobject", "info", "inlinemediaobject",
    "itemizedlist", "listitem", "orderedlist", "para", "section", "table", "tbody", "td", "tfoot", "th",
    "thead", "title", "tr",
}  # fmt: skip


class Constraints:
    """ISO Schematron (the subset Inera's constraints.xml uses) evaluated with Saxon's XPath 3.1.

    Abstract patterns are instantiated with their parameters, every node a rule's context selects
    is tested against each assert (with the rule's ``let`` variables), and failed asserts are
    returned as (pattern id, assert text).
    """

    def __init__(self, processor, rules: Path) -> None:
        self.processor = processor
        schema = etree.parse(str(rules)).getroot()
        self.namespaces = {ns.get("prefix"): ns.get("uri") for ns in schema.iter(f"{{{SCH}}}ns")}
        patterns = list(schema.iter(f"{{{SCH}}}pattern"))
        abstract = {p.get("id"): p for p in patterns if p.get("abstract") == "true"}
        self.rules: list[tuple[str, str, str, list[tuple[str, str]]]] = []
        for pattern in (p for p in patterns if p.get("abstract") != "true"):
            params = {p.get("name"): p.get("value") for p in pattern.iter(f"{{{SCH}}}param")}
            body = abstract[pattern.get("is-a")] if pattern.get("is-a") else pattern

            def bind(text: str, params: dict[str, str] = params) -> str:
                for name, value in params.items():
                    text = text.replace(f"${name}", value)
                return text

            for rule in body.iter(f"{{{SCH}}}rule"):
                lets = "".join(f"let ${v.get('name')} := {v.get('value')} return " for v in rule.iter(f"{{{SCH}}}let"))
                asserts = [
                    (bind(a.get("test")), " ".join("".join(a.itertext()).split()))
                    for a in rule.iter(f"{{{SCH}}}assert")
                ]
                self.rules.append((pattern.get("id"), bind(rule.get("context")), lets, asserts))

    def failures(self, envelope: bytes) -> list[tuple[str, str]]:
        xpath = self.processor.new_xpath_processor()
        for prefix, uri in self.namespaces.items():
            xpath.declare_namespace(prefix, uri)
        document = self.processor.parse_xml(xml_text=envelope.decode("utf-8"))
        failed = []
        for pattern, context, lets, asserts in self.rules:
            xpath.set_context(xdm_item=document)
            nodes = xpath.evaluate(f"//{context}")
            for index in range(nodes.size if nodes is not None else 0):
                xpath.set_context(xdm_item=nodes.item_at(index))
                failed += [(pattern, text) for test, text in asserts if not xpath.effective_boolean_value(lets + test)]
        return failed


@pytest.fixture(scope="module")
def care(corpus):
    from harness.contracts import load_contracts

    (contract,) = load_contracts(corpus / CONTRACT)
    return contract


@pytest.fixture(scope="module")
def constraints(corpus):
    from saxonche import PySaxonProcessor

    with PySaxonProcessor(license=False) as processor:
        yield Constraints(processor, corpus / RELEASE / "test-suite/GetCareDocumentation/constraints.xml")


@pytest.fixture(scope="module")
def client(pki, care, client_credentials):
    with (
        reference_producer(pki, [care]) as running,
        RivtaClient(running.url, credentials=client_credentials, ca_bundle=[pki.ca_bundle]) as rivta,
    ):
        yield rivta


def request(care, patient: str = MAIN, **values: str) -> etree._Element:
    """A request; ``careUnit`` may be a list (the element repeats)."""
    units = values.pop("careUnit", None)
    overrides = {"patientId/extension": patient, **{k.replace("__", "/"): v for k, v in values.items()}}
    if patient == COORD:
        overrides["patientId/root"] = COORD_ROOT
    if patient == RESERVE:
        overrides |= {"patientId/root": RESERVE_ROOT, "sourceSystemId/extension": LA01}
    if units:
        overrides["careUnit/extension"] = units[0]
    payload = sample_payload(care, overrides)
    for unit in (units or [])[1:]:
        extra = copy.deepcopy(payload.find(f"{R}careUnit"))
        extra.find(f"{C}extension").text = unit
        payload.find(f"{R}careUnit").addnext(extra)
    return payload


def call(client, care, patient: str = MAIN, *, address: str = LA01, consumer: str | None = None, **values):
    kwargs = {} if consumer is None else {"consumer_hsa_id": consumer}
    return client.call(care, request(care, patient, **values), logical_address=address, label="gcd", **kwargs)


def notes(exchange) -> list[etree._Element]:
    assert exchange.status == 200, exchange.response_body[:300]
    return list(exchange.envelope.payload.iter(f"{R}careDocumentation"))


def at(note: etree._Element, path: str) -> list[str]:
    return [e.text for e in note.iterfind("/".join(f"{C}{step}" for step in path.split("/")))]


def one(note: etree._Element, path: str) -> str | None:
    return next(iter(at(note, path)), None)


def dates(note: etree._Element) -> set[str]:
    paths = ("header/record/timestamp", "header/author/timestamp", "header/signature/timestamp")
    found = [one(note, p) for p in paths] + at(note, "body/dissentingOpinion/authorTime")
    return {value[:8] for value in found if value}


# -- every answer: valid against the real schema (xmlschema) and the real constraints.xml ---------------

ANSWERS = {
    "main patient": (MAIN, {}),
    "second patient": (OTHER, {}),
    "samordningsnummer": (COORD, {}),
    "reserve number": (RESERVE, {}),
    "paged patient": (PAGED, {}),
    "unknown patient": (UNKNOWN, {}),
    "date period": (MAIN, {"datePeriod__start": "20190101", "datePeriod__end": "20211231"}),
    "empty period": (MAIN, {"datePeriod__start": "20100101", "datePeriod__end": "20100201"}),
    "care unit": (MAIN, {"careUnit": [CU02]}),
    "two care units": (MAIN, {"careUnit": [CU01, CU03]}),
    "healthcare provider": (MAIN, {"healthcareProvider__extension": VG02}),
    "source system": (MAIN, {"sourceSystemId__extension": LA01}),
    "addressed to SYS2": (MAIN, {"address": SYS2}),
    "unserved address": (MAIN, {"address": UNSERVED}),
    "blocked consumer": (MAIN, {"consumer": BLOCKED}),
    "consumer without CU02": (MAIN, {"consumer": HIDES_CU02}),
}


@pytest.mark.parametrize("name", list(ANSWERS))
def test_answers_are_valid_against_schema_and_constraints(client, care, constraints, name) -> None:
    patient, values = ANSWERS[name]
    exchange = call(client, care, patient, **values)
    assert exchange.status == 200
    assert list(care.schema.model.iter_errors(exchange.envelope.payload)) == []
    assert constraints.failures(exchange.response_body) == []
    assert exchange.envelope.payload.findtext(f"{R}result/{C}resultCode") == "OK"


def test_follow_up_pages_are_valid_too(client, care, constraints) -> None:
    reference = call(client, care, PAGED).envelope.payload.findtext(f"{R}hasMore/{R}reference")
    exchange = call(client, care, PAGED, hasMoreReference=reference)
    assert list(care.schema.model.iter_errors(exchange.envelope.payload)) == []
    assert constraints.failures(exchange.response_body) == []


def test_constraints_catch_a_broken_answer(client, care, constraints) -> None:
    """The Schematron run above can fail: an empty element and a duplicate record id are reported."""
    body = call(client, care).response_body
    ids = [e.text for e in etree.fromstring(body).iter(f"{C}root") if e.getparent().tag == f"{C}id"]
    broken = body.replace(b"<urn2:orgUnitLocation>Exempelby</urn2:orgUnitLocation>", b"<urn2:orgUnitLocation/>", 1)
    record_ids = [
        n.findtext(f"{C}header/{C}record/{C}id/{C}root") for n in etree.fromstring(body).iter(f"{R}careDocumentation")
    ]
    broken = broken.replace(record_ids[1].encode(), record_ids[0].encode())
    assert ids
    assert {p for p, _ in constraints.failures(broken)} == {
        "Verify non-empty elements",
        "Verify unique recordId",
    }


# -- the content every TK case of the suite needs --------------------------------------------------------


def test_main_patient_has_what_each_tk_case_needs(client, care) -> None:
    found = notes(call(client, care))
    assert len(found) == 11
    assert {one(n, "header/sourceSystemId/extension") for n in found} == {LA01}
    assert {one(n, "body/clinicalDocumentNoteCode/code") for n in found} == NOTE_CODES
    assert {one(n, "header/accessControlHeader/accountableCareUnit/extension") for n in found} == {CU01, CU02, CU03}
    assert {one(n, "header/accessControlHeader/accountableHealthcareProvider/extension") for n in found} == {VG01, VG02}
    assert all(one(n, "header/accessControlHeader/blockComparisonTime") for n in found)
    assert {one(n, "header/accessControlHeader/approvedForPatient") for n in found} == {"true", "false"}
    signed = [n for n in found if one(n, "header/signature/id/extension") and one(n, "header/signature/timestamp")]
    unsigned = [n for n in found if n.find(f"{C}header/{C}signature") is None]
    assert signed
    assert unsigned
    assert any(n.find(f"{C}body/{C}dissentingOpinion") is not None for n in found)
    ids = [one(n, "header/record/id/root") for n in found]
    assert len(set(ids)) == len(ids)
    assert not any(n.find(f"{C}header/{C}record/{C}id/{C}extension") is not None for n in found)
    assert any(len(dates(n)) >= 3 for n in found), "record, author and signature dates differ"
    texts = [one(n, "body/clinicalDocumentNoteText") or "" for n in found]
    assert any(SPECIAL in text for text in texts)
    docbook = [etree.fromstring(text.encode()) for text in texts if text.startswith("<article")]
    assert len(docbook) == 2
    assert {etree.QName(e).localname for d in docbook for e in d.iter()} <= DOCBOOK_ELEMENTS
    assert any("åäö<>><&" in "".join(d.itertext()) for d in docbook)
    images = [base64.b64decode(v) for n in found for v in at(n, "body/multimediaEntry/value")]
    assert [image[:8] for image in images] == [b"\x89PNG\r\n\x1a\n"]
    assert any(at(n, "body/multimediaEntry/reference") for n in found)


def test_patient_identity_types(client, care) -> None:
    for patient, root, count in ((OTHER, "1.2.752.129.2.1.3.1", 2), (COORD, COORD_ROOT, 2), (RESERVE, RESERVE_ROOT, 2)):
        found = notes(call(client, care, patient))
        assert len(found) == count
        assert {
            (
                one(n, "header/accessControlHeader/patientId/root"),
                one(n, "header/accessControlHeader/patientId/extension"),
            )
            for n in found
        } == {(root, patient)}
    unknown = call(client, care, UNKNOWN)
    assert notes(unknown) == []
    assert unknown.envelope.fault is None


# -- TKB filters ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("20210215", "20210215", 1),  # only a dissenting opinion's authorTime is on this date
        ("20170503", "20170503", 1),  # only an author.timestamp
        ("20160316", "20160316", 1),  # only a signature.timestamp
        ("20100101", "20100201", 0),  # before every note
        ("20190101", "20211231", 4),
    ],
)
def test_date_period_matches_any_timestamp_as_a_date(client, care, start, end, expected) -> None:
    found = notes(call(client, care, datePeriod__start=start, datePeriod__end=end))
    assert len(found) == expected
    assert all(any(start <= d <= end for d in dates(n)) for n in found)


def test_care_unit_and_healthcare_provider_filters(client, care) -> None:
    def units(**values: object) -> list[str]:
        found = notes(call(client, care, **values))
        return [one(n, "header/accessControlHeader/accountableCareUnit/extension") for n in found]

    assert set(units(careUnit=[CU02])) == {CU02}
    assert set(units(careUnit=[CU01, CU03])) == {CU01, CU03}
    by_provider = notes(call(client, care, healthcareProvider__extension=VG02))
    assert by_provider
    assert {one(n, "header/accessControlHeader/accountableHealthcareProvider/extension") for n in by_provider} == {VG02}


def test_source_system_addressing(client, care) -> None:
    """TKB R3: only the source system named by LogicalAddress; an unserved address gets an empty answer."""
    for address, count in ((LA01, 11), (SYS2, 2), (UNSERVED, 0)):
        found = notes(call(client, care, address=address))
        assert len(found) == count
        assert {one(n, "header/sourceSystemId/extension") for n in found} <= {address}
    assert len(notes(call(client, care, sourceSystemId__extension=LA01))) == 11
    assert notes(call(client, care, sourceSystemId__extension=SYS2)) == []  # must equal LogicalAddress


def test_consumer_specific_filtering(client, care) -> None:
    everything = call(client, care)
    assert notes(call(client, care, consumer=BLOCKED)) == []
    withheld = call(client, care, consumer=HIDES_CU02)
    assert 0 < len(notes(withheld)) < len(notes(everything))
    assert CU02.encode() not in withheld.response_body
    other = call(client, care, consumer="SE1234567890-ANY1")
    assert other.envelope.payload.tag == everything.envelope.payload.tag
    assert etree.tostring(other.envelope.payload) == etree.tostring(everything.envelope.payload)


def pages(client, care, patient: str = PAGED, limit: int = 10, **values) -> list[list[etree._Element]]:
    """Follow hasMore as Inera's case 5.18 does (at most ``limit`` follow-ups)."""
    exchange = call(client, care, patient, **values)
    found = [notes(exchange)]
    while (more := exchange.envelope.payload.find(f"{R}hasMore")) is not None and len(found) <= limit:
        exchange = call(
            client, care, patient, address=more.findtext(f"{R}logicalAddress"),
            hasMoreReference=more.findtext(f"{R}reference"), **values,
        )  # fmt: skip
        found.append(notes(exchange))
    return found


def test_partial_answers_newest_first_then_the_rest(client, care) -> None:
    first = call(client, care, PAGED).envelope.payload
    assert first.findtext(f"{R}hasMore/{R}logicalAddress") == LA01
    answered = pages(client, care)
    assert [len(page) for page in answered] == [5, 5, 2]
    stamps = [one(n, "header/record/timestamp") for page in answered for n in page]
    assert stamps == sorted(stamps, reverse=True)
    assert len(set(stamps)) == 12
    assert len(notes(call(client, care))) == 11, "other patients get whole answers"


def test_a_reference_for_other_parameters_is_a_logical_error(client, care, constraints) -> None:
    reference = call(client, care, PAGED).envelope.payload.findtext(f"{R}hasMore/{R}reference")
    changed = call(client, care, PAGED, hasMoreReference=reference, careUnit=[CU01])
    assert notes(changed) == []
    assert list(care.schema.model.iter_errors(changed.envelope.payload)) == []
    assert constraints.failures(changed.response_body) == []
    assert changed.envelope.payload.findtext(f"{R}result/{C}resultCode") == "ERROR"
    assert changed.envelope.payload.findtext(f"{R}result/{C}resultText")


# -- each fault breaks exactly its rule -------------------------------------------------------------------


def _date_period(client, care) -> bool:
    periods = (("20210215", "20210215"), ("20100101", "20100201"))
    found = [(s, e, notes(call(client, care, datePeriod__start=s, datePeriod__end=e))) for s, e in periods]
    return any(not any(s <= d <= e for d in dates(n)) for s, e, page in found for n in page)


def _care_unit(client, care) -> bool:
    found = notes(call(client, care, careUnit=[CU02]))
    return not found or any(one(n, "header/accessControlHeader/accountableCareUnit/extension") != CU02 for n in found)


def _healthcare_provider(client, care) -> bool:
    found = notes(call(client, care, healthcareProvider__extension=VG02))
    path = "header/accessControlHeader/accountableHealthcareProvider/extension"
    return not found or any(one(n, path) != VG02 for n in found)


def _source_system_addressing(client, care) -> bool:
    at_la01 = notes(call(client, care, address=LA01))
    return any(one(n, "header/sourceSystemId/extension") != LA01 for n in at_la01) or bool(
        notes(call(client, care, address=UNSERVED))
    )


def _unknown_patient(client, care) -> bool:
    exchange = call(client, care, UNKNOWN)
    return exchange.status != 200 or exchange.envelope.fault is not None or bool(notes(exchange))


def _special_characters(client, care) -> bool:
    return not any(SPECIAL in (one(n, "body/clinicalDocumentNoteText") or "") for n in notes(call(client, care)))


def _approved_false(client, care) -> bool:
    return "false" not in {one(n, "header/accessControlHeader/approvedForPatient") for n in notes(call(client, care))}


def _consumer_blocking(client, care) -> bool:
    withheld = notes(call(client, care, consumer=HIDES_CU02))
    cu02 = [n for n in withheld if one(n, "header/accessControlHeader/accountableCareUnit/extension") == CU02]
    return bool(notes(call(client, care, consumer=BLOCKED))) or bool(cu02)


def _unique_record_ids(client, care) -> bool:
    ids = [one(n, "header/record/id/root") for n in notes(call(client, care))]
    return len(set(ids)) != len(ids)


def _partial_answers(client, care) -> bool:
    stamps = [one(n, "header/record/timestamp") for page in pages(client, care) for n in page]
    return len(stamps) != 12 or len(set(stamps)) != 12 or stamps != sorted(stamps, reverse=True)


RULES: dict[str, Callable[..., bool]] = {
    "date period": _date_period,
    "care unit": _care_unit,
    "healthcare provider": _healthcare_provider,
    "source-system addressing (R3)": _source_system_addressing,
    "unknown patient: empty answer": _unknown_patient,
    "special characters": _special_characters,
    "approvedForPatient=false delivered": _approved_false,
    "consumer-specific filtering": _consumer_blocking,
    "unique record ids": _unique_record_ids,
    "partial answers": _partial_answers,
}
BROKEN_BY = {
    None: set(),
    Fault.IGNORES_DATE_FILTER: {"date period"},
    Fault.IGNORES_CARE_UNIT_FILTER: {"care unit"},
    Fault.IGNORES_HEALTHCARE_PROVIDER_FILTER: {"healthcare provider"},
    Fault.IGNORES_SOURCE_SYSTEM_ADDRESSING: {"source-system addressing (R3)"},
    Fault.NOTFOUND_AS_FAULT: {"unknown patient: empty answer"},
    Fault.MANGLES_SPECIAL_CHARACTERS: {"special characters"},
    Fault.HIDES_UNAPPROVED: {"approvedForPatient=false delivered"},
    Fault.IGNORES_CONSUMER_BLOCKING: {"consumer-specific filtering"},
    Fault.DUPLICATE_RECORD_IDS: {"unique record ids"},
    Fault.BROKEN_CONTINUATION: {"partial answers"},
}


@pytest.mark.parametrize("fault", list(BROKEN_BY), ids=lambda f: f.value if f else "conformant")
def test_each_fault_breaks_exactly_its_rule(pki, care, client_credentials, fault) -> None:
    with (
        reference_producer(pki, [care], fault=fault) as running,
        RivtaClient(running.url, credentials=client_credentials, ca_bundle=[pki.ca_bundle]) as rivta,
    ):
        broken = {rule for rule, probe in RULES.items() if probe(rivta, care)}
    assert broken == BROKEN_BY[fault]


def test_duplicate_record_ids_fail_only_the_unique_id_constraint(pki, care, client_credentials, constraints) -> None:
    with (
        reference_producer(pki, [care], fault=Fault.DUPLICATE_RECORD_IDS) as running,
        RivtaClient(running.url, credentials=client_credentials, ca_bundle=[pki.ca_bundle]) as rivta,
    ):
        exchange = call(rivta, care)
    assert list(care.schema.model.iter_errors(exchange.envelope.payload)) == []
    assert {pattern for pattern, _ in constraints.failures(exchange.response_body)} == {"Verify unique recordId"}


def test_mangled_characters_leave_docbook_markup_intact(pki, care, client_credentials) -> None:
    with (
        reference_producer(pki, [care], fault=Fault.MANGLES_SPECIAL_CHARACTERS) as running,
        RivtaClient(running.url, credentials=client_credentials, ca_bundle=[pki.ca_bundle]) as rivta,
    ):
        texts = [one(n, "body/clinicalDocumentNoteText") or "" for n in notes(call(rivta, care))]
    mangled = [t for t in texts if t.startswith("Specialtecken: aao AAO é ü")]
    assert mangled
    assert all('"' not in t and "😀" not in t and "<" not in t for t in mangled)
    assert all(etree.fromstring(t.encode()) is not None for t in texts if t.startswith("<article"))


@pytest.mark.parametrize("fault", sorted(CONTENT_FAULTS), ids=lambda f: f.value)
def test_content_faults_keep_every_answer_valid(pki, care, client, client_credentials, constraints, fault) -> None:
    """A content fault changes the records and breaks a TK content rule only: schema and Schematron still pass."""
    with (
        reference_producer(pki, [care], fault=fault) as running,
        RivtaClient(running.url, credentials=client_credentials, ca_bundle=[pki.ca_bundle]) as rivta,
    ):
        exchange = call(rivta, care)
    assert exchange.response_body != call(client, care).response_body
    assert list(care.schema.model.iter_errors(exchange.envelope.payload)) == []
    assert constraints.failures(exchange.response_body) == []
