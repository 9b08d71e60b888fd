"""TK suite for GetCareDocumentation 3.x (clinicalprocess:healthcond:description), as Inera's.

One test per case of Inera's TK suite, numbered and named as there (TF 1.1.1 Personnummer ...
7.3 Consumer_Independent), each with its TKB rule in the catalogue (``tk.gcd3.*``). The data
is Inera's ``data.xml`` unchanged (or its TOML form): ``globaldata`` plus each case's own
``<testcase>`` values. A case runs when the data names it; one the data does not name is not
tested, naming the case; one the declaration says is not offered is not applicable; one whose
data cannot exercise the rule (the patient has no records, no record outside the period) is not
tested, saying what the data lacks. Expectations are computed from the producer's own
unfiltered answer, as Inera's suite does, so any producer's data works; a filter passes only
when that answer held records both inside and outside the filter. The release's Schematron
(``constraints.xml``) judges every data answer of every case (``Rivta.expect``).

TF 6.x (load, endurance, recovery) are the generic load checks ``rivta.load-*``.
"""

from __future__ import annotations

import base64
import binascii
import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from lxml import etree

from harness import xmlsafe
from harness.checks import answers
from harness.checks.compare import differences
from harness.results import Manual, NotApplicable, NotTested
from harness.suite import Rivta
from harness.testdata import SuiteData
from harness.transport.exchange import Exchange

pytestmark = pytest.mark.rivta_contract("GetCareDocumentation", major=3)

CORE = "urn:riv:clinicalprocess:healthcond:description:3"
PERSONNUMMER = "1.2.752.129.2.1.3.1"
SAMORDNINGSNUMMER = "1.2.752.129.2.1.3.3"
HSA_ROOT = "1.2.752.129.2.1.4.1"
DATE_PATHS = ("header/record/timestamp", "header/author/timestamp", "header/signature/timestamp")
DOCBOOK_NAMESPACE = "http://docbook.org/ns/docbook"
# TKB 7.1.3: the DocBook elements every consumer handles (Inera's suite asserts the same list).
DOCBOOK_ELEMENTS = frozenset(
    [
        "alt",
        "article",
        "bibliography",
        "caption",
        "imagedata",
        "imageobject",
        "info",
        "inlinemediaobject",
        "itemizedlist",
        "listitem",
        "orderedlist",
        "para",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "title",
        "tr",
    ]
)
DEFAULT_INTERVALS = 30
MAX_CONTINUATIONS = 10

# -- reading answers ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Record:
    """One careDocumentation as the TK cases judge it."""

    element: etree._Element
    id: str
    patient: str
    patient_root: str
    dates: tuple[str, ...]
    care_unit: str
    provider: str
    source_system: str
    approved: str

    def text(self, path: str) -> str:
        """Text at a slash path of local names below the record ('' when absent)."""
        found = _at(self.element, path)
        return (found[0].text or "").strip() if found else ""

    def has(self, path: str) -> bool:
        return bool(_at(self.element, path))

    def describe(self) -> str:
        return f"record {self.id or '(no id)'}"


def _at(element: etree._Element, path: str) -> list[etree._Element]:
    nodes = [element]
    for name in path.split("/"):
        nodes = [child for node in nodes for child in node if xmlsafe.local_name(child) == name]
    return nodes


def _record(element: etree._Element) -> Record:
    def text(path: str) -> str:
        found = _at(element, path)
        return (found[0].text or "").strip() if found else ""

    stamps = [text(path) for path in DATE_PATHS]
    stamps += [(e.text or "").strip() for e in _at(element, "body/dissentingOpinion/authorTime")]
    return Record(
        element=element,
        id=text("header/record/id/root"),
        patient=text("header/accessControlHeader/patientId/extension"),
        patient_root=text("header/accessControlHeader/patientId/root"),
        dates=tuple(sorted({stamp[:8] for stamp in stamps if stamp})),
        care_unit=text("header/accessControlHeader/accountableCareUnit/extension"),
        provider=text("header/accessControlHeader/accountableHealthcareProvider/extension"),
        source_system=text("header/sourceSystemId/extension"),
        approved=text("header/accessControlHeader/approvedForPatient"),
    )


def records_of(rivta: Rivta, exchange: Exchange) -> list[Record]:
    """The records of a normal answer; no normal answer fails the case (schema is rivta.response-schema's)."""
    rivta.answered(exchange)
    rivta.expect(answers.response_envelope_findings(exchange), f"{exchange.label}: no normal answer")
    payload = exchange.envelope.payload
    return [_record(child) for child in payload if xmlsafe.local_name(child) == "careDocumentation"]


