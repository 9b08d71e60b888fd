"""The EI Update self-declaration: each question answered from what the mock observed.

An answer is "yes" only when calls were received that could have shown the rule broken and
none did, "no" when a call broke it (that call is the evidence), and "not observed" otherwise,
with a message naming what the run lacked. The questions become ordinary verdict records, so
the document, its schema check, the HTML, the manifest, signing and diff are the producer's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness import personnummer
from harness.checks.catalogue import CheckSpec, Level, Suite
from harness.declaration import Declaration
from harness.ei.mock import CallRecord, EiMock
from harness.ei.questions import QUESTIONS, Question, QuestionText, from_form
from harness.ei.timeline import MARK_DEADLINE_SECONDS, Mark
from harness.report.bundle import write_bundle
from harness.report.model import Form, RunFacts
from harness.results import Verdict
from harness.sjdform import SjdForm, find_form, read_form

TITLE = {"sv": "Självdeklaration EI Update 1.0 (tjänstekonsument)", "en": "Self-declaration EI Update 1.0 (consumer)"}
ANSWERS = {
    Verdict.PASSED: "yes",
    Verdict.FAILED: "no",
    Verdict.NOT_TESTED: "not observed",
    Verdict.NOT_APPLICABLE: "not applicable",
    Verdict.MANUAL: "manual",
    Verdict.ERROR: "not observed",
}
MAX_CALL_ROWS = 500
FORM_CONTRACT, FORM_ROLE = "EI_Update", "TK"  # docs/SjD_TK_EI_Update_1.0.docx


@dataclass(frozen=True, slots=True)
class _Answer:
    verdict: Verdict
    message: str
    findings: list[str]
    calls: list[CallRecord]


def spec_of_question(text: QuestionText) -> CheckSpec:
    """The question as a check of the EI suite (mandatory: each is a yes/no in the form)."""
    return CheckSpec(
        text.question.value, text.title_sv, text.title_en, text.rule, text.source, Level.MANDATORY,
        text.section, tf=text.tf, suite=Suite.EI,
    )  # fmt: skip


def _overdue(marks: Sequence[Mark], now: float) -> list[Mark]:
    return [m for m in marks if m.covered_by is None and now - m.at > MARK_DEADLINE_SECONDS]


def _mark_answer(mock: EiMock, question: Question, now: float) -> _Answer:
    marks = mock.timeline.marks
    overdue = _overdue(marks, now)
    if overdue:
        findings = [f"mark {m.number}: no Update for it in {(now - m.at) / 60:.0f} minutes" for m in overdue]
        return _Answer(Verdict.FAILED, f"{len(overdue)} marked change(s) got no Update within 60 minutes", findings, [])
    covered = [m for m in marks if m.covered_by is not None]
    if not marks:
        return _Answer(Verdict.NOT_TESTED, 'no change was marked (`rivta-harness ei mark "..."`)', [], [])
    if len(covered) < len(marks):
        return _Answer(
            Verdict.NOT_TESTED, f"{len(marks) - len(covered)} marked change(s) still wait for an Update", [], []
        )
    by_number = {c.number: c for c in mock.observations.calls}
    calls = [by_number[m.covered_by] for m in covered if m.covered_by in by_number]
    if question is Question.WITHIN_60_MINUTES:
        slowest = max(m.covered_after or 0.0 for m in covered)
        return _Answer(
            Verdict.PASSED,
            f"{len(covered)} marked change(s) covered, the slowest in {slowest / 60:.1f} minutes",
            [],
            calls,
        )
    return _Answer(Verdict.PASSED, f"each of {len(covered)} marked change(s) was followed by an Update", [], calls)


def _observed(mock: EiMock, question: Question) -> str | None:
    """None when the calls so far could have shown ``question``'s rule broken, else what was missing."""
    seen = mock.observations
    counts = mock.timeline.observed()
    if seen.updates == 0:
        return "no Update was received"
    missing = {
        Question.CATEGORIZATION: None
        if any(domain in mock.rules.domains for domain in seen.categorizations)
        else "no engagement of a domain whose EI rules were given (--domain-rules)",
        Question.DELETE: None if seen.deletes_accepted else "no accepted Update with deleteFlag=true",
        Question.SEQUENTIAL: None
        if counts["source_systems_with_several_calls"]
        else "no source system sent more than one Update",
        Question.KEY_INTERVAL: None
        if seen.many_engagement_calls or counts["repeated_keys"]
        else "no call had two engagements and no unique key was sent twice",
        Question.RETRY_INTERVAL: None
        if counts["resent_after_fault"]
        else "no fault was followed by a resend (start the mock with --fault-every or --unavailable-for)",
        Question.INITIAL_LOAD: None
        if counts["initial_load_sources_with_several_calls"]
        else "no initial load with two or more calls from one source system (--initial-load)",
    }
    return missing.get(question)


