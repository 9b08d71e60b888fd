"""``rivta-harness producer serve`` as a real subprocess: starts with no arguments, serves, stops cleanly."""

from __future__ import annotations

import re
import signal
import subprocess
import time
from pathlib import Path

from conftest import start_command
from harness.certs import load_client_credentials
from harness.cli import main
from harness.contracts import load_contracts
from harness.contracts.sample import sample_payload
from harness.producer.faults import Fault
from harness.transport.client import RivtaClient


def start(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    process, lines = start_command("producer", "serve", "--pki-dir", str(tmp_path / "pki"), *args)
    facts: dict[str, str] = {}
    for line in lines:
        if match := re.match(r"Reference producer listening on (\S+)", line):
            facts["url"] = match[1]
        elif match := re.match(r"\s+(client cert|client key|CA bundle|logical address)\s+(\S+)", line):
            facts[match[1]] = match[2]
    return process, facts


def test_serve_with_no_arguments_then_sigterm(tmp_path: Path, example_contract) -> None:
    process, facts = start(tmp_path)
    try:
        credentials = load_client_credentials(cert=Path(facts["client cert"]), key=Path(facts["client key"]))
        with RivtaClient(facts["url"], credentials=credentials, ca_bundle=[Path(facts["CA bundle"])]) as client:
            exchange = client.call(
                example_contract, sample_payload(example_contract), logical_address=facts["logical address"], label="t"
            )
        assert exchange.status == 200
        assert example_contract.schema.validate(exchange.envelope.payload) == []
    finally:
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    assert "finishing in-flight calls" in stderr
    assert "Traceback" not in stderr
    assert "PRIVATE KEY" not in stdout + stderr


def test_serve_a_corpus_contract_with_a_fault(tmp_path: Path, corpus: Path) -> None:
    ping_set = corpus / "contracts/itintegration_monitoring/PingForConfiguration_1.0"
    process, facts = start(tmp_path, "--contract", f"{ping_set}::PingForConfiguration", "--fault", "no-client-auth")
    try:
        (ping,) = [c for c in load_contracts(ping_set) if c.profile.value == "RIVTABP21"]
        with RivtaClient(facts["url"], ca_bundle=[Path(facts["CA bundle"])]) as anonymous:
            exchange = anonymous.call(ping, sample_payload(ping), logical_address="LA", label="t")
        assert exchange.status == 200
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=20)
    assert process.returncode == 0


def test_serve_with_latency(tmp_path: Path, example_contract) -> None:
    process, facts = start(tmp_path, "--latency", "300")
    try:
        credentials = load_client_credentials(cert=Path(facts["client cert"]), key=Path(facts["client key"]))
        with RivtaClient(facts["url"], credentials=credentials, ca_bundle=[Path(facts["CA bundle"])]) as client:
            client.call(example_contract, sample_payload(example_contract), logical_address="LA", label="warm-up")
            started = time.perf_counter()
            exchange = client.call(
                example_contract, sample_payload(example_contract), logical_address=facts["logical address"], label="t"
            )
            elapsed = time.perf_counter() - started
        assert exchange.status == 200
        assert elapsed >= 0.3
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)
    assert process.returncode == 0


def test_bad_arguments_are_one_line_errors(capsys, tmp_path: Path) -> None:
    assert main(["producer", "serve", "--fault", "no-such-fault", "--pki-dir", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert error.startswith("rivta-harness: error: --fault 'no-such-fault': unknown fault")
    assert error.count("\n") == 1
    assert main(["producer", "serve", "--contract", str(tmp_path / "missing"), "--pki-dir", str(tmp_path)]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert main(["producer", "serve", "--latency", "-1", "--pki-dir", str(tmp_path)]) == 2
    assert "--latency -1: must be zero or a positive number of milliseconds" in capsys.readouterr().err


def test_faults_listing_covers_every_fault(capsys) -> None:
    assert main(["producer", "faults"]) == 0
    listed = capsys.readouterr().out
    for fault in Fault:
        assert fault.value in listed
        assert fault.rule in listed
