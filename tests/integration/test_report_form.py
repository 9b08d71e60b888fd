"""The self-declaration is the contract's own form when its release holds one (corpus release 3.0.5)."""

from __future__ import annotations

import pytest

from conftest import REPO
from harness.report.bundle import read_document

SUITES = str(REPO / "testsuites")
RELEASE = "domain-releases/clinicalprocess_healthcond_description_3.0.5"

pytestmark = pytest.mark.corpus


def run(pytester: pytest.Pytester, corpus, out: str, *args: str) -> dict:
    declaration = (REPO / "fixtures/declarations/GetCareDocumentation-3.toml").read_text(encoding="utf-8")
    declaration += (
        '\n[[answers]]\nsection = "2.5.2"\nquestion = "Tillgänglighet"\nanswer = "yes"\ntext = "Driftavtal 24x7"\n'
    )
    declared = pytester.makefile(".toml", declaration=declaration)
    pytester.inline_run(
        SUITES, "-p", "no:cacheprovider", "--report-dir", out,
        "--contract", f"{corpus / RELEASE}::GetCareDocumentation",
        "--testdata", str(REPO / "fixtures/testdata/GetCareDocumentation-3.toml"),
        "--declaration", str(declared), *args,
    )  # fmt: skip
    return read_document(pytester.path / out)


def questions(document: dict, section: str) -> list[dict]:
    (form,) = document["sjd_forms"]
    return next(s for s in form["sections"] if s["number"] == section)["questions"]


def test_the_form_is_answered_from_the_checks(pytester: pytest.Pytester, corpus) -> None:
    document = run(pytester, corpus, "ok")
    (form,) = document["sjd_forms"]
    assert form["title"].endswith("GetCareDocumentation 3.0")
    assert form["source"]["file"] == "SjD_TP_GetCareDocumentation_3.0.docx"
    numbers = [s["number"] for s in form["sections"]]
    assert numbers[numbers.index("2.2.1") :][:6] == ["2.2.1", "2.2.2", "2.2.3", "2.3", "2.3.1", "2.3.2"]
    selection = questions(document, "2.2.1")
    assert [q["tf"] for q in selection if q["kind"] == "yes_no"] == [
        ["1.1.1"], ["1.1.2"], ["1.1.4"], ["1.2.1–1.2.4"], ["1.3"], ["1.4"], ["1.6"], ["1.8"],
    ]  # fmt: skip
    dates = next(q for q in selection if q["tf"] == ["1.2.1–1.2.4"])
    assert (dates["answer"], [c["id"] for c in dates["checks"]]) == (
        "yes", ["tk.gcd3.1.2.1", "tk.gcd3.1.2.2", "tk.gcd3.1.2.3", "tk.gcd3.1.2.4"],
    )  # fmt: skip
    assert {q["answer"] for q in questions(document, "2.2.3") if q["kind"] == "yes_no"} == {"manual"}
    mapping = questions(document, "2.4.7")[0]
    assert (mapping["answer"], mapping["origin"]) == ("vendor", "vendor"), "no check can answer it"
    availability = next(q for q in questions(document, "2.5.2") if q["text"].startswith("Tillgänglighet"))
    assert (availability["answer"], availability["value"], availability["origin"]) == (
        "yes", "Driftavtal 24x7", "declaration",
    )  # fmt: skip
    suite = {q["text"].split()[0]: q for q in questions(document, "2.6.1")}
    assert suite["Tester"]["answer"] == "yes", "the TK suite ran"
    assert (suite["Ange"]["answer"], suite["Ange"]["value"]) == ("text", "3.0.5"), "the domain version"
    page = (pytester.path / "ok/self-declaration.html").read_text(encoding="utf-8")
    assert "Urval på olika datumfält (TF 1.2.1 – 1.2.4)" in page, "the form's own wording, read at run time"


def test_a_failing_case_answers_no_and_is_reported_as_unexpected(pytester: pytest.Pytester, corpus) -> None:
    document = run(pytester, corpus, "bad", "--embedded-fault", "ignores-date-filter")
    dates = next(q for q in questions(document, "2.2.1") if q["tf"] == ["1.2.1–1.2.4"])
    assert dates["answer"] == "no"
    described = next(q for q in questions(document, "2.2.1") if q["text"].startswith("Beskrivning"))
    assert "tk.gcd3.1.2.1" in described["value"]
    assert "not declared" in described["value"]
    unexpected = next(q for q in questions(document, "2.6.1") if "icke förväntat" in q["text"])
    assert unexpected["answer"] == "yes"
    assert {c["id"] for c in unexpected["checks"]} == {
        "tk.gcd3.1.2.1",
        "tk.gcd3.1.2.2",
        "tk.gcd3.1.2.3",
        "tk.gcd3.1.2.4",
    }


def test_without_a_form_the_generic_layout_stays(pytester: pytest.Pytester) -> None:
    pytester.inline_run(SUITES, "-p", "no:cacheprovider", "--report-dir", "plain", "-k", "1_1_1")
    document = read_document(pytester.path / "plain")
    assert document["sjd_forms"] == []
    assert document["sjd"], "the generic sections"