# -- the case's data ----------------------------------------------------------------------------


class Case:
    """One TK case: its data.xml values, its requests, its calls."""

    def __init__(self, rivta: Rivta, case_id: str, data: SuiteData) -> None:
        self.rivta = rivta
        self.case_id = case_id
        self.data = data

    def value(self, key: str) -> str:
        """The case's value (else globaldata's); a missing or empty one makes the case not tested."""
        value = self.data.value(self.case_id, key)
        if value is None or not value.strip():
            raise NotTested(
                f'not tested: the test data lacks {key} (in <testcase id="{self.case_id}"> or <globaldata>)'
            )
        return value.strip()

    def optional(self, key: str) -> str | None:
        value = self.data.value(self.case_id, key)
        return value.strip() if value and value.strip() else None

    @property
    def logical_address(self) -> str:
        return self.optional("logicalAddress") or self.rivta.session.logical_address

    def request(self, patient: str | None = None, root: str | None = None, **values: str) -> etree._Element:
        """A request for the case's patient (or ``patient``) with extra request values (slash paths)."""
        patient = patient or self.value("patientId")
        root = root or self.optional("patientIdType") or PERSONNUMMER
        return self.rivta.request({"patientId/extension": patient, "patientId/root": root, **values})

    def options(self, **overrides: Any) -> dict[str, Any]:
        consumer = self.optional("httpHeaderHsaId")
        found: dict[str, Any] = {"logical_address": self.logical_address}
        if consumer:
            found["consumer_hsa_id"] = consumer
        return {**found, **overrides}

    def fetch(self, label: str, payload: etree._Element | None = None, **options: Any) -> list[Record]:
        """Records for the case's request (or ``payload``); identical requests of the run are asked once."""
        exchange = self.rivta.call(payload if payload is not None else self.request(), label=f"TF {label}",
                                   shared=True, **self.options(**options))  # fmt: skip
        return records_of(self.rivta, exchange)

    def filtered(self, **values: str) -> etree._Element:
        """The case's request narrowed by ``values``: dates as datePeriod, HSA-ids as careUnit/healthcareProvider."""
        fields = {"datePeriod/start": values.pop("start", None), "datePeriod/end": values.pop("end", None)}
        for name, value in values.items():
            fields |= {f"{name}/root": HSA_ROOT, f"{name}/extension": value}
        return self.request(**{path: value for path, value in fields.items() if value})

    def planned(self) -> list[tuple[etree._Element, str, dict[str, Any]]]:
        """The calls this case will make that its data alone decides (fetched together up front)."""
        own, calls = self.data.cases.get(self.case_id, {}), []
        if "datePeriodStart" in own and "datePeriodEnd" in own:
            start, end = own["datePeriodStart"].strip(), own["datePeriodEnd"].strip()
            calls.append((self.filtered(start=start, end=end), f"TF {self.case_id} datePeriod {start}-{end}", {}))
        for key, name in (("careUnitHSAid", "careUnit"), ("healthcareProviderId", "healthcareProvider")):
            if own.get(key, "").strip():
                wanted = own[key].strip()
                calls.append((self.filtered(**{name: wanted}), f"TF {self.case_id} {wanted}", {}))
        if own.get("httpHeaderHsaId2", "").strip():
            consumer = own["httpHeaderHsaId2"].strip()
            calls.append((self.request(), f"TF {self.case_id} as consumer {consumer}", {"consumer_hsa_id": consumer}))
        return [(payload, label, self.options(**options)) for payload, label, options in calls]

    def unfiltered(self) -> Exchange:
        """The answer for the case's patient without filters: one shared exchange per patient, address, consumer."""
        patient = self.value("patientId")
        return self.rivta.call(self.request(), label=f"records of patient {patient}, no filter", shared=True,
                               **self.options())  # fmt: skip

    def warm(self) -> None:
        """Fetch every case's unfiltered answer together, once per run, before the first case judges one."""
        if not self.rivta.session.once(f"gcd3 unfiltered answers {self.rivta.contract.key}"):
            return
        planned = {}
        for case_id in self.data.cases:
            other = Case(self.rivta, case_id, self.data)
            patients = [(self.data.value(case_id, "patientId"), other.optional("patientIdType"))]
            patients += [(self.data.value(case_id, key), PERSONNUMMER) for key in ("patientId1", "patientId2")]
            for patient, root in patients:
                # Reserve numbers need sourceSystemId (TKB 7.1): their case asks itself.
                if patient and patient.strip() and root in (None, PERSONNUMMER, SAMORDNINGSNUMMER):
                    payload, options = other.request(patient.strip(), root), other.options()
                    planned[_key(payload, options)] = (
                        payload,
                        f"records of patient {patient.strip()}, no filter",
                        options,
                    )
            if other.optional("patientId") and other.optional("patientIdType") in (
                None,
                PERSONNUMMER,
                SAMORDNINGSNUMMER,
            ):
                planned |= {
                    _key(payload, options): (payload, label, options) for payload, label, options in other.planned()
                }
        self.rivta.warm(list(planned.values()))

    def fetch_all(self, calls: list[tuple[str, etree._Element, Mapping[str, Any]]]) -> list[list[Record]]:
        """Independent calls together (label, payload, options); their records, in order."""
        planned = [
            (payload, f"TF {label}", {**self.options(**options), "shared": True}) for label, payload, options in calls
        ]
        return [records_of(self.rivta, exchange) for exchange in self.rivta.call_all(planned)]

    def lacking(self, what: str) -> NotTested:
        return NotTested(f"not tested: the test data cannot exercise this rule: {what} (case {self.case_id})")


