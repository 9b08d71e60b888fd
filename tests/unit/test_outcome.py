"""The headline outcome: never more than the checks showed, and the exit status agrees with it."""

from __future__ import annotations

import pytest

from harness.report.bundle import schema
from harness.report.model import Outcome, outcome_line, run_outcome

CONTRACT = "GetCareDocumentation 3.0 (RIVTABP21)"


def check(verdict: str, *, level: str = "mandatory", suite: str = "generic", contract: str = CONTRACT) -> dict:
    return {"id": "x", "verdict": verdict, "level": level, "suite": suite, "contract": contract}


TK_PASSED = check("passed", suite="tk")
UNDECLARED = {"status": "undeclared"}
DECLARED = {"status": "new"}


@pytest.mark.parametrize(
    ("checks", "deviations", "complete", "outcome", "text"),
    [
        ([TK_PASSED, check("passed")], [], True, Outcome.CONFORMANT, ""),
        ([TK_PASSED, check("failed")], [DECLARED], True, Outcome.CONFORMANT_WITH_DEVIATIONS, "1 declared deviation"),
        ([TK_PASSED, check("manual"), check("manual")], [], True, Outcome.PENDING_REVIEW, "2 mandatory manual checks"),
        ([TK_PASSED, check("manual", level="optional")], [], True, Outcome.CONFORMANT, ""),
        ([check("passed")], [], True, Outcome.GENERIC_RULES_ONLY, f"no TK suite for {CONTRACT} ran"),
        ([check("passed"), check("not tested", suite="tk")], [], True, Outcome.INCOMPLETE,
         f"1 mandatory check not tested; no TK suite for {CONTRACT} ran"),
        ([TK_PASSED, check("not tested", level="optional")], [], True, Outcome.CONFORMANT, ""),
        ([TK_PASSED, check("error")], [], True, Outcome.INCOMPLETE, "1 check could not run"),
        ([TK_PASSED], [], False, Outcome.INCOMPLETE, "not every planned check ran"),
        ([TK_PASSED, check("failed")], [UNDECLARED], True, Outcome.DEVIATIONS_NOT_DECLARED,
         "1 mandatory check failed without a declared deviation"),
    ],
)  # fmt: skip
def test_each_outcome(checks: list, deviations: list, complete: bool, outcome: Outcome, text: str) -> None:
    found = run_outcome(checks, deviations, [CONTRACT], complete=complete)
    assert found["outcome"] is outcome
    assert found["detail"]["text"]["en"] == text
    assert bool(found["detail"]["text"]["sv"]) == bool(text)


def test_a_tk_suite_must_run_for_every_contract() -> None:
    other = "GetDiagnosis 2.0 (RIVTABP21)"
    found = run_outcome([TK_PASSED, check("passed", contract=other)], [], [CONTRACT, other], complete=True)
    assert found["outcome"] is Outcome.GENERIC_RULES_ONLY
    assert found["detail"]["contracts_without_tk_suite"] == [other]


def test_only_outcomes_that_stand_pass() -> None:
    assert {o for o in Outcome if o.passes} == {
        Outcome.CONFORMANT,
        Outcome.CONFORMANT_WITH_DEVIATIONS,
        Outcome.PENDING_REVIEW,
    }


def test_the_schema_enumerates_exactly_these_outcomes() -> None:
    assert set(schema()["properties"]["outcome"]["enum"]) == {o.value for o in Outcome}


def test_outcome_line() -> None:
    document = {"outcome": "pending review", "outcome_detail": {"text": {"en": "1 mandatory manual check", "sv": "x"}}}
    assert outcome_line(document) == "pending review (1 mandatory manual check)"
    assert outcome_line({"outcome": "conformant", "outcome_detail": {"text": {"en": ""}}}) == "conformant"
