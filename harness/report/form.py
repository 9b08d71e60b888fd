"""The contract's own self-declaration form, answered from the run (stage 7).

When a contract's release holds ``docs/SjD_TP_<Contract>_<m.n>.docx``, the report follows that
form: its section numbers and question texts, read from the vendor's release at run time
(``harness.sjdform``), never copied into the project. Each yes/no question is answered from the
verdicts of the checks that back it — those whose TF number the question names (preferring the
checks of the question's own section), or, for questions without a TF, the check a phrase of
the question points at — with links to their evidence. Questions about the TK suite itself are
answered from the run; the rest are "to be answered by the vendor", with the text the
declaration gives for them (``[[answers]]``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from harness.checks.catalogue import Suite
from harness.contracts import Contract
from harness.declaration import Declaration
from harness.results import Verdict
from harness.sjdform import SjdForm, SjdQuestion, SjdSection, find_form, read_form

# Questions without a TF number that a check answers: (phrase in the question, check id).
_PHRASES = (
    ("logiskt adresseras", "rivta.source-system-addressing"),
    ("oavsett tjänstekonsument", "tk.gcd3.7.3"),
)
# Questions that ask whether something *can be configured*: for the vendor, whatever its TF number.
_CONFIGURABILITY = ("kan konfigureras", "är konfigurerbar")
_PREVIOUS_YES = ("om ja", 'om "ja"', "om ”ja”")


def form_for(contract: Contract) -> tuple[SjdForm, Path] | None:
    """The contract's producer form from its release, or None (generic layout)."""
    path = find_form(contract.package, contract.name, contract.version)
    return None if path is None else (read_form(path), path)


def answer_form(
    contract: Contract,
    form: SjdForm,
    source: Path,
    checks: Sequence[Mapping[str, Any]],
    declaration: Declaration,
) -> dict[str, Any]:
    """The form in report form: every section and question, answered where the run or declaration can."""
    own = [c for c in checks if c["contract"] == contract.key]
    answered = _Answerer(contract, own, declaration)
    sections = [
        {"number": section.number, "title": section.title, "questions": answered.section(section)}
        for section in form.sections
        if section.number.split(".")[0] == "2" and (section.questions or section.number.count(".") == 1)
    ]
    return {
        "contract": contract.key,
        "title": form.title,
        "source": {"file": source.name, "sha256": hashlib.sha256(source.read_bytes()).hexdigest()},
        "sections": sections,
    }