def _key(payload: etree._Element, options: Mapping[str, Any]) -> tuple[Any, ...]:
    return etree.tostring(payload), tuple(sorted((k, repr(v)) for k, v in options.items()))


def _case(rivta: Rivta, case_id: str) -> Case:
    """The case, when the test data names it (supplying it is how a vendor says "run it"); else not tested."""
    case = Case(rivta, case_id, _suite_data(rivta))
    case.warm()
    if not case.data.has_case(case_id):
        source = rivta.session.testdata.source
        raise NotTested(
            f'not tested: the test data has no test case "{case_id}" (data.xml <testcase id="{case_id}"> '
            f"in {source}); supplying the case is how a vendor says run it"
        )
    return case


def _suite_data(rivta: Rivta) -> SuiteData:
    data = rivta.session.testdata.suite(rivta.contract.name)
    if data is None:
        raise NotTested(
            "not tested: no TK test data for GetCareDocumentation; give the suite's data.xml (or its TOML form, "
            "rivta-harness testdata convert) with --testdata"
        )
    return data


def _nonempty(case: Case, found: list[Record], who: str) -> list[Record]:
    if not found:
        raise case.lacking(f"{who} has no records at logical address {case.logical_address}")
    return found


# -- 1 Basic tests ------------------------------------------------------------------------------


def _selection(rivta: Rivta, case_id: str, **request_values: str) -> None:
    case = _case(rivta, case_id)
    patient, root = case.value("patientId"), case.value("patientIdType")
    found = _nonempty(case, case.fetch(f"{case_id}", case.request(**request_values)), f"patient {patient}")
    control = _another_patient(case, patient)
    if control is None:
        raise case.lacking(
            "no other patient of the test data has records, so an answer that ignores patientId would pass"
        )
    findings = [f"{r.describe()} belongs to {r.patient_root}/{r.patient}" for r in found
                if (r.patient, r.patient_root) != (patient, root)]  # fmt: skip
    rivta.expect(findings, f"TF {case_id}: the answer holds other patients' records")


def _another_patient(case: Case, patient: str) -> str | None:
    """A patient of the test data, other than ``patient``, with records (the positive control)."""
    data = case.data
    candidates = [
        data.value(case_id, key)
        for case_id in ("1.1.1 Personnummer", "6.1 Loadtest", "6.2 Recovery")
        for key in ("patientId", "patientId1", "patientId2")
    ]
    for other in dict.fromkeys(c.strip() for c in candidates if c and c.strip() and c.strip() != patient):
        if records_of(case.rivta, case.rivta.call(case.request(other, PERSONNUMMER), shared=True,
                      label=f"records of patient {other}, no filter", **case.options())):  # fmt: skip
            return other
    return None


@pytest.mark.rivta_check("tk.gcd3.1.1.1")
def test_1_1_1_personnummer(rivta: Rivta) -> None:
    _selection(rivta, "1.1.1 Personnummer")


@pytest.mark.rivta_check("tk.gcd3.1.1.2")
def test_1_1_2_samordningsnummer(rivta: Rivta) -> None:
    _selection(rivta, "1.1.2 Samordningsnummer")


@pytest.mark.rivta_check("tk.gcd3.1.1.4")
def test_1_1_4_lokalt_reservnummer(rivta: Rivta) -> None:
    case = _case(rivta, "1.1.4 Lokalt reservnummer")
    _selection(
        rivta, case.case_id, **{"sourceSystemId/root": HSA_ROOT, "sourceSystemId/extension": case.logical_address}
    )


def _unfiltered(case: Case) -> list[Record]:
    patient = case.value("patientId")
    return _nonempty(case, records_of(case.rivta, case.unfiltered()), f"patient {patient}")


