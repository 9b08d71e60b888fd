"""Warnings a vendor can act on: every "Nej" among the deviations, messages in the report's language."""

from __future__ import annotations

import pytest

from conftest import REPO
from harness.producer.faults import Fault
from harness.report.bundle import read_document
from harness.report.messages import untranslated_words

SUITES = str(REPO / "testsuites")


def run(pytester: pytest.Pytester, out: str, *args: str) -> dict:
    pytester.inline_run(SUITES, "--report-dir", out, *args)
    return read_document(pytester.path / out)


def test_every_no_answer_is_a_deviation_declared_or_not(pytester: pytest.Pytester) -> None:
    document = run(pytester, "leaky", "--embedded-fault", "leaky-fault", "-k", "log_id", "--lang", "en")
    answers = {a["check"]: a["answer"] for s in document["sjd"] for a in s["answers"]}
    assert answers["rivta.fault-log-id"] == "no"
    (deviation,) = document["deviations"]
    assert (deviation["check"], deviation["level"], deviation["status"]) == (
        "rivta.fault-log-id", "recommended", "undeclared",
    )  # fmt: skip
    assert document["outcome"] != "deviations not declared", "a recommended check does not block"
    page = (pytester.path / "leaky/self-declaration.html").read_text(encoding="utf-8")
    deviations = page.split('<section id="deviations">')[1].split("</section>")[0]
    assert "No deviations declared or observed." not in deviations
    assert "rivta.fault-log-id" in deviations
    assert "Recommended" in deviations
    assert 'id="summary"' in page
    assert "rivta.fault-log-id" not in page.split('<section id="summary">')[1].split('id="verification-object"')[0]

    declaration = pytester.makefile(
        ".toml",
        decl='[[deviations]]\ncheck = "rivta.fault-log-id"\nstatus = "new"\nmotivation = "log ids come in 4.3"\n',
    )
    declared = run(
        pytester, "declared", "--embedded-fault", "leaky-fault", "-k", "log_id", "--declaration", str(declaration)
    )
    (deviation,) = declared["deviations"]
    assert (deviation["status"], deviation["motivation"]) == ("new", "log ids come in 4.3")


def _page_texts(page: str) -> list[str]:
    from lxml import html

    tree = html.fromstring(page)
    selectors = ("//ul[@class='findings']/li", "//p[@class='message']", "//div[@class='warnings']//li")
    texts = [element.text_content().strip() for selector in selectors for element in tree.xpath(selector)]
    texts += [element.text_content() for element in tree.xpath("//div[@class='banner-incomplete']")]
    return [text for text in texts if text]


@pytest.mark.parametrize(
    "arguments",
    [
        *(["--embedded-fault", fault.value] for fault in Fault),
        ["--testdata", "empty.toml", "--declaration", "empty.toml", "-k", "GetClinicalNotes or ping"],
        ["--set", "patientId/extension=198507142381", "-k", "one_soap11_body"],
    ],
    ids=lambda arguments: arguments[1] if arguments[0] == "--embedded-fault" else arguments[0].lstrip("-"),
)
def test_swedish_report_has_no_english_findings_messages_or_warnings(
    pytester: pytest.Pytester, arguments: list[str]
) -> None:
    pytester.makefile(".toml", empty="")
    extra = ["--sla-seconds", "1", "-k", "sla"] if Fault.SLOW.value in arguments else []
    document = run(pytester, "sv", "--lang", "sv", *arguments, *extra)
    texts = _page_texts((pytester.path / "sv/self-declaration.html").read_text(encoding="utf-8"))
    assert texts, "the run produced findings, messages or warnings to check"
    left = {text: untranslated_words(text) for text in texts if untranslated_words(text)}
    assert left == {}
    recorded = {c["message"] for c in document["checks"]} | {f for c in document["checks"] for f in c["findings"]}
    assert any(text not in recorded | set(document["warnings"]) for text in texts), "the JSON keeps the English"


GCD_FAULTS = (
    None, "ignores-date-filter", "ignores-care-unit-filter", "ignores-healthcare-provider-filter",
    "duplicate-record-ids", "broken-continuation", "ignores-source-system-addressing", "hides-unapproved",
    "mangles-special-characters", "ignores-consumer-blocking", "notfound-as-fault", "ignores-patient-filter",
    "consumer-dependent-answer", "flags-all-unapproved",
)  # fmt: skip


@pytest.mark.parametrize("fault", GCD_FAULTS, ids=lambda fault: fault or "conformant")
def test_swedish_report_of_the_get_care_documentation_suite(pytester: pytest.Pytester, corpus, fault) -> None:
    contract = corpus / "contracts/clinicalprocess_healthcond_description/GetCareDocumentation_3.0"
    arguments = ["--contract", str(contract), "--testdata", str(REPO / "fixtures/testdata/GetCareDocumentation-3.toml")]
    arguments += ["--embedded-fault", fault] if fault else []
    run(pytester, "sv", "--lang", "sv", *arguments)
    texts = _page_texts((pytester.path / "sv/self-declaration.html").read_text(encoding="utf-8"))
    assert texts
    assert {text: untranslated_words(text) for text in texts if untranslated_words(text)} == {}