def _answer(mock: EiMock, question: Question, now: float) -> _Answer:
    seen = mock.observations
    if seen.breaches[question]:
        calls = seen.evidence.get(question, [])
        findings = [f"call {c.number}: {b.text}" for c in calls for b in c.breaches if b.question is question]
        extra = seen.breaches[question] - len(calls)
        if extra > 0:
            findings.append(f"and {extra} more call(s)")
        return _Answer(Verdict.FAILED, f"{seen.breaches[question]} call(s) broke the rule", findings, calls)
    if question in (Question.EVERY_CHANGE, Question.WITHIN_60_MINUTES):
        return _mark_answer(mock, question, now)
    missing = _observed(mock, question)
    if missing:
        return _Answer(Verdict.NOT_TESTED, f"not observed: {missing}", [], [])
    return _Answer(
        Verdict.PASSED, f"{seen.updates} Update call(s) received; none broke the rule", [], list(seen.examples)
    )


def form_questions(mock: EiMock) -> tuple[tuple[QuestionText, ...], tuple[tuple[str, str, str], ...]]:
    """The questions and sections of the release's EI Update form (the harness's wording without one)."""
    path = find_form(mock.rules.release, FORM_CONTRACT, mock.rules.update.version, FORM_ROLE)
    if path is None:
        return from_form(SjdForm("", ()))
    return from_form(read_form(path))


def verdict_records(
    mock: EiMock, *, now: float | None = None, questions: Sequence[QuestionText] = QUESTIONS
) -> list[dict[str, Any]]:
    """One verdict record per question, in form order, with the calls behind it as evidence."""
    moment = mock.timeline.clock() if now is None else now
    contract = mock.rules.update.key
    records = []
    for text in questions:
        answer = _answer(mock, text.question, moment)
        records.append(
            {
                "check": text.question.value,
                "contract": contract,
                "verdict": answer.verdict.value,
                "message": answer.message,
                "findings": _masked(mock, answer.findings),
                "duration": 0.0,
                "nodeid": f"ei::{text.question.value}",
                "declared_deviation": None,
                "exchanges": [call.exchange for call in answer.calls],
                "spec": spec_of_question(text).to_record(),
                "measurements": {},
            }
        )
    return records


def results_for_another_report(mock: EiMock, contract_keys: Sequence[str]) -> list[dict[str, Any]]:
    """The answers as verdict records of each producer contract of the same run.

    A producer's form asks the EI questions too (its "Engagemangsindexuppdatering" section,
    EI_TF numbers); recorded under each producer contract, the answers back those questions.
    The producer's form numbers its sections itself, so the records carry no section number.
    """
    questions, _ = form_questions(mock)
    with mock.lock:
        records = verdict_records(mock, questions=questions)
    found = []
    for key in contract_keys:
        for record in records:
            spec = {**record["spec"], "sjd_section": ""}
            found.append({**record, "contract": key, "spec": spec, "nodeid": f"ei-mock::{record['check']}[{key}]"})
    return found


def _masked(mock: EiMock, lines: list[str]) -> list[str]:
    return [personnummer.mask(line) for line in lines] if mock.settings.mask_personal_ids else lines


def _table(
    table_id: str, sv: str, en: str, columns: list[tuple[str, str]], rows: list[list[str]], *, note: str = ""
) -> dict[str, Any]:
    return {
        "id": table_id,
        "title": {"sv": sv, "en": en},
        "columns": [{"sv": a, "en": b} for a, b in columns],
        "rows": rows,
        "note": note,
    }