def _judge_periods(case: Case, everything: list[Record], periods: list[tuple[str, str]]) -> list[str]:
    """Each period's answer must be exactly the records with a date inside it."""
    calls = [(f"{case.case_id} datePeriod {start}-{end}", case.filtered(start=start, end=end), {})
             for start, end in periods]  # fmt: skip
    findings = []
    for (start, end), found in zip(periods, case.fetch_all(calls), strict=True):
        inside = {r.id for r in everything if any(start <= d <= end for d in r.dates)}
        returned = {r.id for r in found}
        findings += [f"{r.describe()} ({', '.join(r.dates)}) returned for {start}-{end}" for r in found
                     if not any(start <= d <= end for d in r.dates)]  # fmt: skip
        findings += [f"record {i} has a date in {start}-{end} but was not returned" for i in sorted(inside - returned)]
    return findings


@pytest.mark.rivta_check("tk.gcd3.1.2.1")
def test_1_2_1_date_period(rivta: Rivta) -> None:
    case = _case(rivta, "1.2.1 datePeriod")
    everything = _unfiltered(case)
    dates = sorted({d for r in everything for d in r.dates})
    if len(dates) < 2:
        raise case.lacking("the patient's records share a single date, so no period can leave a record out")
    findings = _judge_periods(case, everything, [(d, d) for d in dates])
    rivta.expect(findings, "filtering on datePeriod (record, author, signature, dissenting opinion dates) is wrong")


@pytest.mark.rivta_check("tk.gcd3.1.2.2")
def test_1_2_2_date_period_intervals(rivta: Rivta) -> None:
    case = _case(rivta, "1.2.2 datePeriod intervall")
    count = int(case.optional("numberOfIntervals") or DEFAULT_INTERVALS)
    everything = _unfiltered(case)
    dates = sorted({d for r in everything for d in r.dates})
    if len(dates) < 2:
        raise case.lacking("the patient's records share a single date, so no interval can leave a record out")
    seed = random.SystemRandom().randrange(2**32)
    rivta.measure("random_seed", seed)
    periods = _random_periods(dates[0], dates[-1], count, random.Random(seed))
    rivta.expect(_judge_periods(case, everything, periods), f"filtering on random datePeriods is wrong (seed {seed})")


def _random_periods(first: str, last: str, count: int, chooser: random.Random) -> list[tuple[str, str]]:
    """``count`` periods between two dates, as Inera's suite draws them (two random days, sorted)."""
    start, span = (
        datetime.strptime(first, "%Y%m%d").date(),
        (datetime.strptime(last, "%Y%m%d").date() - datetime.strptime(first, "%Y%m%d").date()).days,
    )
    periods = []
    for _ in range(count):
        a, b = sorted(start + timedelta(days=chooser.randint(0, span)) for _ in range(2))
        periods.append((f"{a:%Y%m%d}", f"{b:%Y%m%d}"))
    return periods


@pytest.mark.rivta_check("tk.gcd3.1.2.3")
def test_1_2_3_date_period_empty_response(rivta: Rivta) -> None:
    case = _case(rivta, "1.2.3 datePeriod empty response")
    start, end = case.value("datePeriodStart"), case.value("datePeriodEnd")
    everything = _unfiltered(case)
    overlapping = [r for r in everything if any(start <= d <= end for d in r.dates)]
    if overlapping:
        raise case.lacking(f"{overlapping[0].describe()} has a date in {start}-{end}; the period must precede all")
    exchange = rivta.call(case.filtered(start=start, end=end), label=f"TF {case.case_id} datePeriod {start}-{end}",
                          shared=True, **case.options())  # fmt: skip
    found = records_of(rivta, exchange)
    findings = [f"{r.describe()} returned for a period before all records" for r in found]
    code = answers.result_code(exchange.envelope.payload)
    findings += [] if code == "OK" else [f"resultCode is {code}, expected OK for an empty answer"]
    rivta.expect(findings, "a period without records does not give an empty OK answer")


@pytest.mark.rivta_check("tk.gcd3.1.2.4")
def test_1_2_4_date_period_chosen(rivta: Rivta) -> None:
    case = _case(rivta, "1.2.4 datePeriod manuell")
    start, end = case.value("datePeriodStart"), case.value("datePeriodEnd")
    everything = _unfiltered(case)
    inside = [r for r in everything if any(start <= d <= end for d in r.dates)]
    if not inside or len(inside) == len(everything):
        raise case.lacking(f"{'no' if not inside else 'every'} record of the patient has a date in {start}-{end}")
    rivta.expect(_judge_periods(case, everything, [(start, end)]), f"filtering on datePeriod {start}-{end} is wrong")


