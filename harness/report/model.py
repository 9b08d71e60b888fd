"""Stage 6a: a run's verdicts and evidence → the self-declaration document (plain JSON data).

The JSON is the primary artefact: the HTML and PDF are renderings of it, ``report diff``
compares two of them, and ``report verify`` proves it unchanged. It follows the structure of
Inera's självdeklaration template (verification object, selection criteria, error handling,
encoding, approvedForPatient, access filtering, SLA, deviations), in our own words, and
every answer points at the checks and the recorded exchanges behind it.
"""

from __future__ import annotations

import platform
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from harness import __version__, personnummer
from harness.checks.catalogue import CATALOGUE, CheckSpec, Level, Suite, spec_of
from harness.checks.timing import latency_figures
from harness.contracts import Contract
from harness.declaration import Declaration
from harness.report.form import answer_form, form_for
from harness.report.load import sla_comment
from harness.report.submission import submission
from harness.results import Verdict

SCHEMA_VERSION = "1.0"
ANSWER_BY_VERDICT = {
    Verdict.PASSED: "yes",
    Verdict.FAILED: "no",
    Verdict.NOT_APPLICABLE: "not applicable",
    Verdict.NOT_TESTED: "not tested",
    Verdict.MANUAL: "manual",
    Verdict.ERROR: "not tested",
}

# Self-declaration sections in template order: (number, Swedish title, English title).
SJD_SECTIONS = (
    ("2.2.1", "Inparametrar och tjänstens funktion", "Request parameters and selection"),
    ("2.2.2", "Obligatoriska fält", "Mandatory fields"),
    ("2.2.3", "Felhantering", "Error handling"),
    ("2.3.1", "Teckenkodning", "Character encoding"),
    (
        "2.3.3",
        "Vårdgivares spärr för invånare (approvedForPatient)",
        "Care provider's block for citizens (approvedForPatient)",
    ),
    ("2.4.8", "Åtkomstfiltrering", "Access filtering"),
    ("2.4.9", "Informationskonsekvens", "Information consistency"),
    ("2.5.2", "SLA-krav", "SLA requirements"),
    ("2.5.3", "Obehörig åtkomst", "Unauthorised access"),
    ("2.7", "Övrigt", "Other"),
)
_SERIAL_NUMBER = re.compile(r"(?:serialNumber|2\.5\.4\.5)=([^,]+)")


@dataclass(frozen=True, slots=True)
class RunFacts:
    """Facts about the run that are not in the per-check results."""

    started_at: datetime
    finished_at: datetime
    complete: bool
    interruption: str | None
    producer: str
    embedded: bool
    via_ntjp: bool
    logical_address: str
    sla_seconds: float
    language: str
    testdata: Path | None
    testdata_sha256: str | None
    declaration_sha256: str | None


def _contract_entry(contract: Contract) -> dict[str, Any]:
    return {
        "key": contract.key,
        "name": contract.name,
        "version": contract.version,
        "domain": contract.domain,
        "domain_release": contract.domain_release,
        "profile": contract.profile.value,
        "wsdl_namespace": contract.wsdl_namespace,
        "responder_namespace": contract.responder_namespace,
        "soap_action": contract.operation.soap_action,
        "package": str(contract.package),
        "files": [{"path": f.relative, "sha256": f.sha256, "size": f.size} for f in contract.files],
        "warnings": [str(w) for w in contract.warnings],
    }


def _check_entry(result: Mapping[str, Any], spec: CheckSpec, evidence: str | None) -> dict[str, Any]:
    return {
        "id": spec.id,
        "contract": result["contract"],
        "title": {"sv": spec.title_sv, "en": spec.title_en},
        "rule": spec.rule,
        "source": spec.source,
        "level": spec.level.value,
        "suite": spec.suite.value,
        "sjd_section": spec.sjd_section,
        "tf": spec.tf or None,
        "verdict": result["verdict"],
        "message": result.get("message", ""),
        "findings": list(result.get("findings", [])),
        "duration_s": round(float(result.get("duration", 0.0)), 3),
        "evidence": evidence,
        "exchange_count": len(result.get("exchanges", [])),
        "measurements": dict(result.get("measurements") or {}),
    }


_FAULT_KINDS = ("soap-fault", "ntjp-platform-fault")


