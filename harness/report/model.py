"""Stage 6a: a run's verdicts and evidence → the self-declaration document (plain JSON data).

The JSON is the primary artefact: the HTML and PDF are renderings of it, ``report diff``
compares two of them, and ``report verify`` proves it unchanged. It follows the structure of
Inera's självdeklaration template (verification object, selection criteria, error handling,
encoding, approvedForPatient, access filtering, SLA, deviations), in our own words, and
every answer points at the checks and the recorded exchanges behind it.
"""

from __future__ import annotations

import math
import platform
import re
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from harness import __version__, personnummer
from harness.checks.catalogue import CATALOGUE, CheckSpec, Level
from harness.contracts import Contract
from harness.declaration import Declaration
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
_DOMAIN_RELEASE = re.compile(r"_(\d+\.\d+(?:\.\d+)?(?:_RC\d+)?)$")
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
    release = _DOMAIN_RELEASE.search(contract.package.name.removesuffix(".zip"))
    return {
        "key": contract.key,
        "name": contract.name,
        "version": contract.version,
        "domain": contract.domain,
        "domain_release": release.group(1) if release else None,
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
        "sjd_section": spec.sjd_section,
        "tf": spec.tf or None,
        "verdict": result["verdict"],
        "message": result.get("message", ""),
        "findings": list(result.get("findings", [])),
        "duration_s": round(float(result.get("duration", 0.0)), 3),
        "evidence": evidence,
        "exchange_count": len(result.get("exchanges", [])),
    }


def _percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    index = max(0, math.ceil(fraction * len(ordered)) - 1)
    return ordered[index]


def _sla(results: Iterable[Mapping[str, Any]], limit: float) -> dict[str, Any]:
    seconds = [
        exchange["timing_ms"]["total"] / 1000
        for result in results
        for exchange in result.get("exchanges", [])
        if exchange.get("status") is not None
    ]
    if not seconds:
        return {"limit_s": limit, "calls": 0, "average_s": None, "max_s": None, "p95_s": None, "over_limit": 0}
    return {
        "limit_s": limit,
        "calls": len(seconds),
        "average_s": round(statistics.mean(seconds), 4),
        "max_s": round(max(seconds), 4),
        "p95_s": round(_percentile(seconds, 0.95), 4),
        "over_limit": sum(1 for s in seconds if s > limit),
    }


def _deviations(checks: Sequence[Mapping[str, Any]], declaration: Declaration) -> list[dict[str, Any]]:
    found = []
    for check in checks:
        declared = declaration.deviation_for(check["id"])
        failed_mandatory = check["verdict"] == Verdict.FAILED and check["level"] == Level.MANDATORY.value
        if failed_mandatory or (declared is not None and check["verdict"] == Verdict.FAILED):
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
                    "level": CATALOGUE[declared.check].level.value,
                }
            )
    return found


def _sjd(checks: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    sections = []
    for number, title_sv, title_en in SJD_SECTIONS:
        answers = [
            {
                "check": check["id"],
                "contract": check["contract"],
                "question": check["title"],
                "tf": check["tf"],
                "answer": ANSWER_BY_VERDICT[Verdict(check["verdict"])],
                "verdict": check["verdict"],
            }
            for check in checks
            if check["sjd_section"] == number
        ]
        if answers:
            sections.append({"section": number, "title": {"sv": title_sv, "en": title_en}, "answers": answers})
    return sections


def _warnings(contracts: Sequence[Contract], results: Sequence[Mapping[str, Any]]) -> list[str]:
    warnings = [f"{c.key}: {w}" for c in contracts for w in c.warnings]
    real = set()
    for result in results:
        for exchange in result.get("exchanges", []):
            for part in ("request_body", "response_body"):
                real.update(personnummer.real_looking_identities(exchange[part].get("text", "")))
    warnings += [
        f"evidence holds {personnummer.mask(identity)}, a valid personal identity number outside Skatteverket's "
        "test series (birth numbers 980-999): test data must be synthetic"
        for identity in sorted(real)
    ]
    return warnings


def _outcome(checks: Sequence[Mapping[str, Any]], deviations: Sequence[Mapping[str, Any]], complete: bool) -> str:
    if not complete or any(c["verdict"] == Verdict.ERROR for c in checks):
        return "incomplete"
    if any(d["status"] == "undeclared" for d in deviations):
        return "deviations not declared"
    if any(d["status"] in ("approved", "new") for d in deviations):
        return "conformant with declared deviations"
    return "conformant"


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
) -> dict[str, Any]:
    """The self-declaration as JSON-ready data (validated against the published schema by the writer)."""
    checks = [
        _check_entry(result, CATALOGUE[result["check"]], evidence_paths.get(index))
        for index, result in enumerate(results)
    ]
    deviations = _deviations(checks, declaration)
    totals = {verdict.value: sum(1 for c in checks if c["verdict"] == verdict) for verdict in Verdict}
    totals["total"] = len(checks)
    producer_certificate, client_subject = _certificate_from_evidence(results)
    hsa_id = _SERIAL_NUMBER.search(client_subject or "")
    product = declaration.producer_product
    source = declaration.source_system_product
    return {
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
        "sjd": _sjd(checks),
        "sla": _sla(results, facts.sla_seconds),
        "deviations": deviations,
        "warnings": _warnings(contracts, results),
        "totals": totals,
        "outcome": _outcome(checks, deviations, facts.complete),
    }