def _filter_case(rivta: Rivta, case_id: str, key: str, path: str, attribute: str) -> None:
    case = _case(rivta, case_id)
    wanted = case.value(key)
    everything = _unfiltered(case)
    expected = {r.id for r in everything if getattr(r, attribute) == wanted}
    if not expected or len(expected) == len(everything):
        raise case.lacking(f"{'none' if not expected else 'all'} of the patient's records have {attribute} {wanted}")
    found = case.fetch(f"{case_id} {wanted}", case.filtered(**{path: wanted}))
    findings = [f"{r.describe()} has {attribute} {getattr(r, attribute) or '(none)'}" for r in found
                if getattr(r, attribute) != wanted]  # fmt: skip
    findings += [f"record {i} matches but was not returned" for i in sorted(expected - {r.id for r in found})]
    rivta.expect(findings, f"filtering on {path} is wrong")


@pytest.mark.rivta_check("tk.gcd3.1.3")
def test_1_3_care_unit(rivta: Rivta) -> None:
    _filter_case(rivta, "1.3 CareUnit", "careUnitHSAid", "careUnit", "care_unit")


@pytest.mark.rivta_check("tk.gcd3.1.4")
def test_1_4_source_system(rivta: Rivta) -> None:
    case = _case(rivta, "1.4 SourceSystem")
    system = case.value("sourceSystemHSAId")
    if system != case.logical_address:
        raise case.lacking(f"sourceSystemHSAId {system} differs from logicalAddress {case.logical_address}; "
                           "TKB 7.1: sourceSystemId must equal the LogicalAddress")  # fmt: skip
    everything = _unfiltered(case)
    if all(r.source_system == system for r in everything):
        raise NotApplicable(
            f"not applicable: at logical address {system} the producer answers for that source system only "
            "(TKB R3), so sourceSystemId has nothing to remove; rivta.source-system-addressing judges R3"
        )
    found = case.fetch(f"1.4 sourceSystemId {system}",
                       case.request(**{"sourceSystemId/root": HSA_ROOT, "sourceSystemId/extension": system}))  # fmt: skip
    findings = [
        f"{r.describe()} comes from source system {r.source_system}" for r in found if r.source_system != system
    ]
    rivta.expect(findings, "filtering on sourceSystemId is wrong")


@pytest.mark.rivta_check("tk.gcd3.1.6")
def test_1_6_healthcare_provider(rivta: Rivta) -> None:
    _filter_case(rivta, "1.6 HealthcareProvider", "healthcareProviderId", "healthcareProvider", "provider")


@pytest.mark.rivta_check("tk.gcd3.1.7")
def test_1_7_soap_fault(rivta: Rivta) -> None:
    _case(rivta, "1.7 SoapFault")
    rivta.technical_fault_review()


@pytest.mark.rivta_check("tk.gcd3.1.8")
def test_1_8_non_existing_patient(rivta: Rivta) -> None:
    case = _case(rivta, "1.8 NonExisting Patient")
    patient = case.value("patientId")
    exchange = rivta.call(case.request(), label=f"TF 1.8 unknown patient {patient}", **case.options())
    rivta.answered(exchange)
    findings = answers.response_envelope_findings(exchange)
    if not findings:
        findings += [f"{r.describe()} returned for an unknown patient" for r in records_of(rivta, exchange)]
        code = answers.result_code(exchange.envelope.payload)
        findings += [] if code == "OK" else [f"resultCode is {code}, expected OK"]
    rivta.expect(findings, "an unknown patient is not answered with an empty OK answer")


# -- 2 Content - Common, 3 SJF, 4 approvedForPatient --------------------------------------------


@pytest.mark.rivta_check("tk.gcd3.2.1")
def test_2_1_encoding_header_prolog(rivta: Rivta) -> None:
    case = _case(rivta, "2.1 Encoding_HeaderProlog")
    exchange = rivta.answered(case.unfiltered())
    rivta.expect(answers.encoding_findings(exchange), "the answer's character encoding is declared wrongly")


@pytest.mark.rivta_check("tk.gcd3.2.2")
def test_2_2_special_characters(rivta: Rivta) -> None:
    case = _case(rivta, "2.2 Encoding_SpecialCharacters")
    expected = case.value("testString")
    found = _unfiltered(case)
    texts = [t for r in found for t in r.element.itertext()]
    near = [t.strip()[:80] for t in texts if any(ch in t for ch in "åäöÅÄÖ<>&\"'")]
    findings = [] if any(expected in text for text in texts) else [
        f"no text holds {expected!r} unchanged; texts with special characters: {near[:3]}"]  # fmt: skip
    rivta.expect(findings, "special characters are altered")


