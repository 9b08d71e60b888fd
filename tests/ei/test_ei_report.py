"""The EI Update self-declaration: answers from observed calls, in the producer's report format."""

from __future__ import annotations

import json

import pytest

from harness.ei.questions import Question
from harness.ei.report import verdict_records, write_ei_report
from harness.report.bundle import validate_document
from tests.ei.consumer import Row, people

pytestmark = pytest.mark.corpus


def answers(document) -> dict[str, str]:
    return {a["check"]: a["answer"] for section in document["sjd"] for a in section["answers"]}


def test_good_run_answers_yes_where_observed_and_not_observed_elsewhere(serve, clock, tmp_path):
    with serve(fault_every=3) as (running, consumer):
        running.mark("ny anteckning för 191212121212")
        consumer.send([Row(), *people(2, start=20)])
        clock.advance(300)
        consumer.send([Row(delete=True)])
        clock.advance(300)
        consumer.send(people(2, start=40))  # third call: the injected fault
        clock.advance(300)
        consumer.send(people(2, start=40))  # resent after 5 minutes
        document = write_ei_report(running.mock, tmp_path / "ei")
    validate_document(document)
    got = answers(document)
    assert got == {
        Question.CONTENT: "yes",
        Question.CATEGORIZATION: "yes",
        Question.EVERY_CHANGE: "yes",
        Question.DELETE: "yes",
        Question.SEQUENTIAL: "yes",
        Question.WITHIN_60_MINUTES: "yes",
        Question.KEY_INTERVAL: "yes",
        Question.RETRY_INTERVAL: "yes",
        Question.MAX_ENGAGEMENTS: "yes",
        Question.INITIAL_LOAD: "not observed",
    }
    assert document["title"]["en"] == "Self-declaration EI Update 1.0 (consumer)"
    sections = {s["section"]: s for s in document["sjd"]}
    assert [(n, s["title"]["sv"]) for n, s in sections.items()] == [
        ("2.3.2", "Engagemangsindexuppdatering"),
        ("2.3.3", "SLA-Krav"),
    ]  # numbered and worded as the release's SjD_TK_EI_Update_1.0.docx
    sequential = next(a for a in sections["2.3.2"]["answers"] if a["check"] == Question.SEQUENTIAL)
    assert sequential["question"]["sv"].startswith("Alla anrop till EI Update som rör detta källsystem")
    assert document["contracts"][0]["name"] == "Update"
    assert document["outcome"] == "incomplete"  # EI_TF 2.4 was not observed
    tables = {t["id"]: t for t in document["observations"]}
    assert tables["ei-categorizations"]["rows"] == [[Row().domain, "dia, fun-fun, pad-pad, upp, voo", "voo ×8", "–"]]
    assert [row[5] for row in tables["ei-calls"]["rows"]] == ["OK", "OK", "SOAP fault", "OK"]
    html = (tmp_path / "ei" / "self-declaration.html").read_text(encoding="utf-8")
    assert "Självdeklaration EI Update 1.0" in html
    assert "Ej observerat" in html


@pytest.mark.parametrize(
    ("question", "script"),
    [
        (Question.KEY_INTERVAL, "duplicate"),
        (Question.MAX_ENGAGEMENTS, "1001"),
        (Question.CATEGORIZATION, "categorization"),
        (Question.CONTENT, "logical-address"),
        (Question.KEY_INTERVAL, "same-key-within-5-minutes"),
        (Question.SEQUENTIAL, "parallel"),
        (Question.RETRY_INTERVAL, "retry-too-soon"),
        (Question.WITHIN_60_MINUTES, "61-minutes"),
    ],
)
def test_each_broken_rule_is_no_on_exactly_its_question(serve, clock, tmp_path, question, script):
    import threading

    settings = {"parallel": {"answer_delay": 0.4}, "retry-too-soon": {"fault_every": 2}}.get(script, {})
    with serve(**settings) as (running, consumer):
        consumer.send(people(2, start=90))  # a good call first: every run has one
        clock.advance(300)
        if script == "duplicate":
            consumer.send([Row(), Row()])
        elif script == "1001":
            consumer.send(people(1001))
        elif script == "categorization":
            consumer.send([Row(categorization="xyz")])
        elif script == "logical-address":
            consumer.send([Row(logical_address="SE2321000016-OTHER")])
        elif script == "same-key-within-5-minutes":
            consumer.send([Row()])
            clock.advance(120)
            consumer.send([Row()])
        elif script == "parallel":
            first = threading.Thread(target=consumer.send, args=(people(2),))
            first.start()
            while not running.mock.timeline._history.in_flight:
                threading.Event().wait(0.005)
            consumer.send(people(2, start=10))
            first.join()
        elif script == "retry-too-soon":
            consumer.send(people(2))  # call 2: fault
            clock.advance(30)
            consumer.send(people(2))
        elif script == "61-minutes":
            running.mark("new note for 191212121212")
            clock.advance(61 * 60)
            consumer.send([Row()])
        records = verdict_records(running.mock)
    no = [r for r in records if r["verdict"] == "failed"]
    assert [r["check"] for r in no] == [question]
    (record,) = no
    assert record["exchanges"], "the breaking call is the evidence"
    assert all(e["label"].startswith("call ") for e in record["exchanges"])
    assert record["findings"]
    document = write_ei_report(running.mock, tmp_path / "ei")
    assert answers(document)[question] == "no"
    evidence = json.loads(
        (
            tmp_path / "ei" / document["checks"][[c["id"] for c in document["checks"]].index(question)]["evidence"]
        ).read_text()
    )
    assert evidence["exchanges"][0]["request_body"]["text"].count("engagementTransaction") >= 2


def test_without_a_form_the_harness_wording_and_sections_remain():
    from harness.ei.questions import QUESTIONS, from_form
    from harness.sjdform import SjdForm

    questions, sections = from_form(SjdForm("", ()))
    assert questions == QUESTIONS
    assert [number for number, _, _ in sections] == ["2.3.2", "2.3.3"]


def test_a_producer_form_answers_its_ei_questions_from_the_mock(serve, clock, healthcond_release):
    from datetime import UTC, datetime

    from harness.contracts.select import resolve_reference
    from harness.declaration import Declaration
    from harness.ei.report import results_for_another_report
    from harness.report.model import RunFacts, build_document

    (gcd,) = resolve_reference(f"{healthcond_release}::GetCareDocumentation")
    with serve() as (running, consumer):
        consumer.send([*people(2), Row(), Row()])  # a duplicate key: EI_TF 2.2 is "no"
    records = results_for_another_report(running.mock, [gcd.key])
    assert {r["contract"] for r in records} == {gcd.key}
    now = datetime.now(UTC)
    facts = RunFacts(now, now, True, None, "https://producer", False, False, "LA", 27.0, "sv", None, None, None)
    document = build_document(records, [gcd], Declaration(), facts, {})
    (form,) = document["sjd_forms"]
    by_tf = {q["tf"][0]: q for s in form["sections"] for q in s["questions"] if q["tf"] and q["kind"] == "yes_no"}
    assert by_tf["EI_TF 2.2"]["answer"] == "no"
    assert by_tf["EI_TF 1.1"]["answer"] == "yes"
    assert by_tf["EI_TF 2.1"]["answer"] == "not tested"  # nothing was marked
    assert by_tf["EI_TF 2.2"]["checks"][0]["id"] == "ei.tf-2.2"