def _sla(results: Iterable[Mapping[str, Any]], limit: float) -> dict[str, Any]:
    """SLA figures over every answered exchange of the run, each counted once, faults apart."""
    unique: dict[tuple[str, str, str], Mapping[str, Any]] = {}
    for result in results:
        for exchange in result.get("exchanges", []):
            if exchange.get("status") is not None:
                unique.setdefault((exchange["started_at"], exchange["label"], exchange["url"]), exchange)
    answers, faults = [], []
    for exchange in unique.values():
        outcome = exchange.get("outcome") or {}
        (faults if outcome.get("kind") in _FAULT_KINDS else answers).append(exchange["timing_ms"]["total"] / 1000)
    return {"limit_s": limit, **latency_figures(answers, limit), "faults": latency_figures(faults, limit)}


def _deviations(checks: Sequence[Mapping[str, Any]], declaration: Declaration) -> list[dict[str, Any]]:
    found = []
    for check in checks:
        declared = declaration.deviation_for(check["id"])
        # Every "Nej" is a deviation, recommended and optional ones too; only mandatory ones block (run_outcome).
        if check["verdict"] == Verdict.FAILED:
            found.append(
                {
                    "check": check["id"],
                    "contract": check["contract"],
                    "status": declared.status if declared else "undeclared",
                    "case": declared.case if declared else None,
                    "motivation": declared.motivation if declared else None,
                    "level": check["level"],
                }
            )
    seen = {(d["check"]) for d in found}
    for declared in declaration.deviations:
        if declared.check not in seen:
            found.append(
                {
                    "check": declared.check,
                    "contract": None,
                    "status": f"{declared.status} (not observed)",
                    "case": declared.case or None,
                    "motivation": declared.motivation,
                    "level": CATALOGUE[declared.check].level.value if declared.check in CATALOGUE else None,
                }
            )
    return found


@dataclass(frozen=True, slots=True)
class Form:
    """Which self-declaration form a document fills: the producer's unless told otherwise.

    The EI Update declaration (``harness.ei``) brings its own title, sections and answer words,
    and tables of what the mock observed; ``observations`` may also carry a link to another
    report of the same run.
    """

    title: Mapping[str, str] | None = None
    sections: Sequence[tuple[str, str, str]] = SJD_SECTIONS
    answers: Mapping[Verdict, str] = field(default_factory=lambda: dict(ANSWER_BY_VERDICT))
    observations: Sequence[Mapping[str, Any]] = ()
    warnings: Sequence[str] = ()


def _sjd(checks: Sequence[Mapping[str, Any]], form: Form) -> list[dict[str, Any]]:
    sections = []
    for number, title_sv, title_en in form.sections:
        answers = [
            {
                "check": check["id"],
                "contract": check["contract"],
                "question": check["title"],
                "tf": check["tf"],
                "answer": form.answers[Verdict(check["verdict"])],
                "verdict": check["verdict"],
                **({"comment": comment} if (comment := sla_comment(check)) else {}),
            }
            for check in checks
            if check["sjd_section"] == number
        ]
        if answers:
            sections.append({"section": number, "title": {"sv": title_sv, "en": title_en}, "answers": answers})
    return sections


def _warnings(
    contracts: Sequence[Contract], results: Sequence[Mapping[str, Any]], synthetic: frozenset[str] = frozenset()
) -> list[str]:
    warnings = [f"{c.key}: {w}" for c in contracts for w in c.warnings]
    real = set()
    for result in results:
        for exchange in result.get("exchanges", []):
            for part in ("request_body", "response_body"):
                real.update(personnummer.real_looking_identities(exchange[part].get("text", ""), synthetic))
    warnings += [
        f"evidence holds {personnummer.mask(identity)}, a valid personal identity number outside Skatteverket's "
        "test series (birth numbers 980-999): test data must be synthetic; if it is your own synthetic identity, "
        "list it under synthetic_identities in the declaration"
        for identity in sorted(real)
    ]
    return warnings


class Outcome(StrEnum):
    """The run's headline, from the worst thing the checks showed; never more than they showed."""

    DEVIATIONS_NOT_DECLARED = "deviations not declared"
    INCOMPLETE = "incomplete"
    GENERIC_RULES_ONLY = "generic rules only"
    PENDING_REVIEW = "pending review"
    CONFORMANT_WITH_DEVIATIONS = "conformant with declared deviations"
    CONFORMANT = "conformant"

    @property
    def passes(self) -> bool:
        """True when nothing the run showed stands against the producer (exit status 0)."""
        return self in (Outcome.CONFORMANT, Outcome.CONFORMANT_WITH_DEVIATIONS, Outcome.PENDING_REVIEW)


_TK_RAN = (Verdict.PASSED, Verdict.FAILED, Verdict.MANUAL)
_OWN_SUITES = (Suite.TK, Suite.EI)  # the EI mock's rules are EI Update's own test suite