def _every_record(rivta: Rivta, case_id: str, paths: tuple[str, ...], summary: str) -> None:
    case = _case(rivta, case_id)
    found = _unfiltered(case)
    findings = [f"{r.describe()} lacks {path}" for r in found for path in paths if not r.text(path)]
    rivta.expect(findings, summary)


@pytest.mark.rivta_check("tk.gcd3.3.1")
def test_3_1_accountable_care_unit_and_provider(rivta: Rivta) -> None:
    _every_record(rivta, "3.1 VG_VE", ("header/accessControlHeader/accountableCareUnit/extension",
                  "header/accessControlHeader/accountableHealthcareProvider/extension"),
                  "records lack what PDL logging and blocking need")  # fmt: skip


@pytest.mark.rivta_check("tk.gcd3.3.2")
def test_3_2_block_comparison_time(rivta: Rivta) -> None:
    case = _case(rivta, "3.2 BlockComparisonTime")
    findings = []
    for record in _unfiltered(case):
        stamp = record.text("header/accessControlHeader/blockComparisonTime")
        try:
            datetime.strptime(stamp, "%Y%m%d%H%M%S")
        except ValueError:
            findings.append(f"{record.describe()} has blockComparisonTime {stamp!r}, not YYYYMMDDhhmmss")
    rivta.expect(findings, "records lack a valid blockComparisonTime")


def _content(rivta: Rivta, case_id: str, what: str, present: Any) -> None:
    """The case's patient has at least one record for which ``present(record)`` holds."""
    case = _case(rivta, case_id)
    found = _unfiltered(case)
    findings = [] if any(present(r) for r in found) else [f"none of the {len(found)} records is {what}"]
    rivta.expect(findings, f"TF {case_id}: no record is {what}")


@pytest.mark.rivta_check("tk.gcd3.4.1")
def test_4_1_approved_for_patient_true(rivta: Rivta) -> None:
    _content(rivta, "4.1 ApprovedForPatient_true", "flagged approvedForPatient true", lambda r: r.approved == "true")


@pytest.mark.rivta_check("tk.gcd3.4.2")
def test_4_2_approved_for_patient_false(rivta: Rivta) -> None:
    _content(rivta, "4.2 ApprovedForPatient_false", "flagged approvedForPatient false (records must be delivered "
             "and flagged, not dropped)", lambda r: r.approved == "false")  # fmt: skip


# -- 5 Content - ContractSpecific ---------------------------------------------------------------


@pytest.mark.rivta_check("tk.gcd3.5.1")
def test_5_1_signed(rivta: Rivta) -> None:
    _content(rivta, "5.1 signed", "signed", lambda r: r.has("header/signature/timestamp"))


@pytest.mark.rivta_check("tk.gcd3.5.2")
def test_5_2_unsigned(rivta: Rivta) -> None:
    _content(rivta, "5.2 unsigned", "unsigned", lambda r: not r.has("header/signature"))


@pytest.mark.rivta_check("tk.gcd3.5.4")
def test_5_4_dissenting_opinion(rivta: Rivta) -> None:
    _content(rivta, "5.4 DissentingOpinion", "carrying a dissentingOpinion", lambda r: r.has("body/dissentingOpinion"))


NOTE_CODES = {
    "5.5 ClinicalDocumentNoteCode_Utredning": "utr",
    "5.6 ClinicalDocumentNoteCode_Behandling": "atb",
    "5.7 ClinicalDocumentNoteCode_Sammanfattning": "sam",
    "5.8 ClinicalDocumentNoteCode_Samordning": "sao",
    "5.9 ClinicalDocumentNoteCode_Inskrivning": "ins",
    "5.10 ClinicalDocumentNoteCode_Slutanteckning": "slu",
    "5.11 ClinicalDocumentNoteCode_AnteckningUtanFysisktMöte": "auf",
    "5.12 ClinicalDocumentNoteCode_Slutenvårdsanteckning": "sva",
    "5.13 ClinicalDocumentNoteCode_Besöksanteckning": "bes",
}


@pytest.mark.parametrize(
    "case_id",
    [pytest.param(c, marks=pytest.mark.rivta_check(f"tk.gcd3.{c.split()[0]}"), id=c.split()[0]) for c in NOTE_CODES],
)
def test_5_5_to_5_13_note_codes(rivta: Rivta, case_id: str) -> None:
    code = NOTE_CODES[case_id]
    _content(rivta, case_id, f"of clinicalDocumentNoteCode {code}",
             lambda r: r.text("body/clinicalDocumentNoteCode/code") == code)  # fmt: skip


