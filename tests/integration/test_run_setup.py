"""A vendor's setup mistakes, made for real through `rivta-harness run` against a served reference producer:
one preflight block and exit status 4 before any check; secrets never echoed; counts that agree."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLE_CONTRACT, PING_CONTRACT, reference_producer

PASSWORD = "Sm0rg&sbord-7!x"  # not a valid variable name: the classic `--cert-password-env $CERT_PASSWORD`


def harness(*arguments: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k != "CERT_PASSWORD"}
    return subprocess.run(
        [sys.executable, "-m", "harness", *arguments],
        check=False,
        cwd=cwd,
        env={**environment, **(env or {})},
        capture_output=True,
        text=True,
        timeout=240,
    )


@pytest.fixture(scope="module")
def producer(pki, example_contract, ping_contract):
    with reference_producer(pki, [example_contract, ping_contract]) as running:
        yield running


def remote(producer, pki, *extra: str) -> list[str]:
    return [
        "run",
        "--producer-url", producer.url.replace("127.0.0.1", "localhost"),
        "--logical-address", producer.logical_address,
        "--contract", str(EXAMPLE_CONTRACT),
        "--contract", str(PING_CONTRACT),
        "--report-dir", "reports",
        *extra,
    ]  # fmt: skip


def _p12_args(pki) -> list[str]:
    return ["--pkcs12", str(pki.consumer_p12), "--ca-bundle", str(pki.ca_bundle)]


@pytest.mark.parametrize(
    ("mistake", "step", "problem"),
    [
        ("password variable unset", "certificate files", "environment variable $CERT_PASSWORD"),
        ("key unreadable", "certificate files", "holds no readable PEM private key"),
        ("no CA bundle", "tls", "not issued by a CA in the trusted bundle"),
        ("CA bundle does not trust the producer", "tls", "not issued by a CA in the trusted bundle"),
        ("producer unreachable", "tcp", "nothing accepts connections"),
    ],
)
def test_setup_mistakes_stop_before_any_check_with_one_block(
    producer, pki, tmp_path: Path, mistake: str, step: str, problem: str
) -> None:
    arguments = {
        "password variable unset": [*_p12_args(pki), "--cert-password-env", "CERT_PASSWORD"],
        "key unreadable": ["--cert", str(pki.consumer_cert), "--key", str(tmp_path / "broken.key")],
        "no CA bundle": ["--cert", str(pki.consumer_cert), "--key", str(pki.consumer_key)],
        "CA bundle does not trust the producer": [
            "--cert", str(pki.consumer_cert), "--key", str(pki.consumer_key),
            "--ca-bundle", str(pki.unrelated_root_ca),
        ],
        "producer unreachable": [],
    }[mistake]  # fmt: skip
    if mistake == "key unreadable":
        (tmp_path / "broken.key").write_text("not a key")
    command = remote(producer, pki, *arguments)
    if mistake == "producer unreachable":
        command[2] = "https://localhost:1/notes"
        command += ["--cert", str(pki.consumer_cert), "--key", str(pki.consumer_key), "--ca-bundle", str(pki.ca_bundle)]
    result = harness(*command, cwd=tmp_path)
    assert result.returncode == 4, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert output.count("ERROR:") == 1
    assert f"at step '{step}'" in output
    assert problem in output
    assert "fix:" in output
    assert "Traceback" not in output
    assert "RIVTA verdicts" not in output, "no check ran"
    assert not (tmp_path / "reports").exists()


def test_no_preflight_runs_the_checks_and_each_error_is_one_line(producer, pki, tmp_path: Path) -> None:
    result = harness(
        *remote(producer, pki, "--cert", str(pki.consumer_cert), "--key", str(pki.consumer_key), "--no-preflight"),
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert "preflight" not in result.stdout + result.stderr
    assert "Traceback" not in result.stdout
    assert "harness/" not in result.stdout.split("RIVTA verdicts")[0]
    summary = result.stdout.splitlines()[-1]
    verdicts = result.stdout.split("RIVTA verdicts")[1].splitlines()[1]
    errors = re.search(r"(\d+) errors", summary)
    assert errors is not None
    assert int(errors.group(1)) > 10
    assert f"{errors.group(1)} errors" in verdicts
    assert "failed" not in summary


def test_a_failing_check_shows_its_findings_not_a_traceback(tmp_path: Path) -> None:
    result = harness("run", "--embedded-fault", "leaky-fault", "-k", "log_id", cwd=tmp_path)
    assert "rivta.fault-log-id [GetClinicalNotes 1.1 (RIVTABP21)]: failed: faults carry no log id" in result.stdout
    assert "- request without routing header: the fault carries no log id" in result.stdout
    for traceback_mark in ("Traceback", "def expect(", "raise CheckFailed", "harness/suite.py"):
        assert traceback_mark not in result.stdout
    assert "1 failed" in result.stdout.splitlines()[-1]
    assert "1 failed" in result.stdout.split("RIVTA verdicts")[1].splitlines()[1]


@pytest.fixture(scope="module")
def vendor_p12(pki, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The consumer certificate as a vendor's PKCS#12, encrypted with PASSWORD."""
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12

    key = serialization.load_pem_private_key(pki.consumer_key.read_bytes(), None)
    leaf, *chain = x509.load_pem_x509_certificates(pki.consumer_cert.read_bytes())
    path = tmp_path_factory.mktemp("vendor") / "function-cert.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(b"vendor", key, leaf, chain, BestAvailableEncryption(PASSWORD.encode()))
    )
    return path


