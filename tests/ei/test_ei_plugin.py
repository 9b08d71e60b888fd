"""``--ei-mock``: the EI mock serves a pytest run, and its declaration lands beside the producer's."""

from __future__ import annotations

import json

import pytest

from conftest import REPO

pytestmark = pytest.mark.corpus

VENDOR_SYSTEM = """
from pathlib import Path

from harness.certs import TestPki
from tests.ei.consumer import Consumer, Row, result_of


def test_the_source_system_updates_the_index(ei_mock):
    ei_mock.mark("new note for 191212121212")
    consumer = Consumer(ei_mock.url, TestPki.open(Path("{pki}")), ei_mock.mock.rules.update)
    assert result_of(consumer.send([Row()])) == ("OK", None)
    assert result_of(consumer.send([Row(), Row()]))[0] == "ERROR"
    consumer.close()
"""


def test_ei_mock_in_a_producer_run(pytester: pytest.Pytester, ei_release, healthcond_release, monkeypatch) -> None:
    monkeypatch.syspath_prepend(str(REPO))
    pki = pytester.path / "pki"
    pytester.makepyfile(test_vendor=VENDOR_SYSTEM.replace("{pki}", str(pki)))
    result = pytester.runpytest(
        "test_vendor.py", str(REPO / "testsuites"), "-k", "vendor or (sla and GetClinicalNotes)",
        "--ei-mock", str(ei_release), "--ei-domain-rules", str(healthcond_release), "--ei-pki-dir", str(pki),
        "-p", "no:cacheprovider",
    )  # fmt: skip
    result.stdout.fnmatch_lines(["rivta: EI mock (Update 1.0) listening on https://127.0.0.1:*"])
    result.stdout.fnmatch_lines(["EI Update self-declaration: *ei/self-declaration.html (outcome: *)"])
    ei = json.loads((pytester.path / "reports" / "ei" / "self-declaration.json").read_text(encoding="utf-8"))
    answers = {a["check"]: a["answer"] for s in ei["sjd"] for a in s["answers"]}
    assert answers["ei.tf-2.2"] == "no"
    assert answers["ei.tf-2.1"] == "yes"
    producer = json.loads((pytester.path / "reports" / "self-declaration.json").read_text(encoding="utf-8"))
    (table,) = producer["observations"]
    assert table["link"]["href"] == "ei/self-declaration.html"
    (row,) = [r for r in table["rows"] if r[0] == "EI_TF 2.2"]
    assert row[1].startswith("Löpande uppdatering av EI för poster med samma unika nyckel")  # the form's words
    assert row[2] == "no"
    ei_checks = {c["id"]: c["verdict"] for c in producer["checks"] if c["suite"] == "ei"}
    assert ei_checks["ei.tf-2.2"] == "failed"
    assert len(ei_checks) == 10
    assert producer["outcome"] == "deviations not declared"  # the EI rule broken counts in the producer's run
    manifest = json.loads((pytester.path / "reports" / "manifest.json").read_text(encoding="utf-8"))
    assert "ei/self-declaration.json" in {f["path"] for f in manifest["files"]}
    html = (pytester.path / "reports" / "self-declaration.html").read_text(encoding="utf-8")
    assert 'href="ei/self-declaration.html"' in html


def test_bad_ei_release_stops_the_run_in_one_line(pytester: pytest.Pytester, tmp_path) -> None:
    result = pytester.runpytest("--ei-mock", str(tmp_path / "missing"))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.errlines if line.startswith("ERROR:")]
    assert len(errors) == 1
    assert errors[0].startswith(f"ERROR: --ei-mock {tmp_path / 'missing'}: not a folder")