@pytest.mark.rivta_check("tk.gcd3.5.14")
def test_5_14_docbook(rivta: Rivta) -> None:
    rivta.unless_not_offered("docbook")
    case = _case(rivta, "5.14 ClinicalDocumentNoteText-DocBook")
    texts = [r.text("body/clinicalDocumentNoteText") for r in _unfiltered(case)]
    docbook = [t for t in texts if DOCBOOK_NAMESPACE in t]
    if not docbook:
        rivta.expect(["no clinicalDocumentNoteText is DocBook (namespace http://docbook.org/ns/docbook)"],
                     "TF 5.14: no DocBook text")  # fmt: skip
    rivta.expect([finding for text in docbook for finding in _docbook_findings(text)], "DocBook texts are not valid")


def _docbook_findings(text: str) -> list[str]:
    try:
        root = xmlsafe.parse(text.encode("utf-8"), source="clinicalDocumentNoteText")
    except Exception as exc:  # any parse failure is the finding
        return [f"a DocBook text is not well-formed XML: {exc}"]
    unknown = sorted({xmlsafe.local_name(e) for e in root.iter() if isinstance(e.tag, str)} - DOCBOOK_ELEMENTS)
    wrong = [e.tag for e in root.iter() if isinstance(e.tag, str) and xmlsafe.namespace(e) != DOCBOOK_NAMESPACE]
    return [f"DocBook element(s) outside the TKB's set: {', '.join(unknown)}"] * bool(unknown) + [
        f"element {tag} is not in the DocBook namespace" for tag in wrong[:3]
    ]


@pytest.mark.rivta_check("tk.gcd3.5.15")
def test_5_15_docbook_special_characters(rivta: Rivta) -> None:
    rivta.unless_not_offered("docbook")
    case = _case(rivta, "5.15 DocBook-extended")
    texts = [r.text("body/clinicalDocumentNoteText") for r in _unfiltered(case)]
    shown = sum(DOCBOOK_NAMESPACE in t for t in texts)
    raise Manual(
        f"manual: {shown} DocBook texts are attached; a reviewer checks that åäö<>><& and the characters common "
        "in the vendor's practice survive in headings, keywords and running text (Inera's suite passes corrupt "
        "strings too)"
    )


@pytest.mark.rivta_check("tk.gcd3.5.16")
def test_5_16_multimedia_value(rivta: Rivta) -> None:
    rivta.unless_not_offered("multimedia")
    case = _case(rivta, "5.16 MultimediaEntryValue")
    entries = [r for r in _unfiltered(case) if r.has("body/multimediaEntry/value")]
    if not entries:
        rivta.expect(["no record carries multimediaEntry/value"], "TF 5.16: no embedded multimedia object")
    findings = []
    for record in entries:
        try:
            size = len(base64.b64decode(record.text("body/multimediaEntry/value"), validate=True))
        except (binascii.Error, ValueError):
            findings.append(f"{record.describe()}: multimediaEntry/value is not base64")
            continue
        rivta.measure(record.id or "value", {"mediaType": record.text("body/multimediaEntry/mediaType"), "bytes": size})
    rivta.expect(findings, "embedded multimedia objects are broken")


@pytest.mark.rivta_check("tk.gcd3.5.17")
def test_5_17_multimedia_reference(rivta: Rivta) -> None:
    rivta.unless_not_offered("multimedia")
    case = _case(rivta, "5.17 MultimediaEntryReference")
    references = [r.text("body/multimediaEntry/reference") for r in _unfiltered(case)]
    references = [ref for ref in references if ref]
    if not references:
        rivta.expect(["no record carries multimediaEntry/reference"], "TF 5.17: no multimedia reference")
    findings = [f"reference {ref!r} is not an absolute http(s) URL" for ref in references
                if not ref.startswith(("https://", "http://"))]  # fmt: skip
    rivta.expect(findings, "multimedia references are not usable links")