def _count(n: int, sv: tuple[str, str], en: tuple[str, str]) -> tuple[str, str]:
    return f"{n} {sv[0] if n == 1 else sv[1]}", f"{n} {en[0] if n == 1 else en[1]}"


def run_outcome(
    checks: Sequence[Mapping[str, Any]],
    deviations: Sequence[Mapping[str, Any]],
    contracts: Sequence[str],
    *,
    complete: bool,
) -> dict[str, Any]:
    """``{"outcome": Outcome, "detail": {"text": {sv, en}, "counts": {...}}}`` for checks in report form.

    "conformant" needs every mandatory check of every selected contract passed (or declared as
    a deviation) and a TK suite that ran for each contract. A manual mandatory check makes the
    run "pending review", a mandatory check that was not tested (or errored, or never ran)
    makes it "incomplete", a contract whose TK suite did not run makes it "generic rules only".
    """
    mandatory = [c for c in checks if c["level"] == Level.MANDATORY.value]
    counts = {
        "undeclared_deviations": sum(
            1
            for d in deviations
            if d["status"] == "undeclared" and d.get("level", "mandatory") == Level.MANDATORY.value
        ),
        "errors": sum(1 for c in checks if c["verdict"] == Verdict.ERROR),
        "mandatory_not_tested": sum(1 for c in mandatory if c["verdict"] == Verdict.NOT_TESTED),
        "mandatory_manual": sum(1 for c in mandatory if c["verdict"] == Verdict.MANUAL),
        "declared_deviations": sum(1 for d in deviations if d["status"] in ("approved", "new")),
    }
    without_tk = [
        key
        for key in contracts
        if not any(c["contract"] == key and c["suite"] in _OWN_SUITES and c["verdict"] in _TK_RAN for c in checks)
    ]
    parts: list[tuple[str, str]] = []
    if counts["undeclared_deviations"]:
        outcome = Outcome.DEVIATIONS_NOT_DECLARED
        parts.append(
            _count(
                counts["undeclared_deviations"],
                ("obligatorisk kontroll underkänd", "obligatoriska kontroller underkända"),
                ("mandatory check failed", "mandatory checks failed"),
            )
        )
        parts[-1] = (f"{parts[-1][0]} utan deklarerad avvikelse", f"{parts[-1][1]} without a declared deviation")
    elif not complete or counts["errors"] or counts["mandatory_not_tested"]:
        outcome = Outcome.INCOMPLETE
    elif without_tk:
        outcome = Outcome.GENERIC_RULES_ONLY
    elif counts["mandatory_manual"]:
        outcome = Outcome.PENDING_REVIEW
    elif counts["declared_deviations"]:
        outcome = Outcome.CONFORMANT_WITH_DEVIATIONS
    else:
        outcome = Outcome.CONFORMANT
    if outcome is Outcome.INCOMPLETE or outcome is Outcome.DEVIATIONS_NOT_DECLARED:
        if not complete:
            parts.append(("alla planerade kontroller kördes inte", "not every planned check ran"))
        if counts["mandatory_not_tested"]:
            parts.append(
                _count(
                    counts["mandatory_not_tested"],
                    ("obligatorisk kontroll ej testad", "obligatoriska kontroller ej testade"),
                    ("mandatory check not tested", "mandatory checks not tested"),
                )
            )
        if counts["errors"]:
            parts.append(
                _count(counts["errors"], ("kontroll kunde inte köras", "kontroller kunde inte köras"),
                       ("check could not run", "checks could not run"))
            )  # fmt: skip
    if outcome is Outcome.GENERIC_RULES_ONLY or (outcome is Outcome.INCOMPLETE and without_tk):
        names = ", ".join(without_tk)
        parts.append((f"ingen TK-testsvit kördes för {names}", f"no TK suite for {names} ran"))
    if outcome is Outcome.PENDING_REVIEW:
        parts.append(
            _count(
                counts["mandatory_manual"],
                ("obligatorisk manuell kontroll att granska", "obligatoriska manuella kontroller att granska"),
                ("mandatory manual check", "mandatory manual checks"),
            )
        )
    if outcome is Outcome.CONFORMANT_WITH_DEVIATIONS:
        parts.append(
            _count(counts["declared_deviations"], ("deklarerad avvikelse", "deklarerade avvikelser"),
                   ("declared deviation", "declared deviations"))
        )  # fmt: skip
    counts["contracts_without_tk_suite"] = len(without_tk)
    return {
        "outcome": outcome,
        "detail": {
            "text": {"sv": "; ".join(p[0] for p in parts), "en": "; ".join(p[1] for p in parts)},
            "counts": counts,
            "contracts_without_tk_suite": without_tk,
        },
    }


