"""The README's EI section stays true to the code."""

from __future__ import annotations

from conftest import REPO
from harness.ei.questions import QUESTIONS

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_every_question_is_documented_with_its_form_reference() -> None:
    for text in QUESTIONS:
        row = next(line for line in README.splitlines() if line.startswith(f"| `{text.question.value}` |"))
        assert (text.tf or text.section) in row