@pytest.mark.rivta_check("tk.gcd3.5.18")
def test_5_18_partial_answers(rivta: Rivta) -> None:
    rivta.unless_not_offered("partial_answers")
    case = _case(rivta, "5.18 Delsvar")
    exchange = rivta.call(case.request(), label="TF 5.18 first part", **case.options())
    pages = [records_of(rivta, exchange)]
    more = _has_more(exchange)
    if more is None:
        raise case.lacking("the first answer for the patient carries no hasMore")
    findings = []
    while more is not None and len(pages) <= MAX_CONTINUATIONS:
        address, reference = more
        exchange = rivta.call(case.request(hasMoreReference=reference), label=f"TF 5.18 part {len(pages) + 1}",
                              **case.options(logical_address=address))  # fmt: skip
        pages.append(records_of(rivta, exchange))
        more = _has_more(exchange)
    if more is not None:
        findings.append(f"still hasMore after {MAX_CONTINUATIONS} follow-up calls")
    seen: dict[str, int] = {}
    for number, page in enumerate(pages, start=1):
        if not page:
            findings.append(f"part {number} holds no records")
        for record in page:
            if record.id in seen:
                findings.append(f"{record.describe()} came again in part {number} (first in part {seen[record.id]})")
            seen.setdefault(record.id, number)
    times = [max(r.text("header/record/timestamp") for r in page) for page in pages if page]
    oldest = [min(r.text("header/record/timestamp") for r in page) for page in pages if page]
    findings += [f"part {n + 2} holds records newer than part {n + 1}'s oldest (newest first)"
                 for n in range(len(times) - 1) if times[n + 1] > oldest[n]]  # fmt: skip
    rivta.measure("parts", [len(page) for page in pages])
    rivta.expect(findings, "partial answers do not deliver the rest, newest first")


def _has_more(exchange: Exchange) -> tuple[str, str] | None:
    payload = exchange.envelope.payload if exchange.envelope is not None else None
    if payload is None:
        return None
    for child in payload:
        if xmlsafe.local_name(child) == "hasMore":
            address = next((c.text or "" for c in child if xmlsafe.local_name(c) == "logicalAddress"), "")
            reference = next((c.text or "" for c in child if xmlsafe.local_name(c) == "reference"), "")
            return address.strip(), reference.strip()
    return None


# -- 7 Consumer tests ---------------------------------------------------------------------------


@pytest.mark.rivta_check("tk.gcd3.7.1")
def test_7_1_care_unit_blacklisted(rivta: Rivta) -> None:
    rivta.unless_not_offered("consumer_blocking")
    case = _case(rivta, "7.1 CareUnit_Blacklisted")
    consumer, hidden = case.value("httpHeaderHsaId2"), case.value("filterString")
    everything = _unfiltered(case)
    holding = [r for r in everything if hidden in "".join(r.element.itertext())]
    if not holding:
        raise case.lacking(f"no record holds filterString {hidden!r} for the ordinary consumer")
    found = case.fetch(f"{case.case_id} as consumer {consumer}", consumer_hsa_id=consumer)
    findings = [f"{r.describe()} holds {hidden!r}" for r in found if hidden in "".join(r.element.itertext())]
    if len(found) >= len(everything):
        findings.append(f"consumer {consumer} got {len(found)} records, not fewer than {len(everything)}")
    rivta.expect(findings, "the care unit withheld from this consumer is delivered")


@pytest.mark.rivta_check("tk.gcd3.7.2")
def test_7_2_consumer_blacklisted(rivta: Rivta) -> None:
    rivta.unless_not_offered("consumer_blocking")
    case = _case(rivta, "7.2 Consumer_Blacklisted")
    consumer = case.value("httpHeaderHsaId2")
    _unfiltered(case)
    found = case.fetch(f"{case.case_id} as consumer {consumer}", consumer_hsa_id=consumer)
    rivta.expect(
        [f"{len(found)} records returned to a blocked consumer"] if found else [], "blocked consumer gets data"
    )


@pytest.mark.rivta_check("tk.gcd3.7.3")
def test_7_3_consumer_independent(rivta: Rivta) -> None:
    case = _case(rivta, "7.3 Consumer_Independent")
    consumer = case.value("httpHeaderHsaId2")
    ours = rivta.answered(case.unfiltered())
    theirs = rivta.answered(rivta.call(case.request(), label=f"TF {case.case_id} as consumer {consumer}",
                                       shared=True, **case.options(consumer_hsa_id=consumer)))  # fmt: skip
    _nonempty(case, records_of(rivta, ours), f"patient {case.value('patientId')}")
    records_of(rivta, theirs)
    rivta.expect(differences(ours.envelope.payload, theirs.envelope.payload), "the answer depends on the consumer")


# -- rules that hold for every answer -----------------------------------------------------------


@pytest.mark.rivta_check("tk.gcd3.unique-record-ids")
def test_record_ids_unique_within_an_answer(rivta: Rivta) -> None:
    case = _case(rivta, "1.1.1 Personnummer")
    found = _unfiltered(case)
    seen: dict[str, int] = {}
    for record in found:
        seen[record.id] = seen.get(record.id, 0) + 1
    rivta.expect([f"record id {i} appears {n} times" for i, n in seen.items() if n > 1], "record ids repeat")
