"""``rivta-harness ei serve|mark|report`` as a real subprocess, called by the scripted consumer."""

from __future__ import annotations

import json
import re
import signal
import subprocess
from pathlib import Path

import pytest

from conftest import start_command
from harness.cli import main
from harness.ei import load_rules
from tests.ei.consumer import Consumer, Row, result_of

pytestmark = pytest.mark.corpus


class _Kit:
    def __init__(self, facts: dict[str, str]) -> None:
        self.consumer_cert = Path(facts["test client cert"])
        self.consumer_key = Path(facts["test client key"])
        self.ca_bundle = Path(facts["trust this CA"])


def start(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    process, lines = start_command("ei", "serve", "--pki-dir", str(tmp_path / "pki"), *args)
    facts: dict[str, str] = {}
    for line in lines:
        if match := re.match(r"EI mock .* listening on (\S+)", line):
            facts["url"] = match[1]
        elif match := re.match(r"\s+(trust this CA|test client cert|test client key|domain rules)\s+(.+)", line):
            facts[match[1]] = match[2].strip()
    return process, facts


def test_serve_mark_report_and_stop(tmp_path, ei_release, healthcond_release, capsys):
    report_dir = tmp_path / "ei-report"
    declaration = tmp_path / "declaration.toml"
    declaration.write_text('[organisation]\nname = "Region Testland"\nnumber = "232100-0000"\n', encoding="utf-8")
    process, facts = start(
        tmp_path, "--contract", str(ei_release), "--domain-rules", str(healthcond_release),
        "--report-dir", str(report_dir), "--lang", "en", "--declaration", str(declaration),
    )  # fmt: skip
    try:
        assert facts["url"].startswith("https://127.0.0.1:")
        assert facts["url"].endswith("/itintegration/engagementindex/Update/1/rivtabp21")
        assert facts["domain rules"] == "riv:clinicalprocess:healthcond:description"
        assert main(["ei", "mark", "new note for 191212121212", "--report-dir", str(report_dir)]) == 0
        assert "mark 1 for 1 person(s)" in capsys.readouterr().out
        consumer = Consumer(facts["url"], _Kit(facts), load_rules(ei_release).update)
        assert result_of(consumer.send([Row()])) == ("OK", None)
        assert result_of(consumer.send([Row(categorization="xyz")]))[0] == "ERROR"
        consumer.close()
        assert main(["ei", "report", "--report-dir", str(report_dir)]) == 0
        assert "outcome: deviations not declared" in capsys.readouterr().out
        assert (report_dir / "self-declaration.html").is_file()
        document = json.loads((report_dir / "self-declaration.json").read_text(encoding="utf-8"))
        assert document["verification_object"]["organisation"]["name"] == "Region Testland"
    finally:
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "call 1 Update (1 engagements): OK" in stdout
    assert "call 2 Update (1 engagements): ERROR breaks ei.tf-1.2" in stdout
    assert "self-declaration:" in stdout
    assert "Traceback" not in stderr
    assert not (report_dir / "control.json").exists()


def test_mark_without_a_running_mock_is_one_line(tmp_path, capsys):
    assert main(["ei", "mark", "x", "--report-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "no running EI mock found" in err
    assert len(err.strip().splitlines()) == 1


def test_unknown_contract_folder_is_one_line(tmp_path, capsys):
    assert main(["ei", "serve", "--contract", str(tmp_path / "nope"), "--pki-dir", str(tmp_path / "pki")]) == 2
    assert "not a folder" in capsys.readouterr().err


def test_vendor_ca_bundle_alone_keeps_the_test_server_certificate(tmp_path, pki, capsys):
    import argparse

    from harness.cli.ei_cmd import _certificates

    def args(**given):
        defaults = {"cert": None, "key": None, "ca_bundle": None, "pki_dir": tmp_path / "pki", "host": "127.0.0.1"}
        return argparse.Namespace(**{**defaults, **given})

    certificates, trust, client = _certificates(args(ca_bundle=pki.ca_bundle))
    assert certificates.client_ca == pki.ca_bundle  # the vendor's CAs decide who may call
    assert trust == tmp_path / "pki" / trust.name  # our test CA is what the vendor trusts
    assert client is None
    _, _, client = _certificates(args())
    assert client is not None
    assert main(["ei", "serve", "--contract", str(tmp_path), "--cert", str(pki.producer_cert)]) == 2
    assert "--cert and --key need --ca-bundle too" in capsys.readouterr().err