@pytest.mark.parametrize("mistake", ["password as the variable name", "variable unset", "variable set"])
def test_the_password_is_never_echoed(producer, pki, vendor_p12: Path, tmp_path: Path, mistake: str) -> None:
    """Every output stream and every file of the bundle, for each way of getting the password option wrong."""
    env = {"CERT_PASSWORD": PASSWORD}
    tls = ["--pkcs12", str(vendor_p12), "--ca-bundle", str(pki.ca_bundle)]
    url = producer.url.replace("127.0.0.1", "localhost")
    doctor = ["doctor", "--producer-url", url, *tls, "--contract", str(EXAMPLE_CONTRACT)]
    doctor += ["--logical-address", producer.logical_address]
    sign = ["report", "sign", "reports", "--pkcs12", str(vendor_p12), "--allow-incomplete"]
    runs: list[subprocess.CompletedProcess[str]] = []
    if mistake == "password as the variable name":
        for extra in ([], ["--no-preflight"]):
            runs.append(
                harness(*remote(producer, pki, *tls, "--cert-password-env", PASSWORD, *extra), cwd=tmp_path, env=env)
            )
            assert runs[-1].returncode == 4
            assert "takes the NAME of an environment variable" in runs[-1].stderr
        for command in (doctor, ["certs", "show", str(vendor_p12)]):
            runs.append(harness(*command, "--cert-password-env", PASSWORD, cwd=tmp_path, env=env))
            assert runs[-1].returncode != 0
    elif mistake == "variable unset":
        runs.append(
            harness(
                *remote(producer, pki, *tls, "--cert-password-env", "CERT_PASSWORD", "--no-preflight"), cwd=tmp_path
            )
        )
        runs.append(harness(*doctor, cwd=tmp_path))
        runs.append(harness(*sign, cwd=tmp_path))
        assert all(run.returncode != 0 for run in runs)
        hints = "".join(run.stdout + run.stderr for run in runs)
        assert "--cert-password-env" in hints
        assert "--password-env" not in hints.replace("--cert-password-env", "")
    else:
        runs.append(
            harness(*remote(producer, pki, *tls, "--cert-password-env", "CERT_PASSWORD"), cwd=tmp_path, env=env)
        )
        for command in (doctor, sign):
            runs.append(harness(*command, "--cert-password-env", "CERT_PASSWORD", cwd=tmp_path, env=env))
            assert runs[-1].returncode == 0, runs[-1].stdout + runs[-1].stderr
        assert (tmp_path / "reports" / "manifest.json.jws").is_file()
    for run in runs:
        assert PASSWORD not in run.stdout + run.stderr
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), path