class _Answerer:
    def __init__(self, contract: Contract, checks: Sequence[Mapping[str, Any]], declaration: Declaration) -> None:
        self.contract = contract
        self.checks = checks
        self.declaration = declaration

    def section(self, section: SjdSection) -> list[dict[str, Any]]:
        answers: list[dict[str, Any]] = []
        for question in section.questions:
            answers.append(self.question(section, question, answers[-1] if answers else None))
        return answers

    def question(
        self, section: SjdSection, question: SjdQuestion, previous: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        entry: dict[str, Any] = {"text": question.text, "kind": question.kind, "tf": list(question.tf)}
        declared = self.declaration.answer_for(section.number, question.text)
        backing = self._backing(section, question)
        if question.kind == "yes_no" and backing:
            return {**entry, **_from_checks(backing), "origin": "checks"}
        run_answer = self._from_run(section, question, previous)
        if run_answer is not None:
            return {**entry, **run_answer, "origin": "run"}
        if declared is not None:
            return {**entry, "answer": declared.answer, "value": declared.text or None, "checks": [],
                    "origin": "declaration"}  # fmt: skip
        if question.kind == "text":
            observed = self._observed_text(section, question)
            return {**entry, **observed, "origin": "vendor" if observed["answer"] == "vendor" else "run"}
        return {**entry, "answer": "vendor", "value": None, "checks": [], "origin": "vendor"}

    def _backing(self, section: SjdSection, question: SjdQuestion) -> list[Mapping[str, Any]]:
        if any(claim in question.text.lower() for claim in _CONFIGURABILITY):
            return []  # a check observes behaviour, not what the product can be configured to do
        if question.tf:
            covered = [c for c in self.checks if c["tf"] and question.covers(c["tf"])]
            in_section = [c for c in covered if c["sjd_section"] == section.number]
            return in_section or covered
        text = question.text.lower()
        wanted = {check for phrase, check in _PHRASES if phrase in text}
        return [c for c in self.checks if c["id"] in wanted]

    def _from_run(
        self, section: SjdSection, question: SjdQuestion, previous: Mapping[str, Any] | None
    ) -> dict[str, Any] | None:
        """Questions about the TK suite and the verification object, answered from what the run knows."""
        text = question.text.lower()
        tk = [c for c in self.checks if c["suite"] == Suite.TK.value]
        if "svarstid" in text and question.kind == "yes_no":
            sla = [c for c in self.checks if c["id"] == "rivta.sla"]
            figures = sla[0]["measurements"].get("answers") if sla else None
            if figures and figures.get("calls"):
                value = (f"measured in this run over {figures['calls']} answers: average {figures['average_s']} s, "
                         f"95th percentile {figures['p95_s']} s, max {figures['max_s']} s")  # fmt: skip
                return {"answer": "vendor", "value": value, "checks": _links(sla)}
            return None
        if section.number.startswith("2.1.1"):
            value = self.declaration.organisation if "nummer" not in text else self.declaration.organisation_number
            return {"answer": "text", "value": value or None, "checks": []} if value else None
        if not section.title.lower().startswith("tk-testsvit"):
            return None
        if text.startswith(_PREVIOUS_YES):
            if previous is None or previous.get("answer") != "yes":
                return {"answer": "not applicable", "value": None, "checks": []}
            return {"answer": "yes", "value": "the report lists each such result with its evidence", "checks": []}
        if "har genomförts" in text:
            ran = [c for c in tk if c["verdict"] in (Verdict.PASSED, Verdict.FAILED, Verdict.MANUAL)]
            return {"answer": "yes" if ran else "no", "value": f"{len(ran)} of {len(tk)} TK cases ran", "checks": []}
        if "domänversion" in text:
            release = self.contract.domain_release
            return {"answer": "text", "value": release, "checks": []} if release else None
        if "icke förväntat resultat" in text:
            failed = [c for c in tk if c["verdict"] == Verdict.FAILED]
            return {"answer": "yes" if failed else "no", "value": None, "checks": _links(failed)}
        if "schematron" in text:
            schema = [c for c in self.checks if c["verdict"] == Verdict.FAILED
                      and (c["id"] == "rivta.response-schema" or any("Schematron:" in f for f in c["findings"]))]  # fmt: skip
            return {"answer": "yes" if schema else "no", "value": None, "checks": _links(schema)}
        if "bifogats" in text:
            return {"answer": "yes", "value": "evidence/ and self-declaration.json of this bundle", "checks": []}
        return None

    def _observed_text(self, section: SjdSection, question: SjdQuestion) -> dict[str, Any]:
        """'Beskrivning av eventuella avvikelser': the section's failed checks, with any declared motivation."""
        if "avvikelse" not in question.text.lower():
            return {"answer": "vendor", "value": None, "checks": []}
        failed = [c for c in self.checks if c["sjd_section"] == section.number and c["verdict"] == Verdict.FAILED]
        if not failed:
            return {"answer": "text", "value": None, "checks": []}
        lines = []
        for check in failed:
            deviation = self.declaration.deviation_for(check["id"])
            motivation = f" — {deviation.motivation}" if deviation else " — not declared"
            lines.append(f"{check['id']}: {check['message'].splitlines()[0]}{motivation}")
        return {"answer": "text", "value": "\n".join(lines), "checks": _links(failed)}


# Worst first: one failed backing check makes the answer "no"; "yes" needs every one passed.
_PRECEDENCE = (
    (Verdict.FAILED, "no"),
    (Verdict.ERROR, "not tested"),
    (Verdict.MANUAL, "manual"),
    (Verdict.NOT_TESTED, "not tested"),
)


def _from_checks(checks: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    verdicts = {c["verdict"] for c in checks}
    answer = next((word for verdict, word in _PRECEDENCE if verdict in verdicts), None)
    if answer is None:
        answer = "not applicable" if verdicts == {Verdict.NOT_APPLICABLE} else "yes"
    return {"answer": answer, "value": None, "checks": _links(checks)}


def _links(checks: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{"id": c["id"], "verdict": c["verdict"], "evidence": c["evidence"]} for c in checks]
