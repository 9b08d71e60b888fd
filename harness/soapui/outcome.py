"""What one assertion or step of a SoapUI case came to, before the case becomes one verdict."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """An assertion's or step's own outcome; ``case_verdict`` folds them into the case's verdict."""

    PASSED = "passed"
    FAILED = "failed"
    MANUAL = "manual"  # not understood or a human must judge: never counted as passed
    NOT_TESTED = "not tested"  # test data missing or unusable
    ERROR = "error"  # the harness could not run it (bad project input, producer unreachable)


@dataclass(frozen=True, slots=True)
class Outcome:
    """One finding: ``where`` names the step and assertion (name and type), ``message`` says what happened."""

    status: Status
    where: str
    message: str
    evidence: str = ""  # the script text of a manual outcome

    def __str__(self) -> str:
        return f"{self.status.value}: {self.where}: {self.message}"


def case_status(outcomes: list[Outcome]) -> Status:
    """Failed beats everything a producer can be blamed for; then error, not tested, manual; else passed.

    A failed assertion fails the case even when other parts were manual or not run; a case with
    nothing failed but something not executed is never passed, nor is a case that judged nothing.
    """
    if not outcomes:
        return Status.NOT_TESTED
    statuses = {o.status for o in outcomes}
    for status in (Status.FAILED, Status.ERROR, Status.NOT_TESTED, Status.MANUAL):
        if status in statuses:
            return status
    return Status.PASSED
