"""Warnings a vendor can act on: every "Nej" among the deviations, messages in the report's language."""

from __future__ import annotations

import pytest

from conftest import REPO
from harness.report.bundle import read_document

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