def observation_tables(mock: EiMock, *, now: float) -> list[dict[str, Any]]:
    """Calls, categorization values seen vs allowed, marked changes and refused input, as report tables."""
    seen = mock.observations
    calls = list(seen.calls)[-MAX_CALL_ROWS:]
    hidden = seen.dropped + len(seen.calls) - len(calls)
    call_rows = [
        [str(c.number), c.received_at.isoformat(timespec="seconds"), c.operation, str(c.engagements),
         ", ".join(c.source_systems), c.result, ", ".join(sorted({b.question.value for b in c.breaches})) or "–"]
        for c in calls
    ]  # fmt: skip
    categorization_rows = []
    for domain, values in sorted(seen.categorizations.items()):
        rules = mock.rules.domain_rules(domain)
        allowed = sorted(rules.categorizations) if rules else []
        outside = sorted(v for v in values if rules and v not in rules.categorizations)
        categorization_rows.append(
            [domain, ", ".join(allowed) if rules else "(no rules given)",
             ", ".join(f"{v} ×{n}" for v, n in sorted(values.items())), ", ".join(outside) or "–"]
        )  # fmt: skip
    mark_rows = [
        [str(m.number), personnummer.mask(m.text) if mock.settings.mask_personal_ids else m.text,
         "–" if m.covered_by is None else str(m.covered_by),
         f"{(m.covered_after if m.covered_after is not None else now - m.at) / 60:.1f}"]
        for m in mock.timeline.marks
    ]  # fmt: skip
    refused_rows = [[kind, str(count)] for kind, count in sorted(seen.bad_input.items())]
    return [
        _table("ei-calls", "Mottagna anrop", "Received calls",
               [("Nr", "No."), ("Mottaget", "Received"), ("Operation", "Operation"), ("Poster", "Engagements"),
                ("Källsystem", "Source systems"), ("Svar", "Answer"), ("Bryter mot", "Breaks")],
               call_rows, note=f"{hidden} older call(s) not kept" if hidden else ""),
        _table("ei-categorizations", "Kategorisering: sedda och tillåtna värden", "Categorization: seen and allowed values",
               [("Tjänstedomän", "Service domain"), ("Tillåtna", "Allowed"), ("Sedda", "Seen"),
                ("Ej tillåtna", "Not allowed")], categorization_rows),
        _table("ei-marks", "Markerade ändringar i källsystemet", "Changes marked in the source system",
               [("Nr", "No."), ("Text", "Text"), ("Täckt av anrop", "Covered by call"), ("Minuter", "Minutes")],
               mark_rows),
        _table("ei-refused", "Avvisad indata", "Refused input", [("Slag", "Kind"), ("Antal", "Count")],
               refused_rows, note="the mock answered each and kept serving"),
    ]  # fmt: skip


def write_ei_report(
    mock: EiMock,
    report_dir: Path,
    *,
    declaration: Declaration | None = None,
    language: str = "sv",
    complete: bool = True,
    interruption: str | None = None,
) -> dict[str, Any]:
    """Write the EI Update self-declaration bundle to ``report_dir``; return the document."""
    questions, sections = form_questions(mock)
    with mock.lock:  # a consistent picture while calls keep coming in
        now = mock.timeline.clock()
        records = verdict_records(mock, now=now, questions=questions)
        sources = sorted({s for c in mock.observations.calls for s in c.source_systems})
        tables = observation_tables(mock, now=now)
        warnings = list(mock.observations.warnings)
    facts = RunFacts(
        started_at=mock.started_at.astimezone(),
        finished_at=datetime.now(UTC).astimezone(),
        complete=complete,
        interruption=interruption,
        producer=f"EI mock at {mock.url} (the vendor's source system calls it)",
        embedded=False,
        via_ntjp=False,
        logical_address=", ".join(sources),
        sla_seconds=27.0,
        language=language,
        testdata=None,
        testdata_sha256=None,
        declaration_sha256=None,
    )
    return write_bundle(
        report_dir,
        records,
        [mock.rules.update],
        declaration or Declaration(),
        facts,
        form=Form(
            title=TITLE,
            sections=sections,
            answers=ANSWERS,
            observations=tables,
            warnings=warnings,
        ),
    )