def _forms(
    contracts: Sequence[Contract], checks: Sequence[Mapping[str, Any]], declaration: Declaration
) -> list[dict[str, Any]]:
    """Each contract whose release holds its self-declaration form, answered (see ``harness.report.form``)."""
    forms = []
    for contract in contracts:
        found = form_for(contract)
        if found is not None:
            forms.append(answer_form(contract, found[0], found[1], checks, declaration))
    return forms


def outcome_line(document: Mapping[str, Any], lang: str = "en") -> str:
    """``incomplete (3 mandatory checks not tested)``: the headline as one line."""
    detail = document.get("outcome_detail", {}).get("text", {}).get(lang, "")
    return f"{document['outcome']} ({detail})" if detail else str(document["outcome"])


def _certificate_from_evidence(results: Sequence[Mapping[str, Any]]) -> tuple[dict[str, Any] | None, str | None]:
    for result in results:
        for exchange in result.get("exchanges", []):
            tls = exchange.get("tls")
            if tls and tls.get("peer_chain") and tls.get("client_certificate"):
                return tls["peer_chain"][0], tls["client_certificate"]
    return None, None


def build_document(
    results: Sequence[Mapping[str, Any]],
    contracts: Sequence[Contract],
    declaration: Declaration,
    facts: RunFacts,
    evidence_paths: Mapping[int, str],
    *,
    form: Form | None = None,
) -> dict[str, Any]:
    """The self-declaration as JSON-ready data (validated against the published schema by the writer)."""
    form = form or Form()
    checks = [_check_entry(result, spec_of(result), evidence_paths.get(index)) for index, result in enumerate(results)]
    deviations = _deviations(checks, declaration)
    outcome = run_outcome(checks, deviations, [c.key for c in contracts], complete=facts.complete)
    totals = {verdict.value: sum(1 for c in checks if c["verdict"] == verdict) for verdict in Verdict}
    totals["total"] = len(checks)
    producer_certificate, client_subject = _certificate_from_evidence(results)
    hsa_id = _SERIAL_NUMBER.search(client_subject or "")
    product = declaration.producer_product
    source = declaration.source_system_product
    document = {
        "schema_version": SCHEMA_VERSION,
        "kind": "rivta-self-declaration",
        "harness": {"name": "rivta-harness", "version": __version__, "python": platform.python_version()},
        "run": {
            "started_at": facts.started_at.isoformat(),
            "finished_at": facts.finished_at.isoformat(),
            "complete": facts.complete,
            "interruption": facts.interruption,
            "language": facts.language,
            "testdata": None
            if facts.testdata is None
            else {"path": str(facts.testdata), "sha256": facts.testdata_sha256},
        },
        "verification_object": {
            "organisation": {"name": declaration.organisation, "number": declaration.organisation_number},
            "connection_point": declaration.connection_point,
            "producer_product": None if product is None else {"name": product.name, "version": product.version},
            "source_system_product": None if source is None else {"name": source.name, "version": source.version},
            "environment": declaration.environment,
            "contact": {"name": declaration.contact_name, "email": declaration.contact_email},
            "declaration": None
            if declaration.source is None
            else {"path": str(declaration.source), "sha256": facts.declaration_sha256},
        },
        "producer": {
            "url": facts.producer,
            "embedded": facts.embedded,
            "via_ntjp": facts.via_ntjp,
            "logical_address": facts.logical_address,
            "certificate": producer_certificate,
        },
        "client_certificate": None
        if client_subject is None
        else {"subject": client_subject, "hsa_id": hsa_id.group(1) if hsa_id else None},
        "contracts": [_contract_entry(c) for c in contracts],
        "checks": checks,
        "sjd": _sjd(checks, form),
        "sla": _sla(results, facts.sla_seconds),
        "deviations": deviations,
        "warnings": _warnings(contracts, results, declaration.synthetic_identities) + list(form.warnings),
        "totals": totals,
        "outcome": outcome["outcome"].value,
        "outcome_detail": outcome["detail"],
        "sjd_forms": _forms(contracts, checks, declaration),
        "submission": submission(
            declaration,
            embedded=facts.embedded,
            url=facts.producer,
            producer_certificate=producer_certificate,
            client_subject=client_subject,
        ),
    }
    if form.title:
        document["title"] = dict(form.title)
    if form.observations:
        document["observations"] = [dict(table) for table in form.observations]
    return document
