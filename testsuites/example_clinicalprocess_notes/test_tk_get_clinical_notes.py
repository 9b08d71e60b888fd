"""TK suite for the example contract GetClinicalNotes 1.x, modelled on real TK suites (TF numbers).

The facts it needs (which patient, which period, which consumer is blocked) come from the
``[tk.GetClinicalNotes]`` table of the test data; a missing fact makes a check "not tested"
with the key named. Expectations are computed from the producer's own unfiltered answer, so
the suite works with any producer's data, not only the reference producer's.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from lxml import etree

from harness.checks import answers
from harness.checks.compare import differences
from harness.results import NotTested
from harness.suite import Rivta
from harness.transport.exchange import Exchange

pytestmark = pytest.mark.rivta_contract("GetClinicalNotes")

CORE = "urn:riv:example:clinicalprocess:notes:1"
PERSONNUMMER_ROOT = "1.2.752.129.2.1.3.1"
SAMORDNINGSNUMMER_ROOT = "1.2.752.129.2.1.3.3"


@dataclass(frozen=True, slots=True)
class Note:
    """The facts of one clinicalNote the suite judges."""

    document_id: str
    patient: str
    time: str
    care_unit: str
    source_system: str
    approved: str
    texts: tuple[str, ...]


def _text(element: etree._Element, path: str) -> str:
    return (element.findtext("/".join(f"{{{CORE}}}{step}" for step in path.split("/"))) or "").strip()


def notes(rivta: Rivta, exchange: Exchange) -> list[Note]:
    """The notes of a normal answer; without one the check fails with the reason.

    Schema validity is the generic suite's rule (rivta.response-schema); judging it again
    here would make one defect fail every TK check.
    """
    rivta.answered(exchange)
    payload = exchange.envelope.payload if exchange.envelope is not None else None
    if payload is None:  # the answer's form (status, envelope) is rivta.response-envelope's rule
        findings = answers.response_envelope_findings(exchange) or ["there is no single response element"]
        rivta.expect(findings, f"{exchange.label}: no normal answer")
    found = []
    for note in payload:
        if etree.QName(note).localname != "clinicalNote":
            continue
        header = note.find(f"{{{CORE}}}header")
        found.append(
            Note(
                document_id=_text(header, "documentId"),
                patient=_text(header, "patientId/extension"),
                time=_text(header, "documentTime"),
                care_unit=_text(header, "accountableCareUnit/extension"),
                source_system=_text(header, "sourceSystemId/extension"),
                approved=_text(header, "approvedForPatient"),
                texts=tuple(t.strip() for t in note.itertext() if t.strip()),
            )
        )
    return found


def fetch(
    rivta: Rivta,
    label: str,
    patient: str,
    root: str = PERSONNUMMER_ROOT,
    values: dict[str, str] | None = None,
    **call_options: object,
) -> list[Note]:
    """Notes for ``patient`` with extra request ``values`` (e.g. a date period)."""
    request = rivta.request({"patientId/extension": patient, "patientId/root": root, **(values or {})})
    return notes(rivta, rivta.call(request, label=label, **call_options))


def _lacking(rivta: Rivta, what: str, key: str) -> NotTested:
    """Not tested: the supplied test data cannot exercise the rule (never blamed on the producer)."""
    where = rivta.session.testdata.describe_key(rivta.contract.name, key)
    return NotTested(f"not tested: the test data cannot exercise this rule: {what} (see {where})")


def _selection_by_identity(rivta: Rivta, fact: str, root: str, tf: str) -> None:
    patient = rivta.fact(fact)
    found = fetch(rivta, f"TF {tf} notes for a {fact}", patient, root)
    if not found:
        raise _lacking(rivta, f"patient {patient} has no notes, so no selection can be judged", fact)
    others = fetch(rivta, f"TF {tf} control: notes for another patient", rivta.fact("other_patient"))
    if not others:
        raise _lacking(rivta, "the other patient has no notes, so a selection that ignores the patient would pass",
                       "other_patient")  # fmt: skip
    findings = [f"note {n.document_id} belongs to another patient" for n in found if n.patient != patient]
    rivta.expect(findings, f"selection by {fact} is wrong")


@pytest.mark.rivta_check("tk.notes.personnummer")
def test_1_1_1_personnummer(rivta: Rivta) -> None:
    _selection_by_identity(rivta, "personnummer", PERSONNUMMER_ROOT, "1.1.1")


@pytest.mark.rivta_check("tk.notes.samordningsnummer")
def test_1_1_2_samordningsnummer(rivta: Rivta) -> None:
    rivta.require_capability("samordningsnummer")
    _selection_by_identity(rivta, "samordningsnummer", SAMORDNINGSNUMMER_ROOT, "1.1.2")


@pytest.mark.rivta_check("tk.notes.date-period")
def test_1_2_1_date_period(rivta: Rivta) -> None:
    patient, start, end = rivta.fact("personnummer"), rivta.fact("date_period_start"), rivta.fact("date_period_end")
    everything = fetch(rivta, "TF 1.2.1 all notes", patient)
    period = {"datePeriod/start": start, "datePeriod/end": end}
    inside = fetch(rivta, f"TF 1.2.1 notes {start}-{end}", patient, values=period)
    findings = [
        f"note {n.document_id} dated {n.time[:8]} is outside {start}-{end}"
        for n in inside
        if not start <= n.time[:8] <= end
    ]
    expected = {n.document_id for n in everything if start <= n.time[:8] <= end}
    if not expected or len(expected) == len(everything):
        side = "inside" if not expected else "outside"
        raise _lacking(rivta, f"none of the patient's notes lies {side} {start}-{end}", "date_period_start")
    missing = expected - {n.document_id for n in inside}
    findings += [f"note {document} lies inside the period but was not returned" for document in sorted(missing)]
    rivta.expect(findings, "filtering on datePeriod is wrong")


def _filter_check(rivta: Rivta, fact: str, path: str, attribute: str, tf: str) -> None:
    patient, wanted = rivta.fact("personnummer"), rivta.fact(fact)
    everything = fetch(rivta, f"TF {tf} all notes", patient)
    filtered = fetch(rivta, f"TF {tf} notes for {wanted}", patient, values={path: wanted})
    findings = [
        f"note {n.document_id} has {attribute} {getattr(n, attribute)}"
        for n in filtered
        if getattr(n, attribute) != wanted
    ]
    expected = {n.document_id for n in everything if getattr(n, attribute) == wanted}
    if not expected or len(expected) == len(everything):
        which = "none" if not expected else "all"
        raise _lacking(rivta, f"{which} of the patient's notes have {attribute} {wanted}", fact)
    findings += [f"note {d} matches but was not returned" for d in sorted(expected - {n.document_id for n in filtered})]
    rivta.expect(findings, f"filtering on {path.split('/', maxsplit=1)[0]} is wrong")


@pytest.mark.rivta_check("tk.notes.care-unit")
def test_1_3_care_unit(rivta: Rivta) -> None:
    _filter_check(rivta, "care_unit", "careUnit/extension", "care_unit", "1.3")


@pytest.mark.rivta_check("tk.notes.source-system")
def test_1_4_source_system(rivta: Rivta) -> None:
    _filter_check(rivta, "source_system", "sourceSystemId/extension", "source_system", "1.4")


@pytest.mark.rivta_check("tk.notes.unknown-patient")
def test_1_8_unknown_patient_gets_an_empty_answer(rivta: Rivta) -> None:
    patient = rivta.fact("unknown_patient")
    exchange = rivta.call(rivta.request({"patientId/extension": patient}), label="TF 1.8 unknown patient")
    found = notes(rivta, exchange)
    code = answers.result_code(exchange.envelope.payload)
    findings = [f"note {n.document_id} returned for a patient the source system should not know" for n in found]
    if code != "OK":
        findings.append(f"resultCode is {code}, expected OK")
    rivta.expect(findings, "an unknown patient is not answered with an empty OK answer")


@pytest.mark.rivta_check("tk.notes.special-characters")
def test_2_2_special_characters(rivta: Rivta) -> None:
    expected = rivta.fact("special_characters")
    found = fetch(rivta, "TF 2.2 notes with special characters", rivta.fact("personnummer"))
    if not any(expected in text for note in found for text in note.texts):
        texts = [t for n in found for t in n.texts if any(ch in t for ch in "åäöÅÄÖ<>&")]
        rivta.expect(
            [f"no text contains {expected!r}; texts with special characters: {texts[:3]}"],
            "special characters are altered",
        )


def _approved(rivta: Rivta, value: str, fact: str, tf: str) -> None:
    """The note the test data names as flagged ``value`` is delivered, flagged so (not dropped, not re-flagged)."""
    document = rivta.fact(fact)
    found = {n.document_id: n for n in fetch(rivta, f"TF {tf} approvedForPatient", rivta.fact("personnummer"))}
    if document not in found:
        findings = [f"note {document}, approvedForPatient {value} in the source system, was not returned"]
    else:
        findings = (
            [] if found[document].approved == value else [f"note {document} is flagged {found[document].approved}"]
        )
    rivta.expect(findings, f"TF {tf} not met")


@pytest.mark.rivta_check("tk.notes.approved-true")
def test_4_1_approved_for_patient_true(rivta: Rivta) -> None:
    _approved(rivta, "true", "approved_document", "4.1")


@pytest.mark.rivta_check("tk.notes.approved-false")
def test_4_2_approved_for_patient_false(rivta: Rivta) -> None:
    _approved(rivta, "false", "unapproved_document", "4.2")


@pytest.mark.rivta_check("tk.notes.logical-address")
def test_source_system_addressing(rivta: Rivta) -> None:
    system = rivta.fact("source_system_logical_address")
    addressed = fetch(
        rivta, f"notes addressed to source system {system}", rivta.fact("personnummer"), logical_address=system
    )
    if not addressed:
        raise _lacking(rivta, f"no notes when addressed to source system {system}", "source_system_logical_address")
    findings = [f"note {n.document_id} comes from {n.source_system}" for n in addressed if n.source_system != system]
    rivta.expect(findings, "a call addressed to a source system returns other systems' notes")


@pytest.mark.rivta_check("tk.notes.care-unit-blocked")
def test_7_1_care_unit_withheld_from_a_consumer(rivta: Rivta) -> None:
    rivta.require_capability("consumer_blocking")
    consumer, unit = rivta.fact("care_unit_blocked_consumer"), rivta.fact("blocked_care_unit")
    patient = rivta.fact("personnummer")
    control = fetch(rivta, "TF 7.1 control: notes for our own consumer", patient)
    if not any(n.care_unit == unit for n in control):
        raise _lacking(rivta, f"the patient has no notes of care unit {unit} for any consumer", "blocked_care_unit")
    found = fetch(rivta, f"TF 7.1 notes for consumer {consumer}", patient, consumer_hsa_id=consumer)
    rivta.expect(
        [f"note {n.document_id} of {unit} was returned" for n in found if n.care_unit == unit],
        "withheld care unit delivered",
    )


@pytest.mark.rivta_check("tk.notes.consumer-blocked")
def test_7_2_blocked_consumer_gets_an_empty_answer(rivta: Rivta) -> None:
    rivta.require_capability("consumer_blocking")
    consumer, patient = rivta.fact("blocked_consumer"), rivta.fact("personnummer")
    if not fetch(rivta, "TF 7.2 control: notes for our own consumer", patient):
        raise _lacking(
            rivta, "the patient has no notes for any consumer, so an empty answer proves nothing", "personnummer"
        )
    found = fetch(rivta, f"TF 7.2 notes for blocked consumer {consumer}", patient, consumer_hsa_id=consumer)
    rivta.expect([f"{len(found)} notes returned to a blocked consumer"] if found else [], "blocked consumer gets data")


@pytest.mark.rivta_check("tk.notes.consumer-independent")
def test_7_3_same_answer_for_every_consumer(rivta: Rivta) -> None:
    patient, other = rivta.fact("personnummer"), rivta.fact("other_consumer")
    request = rivta.request({"patientId/extension": patient})
    ours = rivta.answered(rivta.call(request, label="TF 7.3 as our consumer"))
    theirs = rivta.answered(rivta.call(request, label=f"TF 7.3 as consumer {other}", consumer_hsa_id=other))
    if (
        ours.envelope is None
        or theirs.envelope is None
        or ours.envelope.payload is None
        or theirs.envelope.payload is None
    ):
        rivta.expect(["one of the two calls got no normal answer"], "cannot compare answers")
    if not notes(rivta, ours):
        raise _lacking(rivta, f"patient {patient} has no notes, so two empty answers prove nothing", "personnummer")
    rivta.expect(differences(ours.envelope.payload, theirs.envelope.payload), "the answer depends on the consumer")
