"""Stage 6b: the report bundle on disk: JSON, HTML, evidence files, and the manifest that binds them.

    <report-dir>/
      self-declaration.json       the primary artefact (validated against the published schema)
      self-declaration.html       one self-contained file rendered from the JSON
      self-declaration.pdf        optional, ``rivta-harness report pdf``
      evidence/NNN-<check>.json   the recorded exchanges behind each verdict
      manifest.json               sha256 of every file above
      manifest.json.jws           optional detached signature, ``rivta-harness report sign``

A new run replaces the previous bundle in the folder, so a stale evidence file can never be
listed in a fresh manifest.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from harness.contracts import Contract
from harness.declaration import Declaration
from harness.errors import ReportError
from harness.report.load import write_load_evidence
from harness.report.model import Form, RunFacts, build_document

DOCUMENT = "self-declaration.json"
HTML = "self-declaration.html"
PDF = "self-declaration.pdf"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.jws"
EVIDENCE = "evidence"
MANIFEST_FORMAT = "rivta-harness-manifest-1"
_BUNDLE_FILES = (DOCUMENT, HTML, PDF, MANIFEST, SIGNATURE)


def schema() -> dict[str, Any]:
    """The published JSON Schema of the self-declaration."""
    text = resources.files("harness.report").joinpath("schema/self-declaration-1.0.schema.json").read_text("utf-8")
    return json.loads(text)  # type: ignore[no-any-return]


def validate_document(document: Mapping[str, Any]) -> None:
    """Raise ReportError when a document does not follow the schema (never written, never trusted)."""
    errors = sorted(jsonschema.Draft202012Validator(schema()).iter_errors(document), key=lambda e: list(e.path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.path) or "(document)"
        raise ReportError(f"self-declaration does not follow its schema at {where}: {first.message}")


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9.]+", "-", text).strip("-")[:80]


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def write_bundle(
    report_dir: Path,
    results: Sequence[Mapping[str, Any]],
    contracts: Sequence[Contract],
    declaration: Declaration,
    facts: RunFacts,
    *,
    form: Form | None = None,
) -> dict[str, Any]:
    """Write evidence, JSON, HTML and manifest; return the document (``form``: which declaration)."""
    from harness.report.html import render_html

    try:
        report_dir.mkdir(parents=True, exist_ok=True)
        for name in _BUNDLE_FILES:
            (report_dir / name).unlink(missing_ok=True)
        shutil.rmtree(report_dir / EVIDENCE, ignore_errors=True)
        (report_dir / EVIDENCE).mkdir()
        evidence_paths: dict[int, str] = {}
        evidence: dict[str, list[dict[str, Any]]] = {}
        for index, result in enumerate(results):
            base = f"{EVIDENCE}/{index + 1:03d}-{_slug(result['check'])}-{_slug(result['contract'])}"
            if (result.get("measurements") or {}).get("load"):
                write_load_evidence(report_dir, base, result["measurements"]["load"])
            if not result.get("exchanges"):
                continue
            relative = f"{base}.json"
            _write_json(
                report_dir / relative,
                {"check": result["check"], "contract": result["contract"], "exchanges": result["exchanges"]},
            )
            evidence_paths[index] = relative
            evidence[relative] = list(result["exchanges"])
        document = build_document(results, contracts, declaration, facts, evidence_paths, form=form)
        validate_document(document)
        _write_json(report_dir / DOCUMENT, document)
        (report_dir / HTML).write_text(render_html(document, evidence, lang=facts.language), encoding="utf-8")
        write_manifest(report_dir)
    except OSError as exc:
        raise ReportError(f"--report-dir {report_dir}: cannot write the report ({exc.strerror or exc})") from None
    return document


def bundle_files(report_dir: Path) -> list[str]:
    """Every file the manifest covers (all but the manifest and its signature), sorted."""
    covered = []
    for path in sorted(report_dir.rglob("*")):
        relative = path.relative_to(report_dir).as_posix()
        if path.is_file() and relative not in (MANIFEST, SIGNATURE):
            covered.append(relative)
    return covered


def write_manifest(report_dir: Path) -> dict[str, Any]:
    """(Re)write manifest.json with the sha256 of every covered file."""
    manifest = {
        "format": MANIFEST_FORMAT,
        "created_at": datetime.now(UTC).isoformat(),
        "run": _run_statement(report_dir),
        "files": [
            {
                "path": relative,
                "sha256": sha256_file(report_dir / relative),
                "size": (report_dir / relative).stat().st_size,
            }
            for relative in bundle_files(report_dir)
        ],
    }
    _write_json(report_dir / MANIFEST, manifest)
    (report_dir / SIGNATURE).unlink(missing_ok=True)
    return manifest


def _run_statement(report_dir: Path) -> dict[str, Any] | None:
    """The run's outcome and completeness, so whoever signs the manifest signs what the run concluded."""
    if not (report_dir / DOCUMENT).is_file():
        return None
    document = read_document(report_dir)
    return {
        "outcome": document["outcome"],
        "complete": document["run"]["complete"],
        "test_run": bool(document.get("submission", {}).get("test_run", False)),
    }


def read_document(report_dir: Path) -> dict[str, Any]:
    """The self-declaration of a bundle; one-line errors when it is missing or not ours."""
    path = report_dir / DOCUMENT if report_dir.is_dir() else report_dir
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ReportError(
            f"{path}: no such file", hint="give a report folder written by a run (--report-dir)"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ReportError(f"{path}: not a readable self-declaration ({exc})") from None
    if not isinstance(document, dict) or document.get("kind") != "rivta-self-declaration":
        raise ReportError(f"{path}: not a rivta-harness self-declaration")
    return document


def read_evidence(report_dir: Path, document: Mapping[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Evidence files the document links, by relative path."""
    evidence: dict[str, list[dict[str, Any]]] = {}
    for check in document.get("checks", []):
        relative = check.get("evidence")
        if relative and relative not in evidence:
            try:
                evidence[relative] = json.loads((report_dir / relative).read_text(encoding="utf-8"))["exchanges"]
            except (OSError, ValueError, KeyError) as exc:
                raise ReportError(f"{report_dir / relative}: evidence file unreadable ({exc})") from None
    return evidence
