"""``rivta-harness certs init`` and ``certs show`` through the real entry point."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from harness.certs import TestPki, generate_test_pki
from harness.cli import main

VAR = "TEST_CLI_CERT_PASSWORD"


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return generate_test_pki(tmp_path_factory.mktemp("pki"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["certs", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_no_secrets(text: str, password: str) -> None:
    assert password not in text
    assert "PRIVATE KEY" not in text


def test_init_writes_a_pki_and_says_how_to_use_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "pki"
    code, out, err = run(capsys, "init", str(target))
    assert (code, err) == (0, "")
    password = (target / "consumer.p12.password").read_text()
    assert_no_secrets(out, password)
    assert f"{target / 'consumer.pem'}  (HSA-id SE1234567890-HRN1)" in out
    assert str(target / "consumer.p12") in out
    assert str(target / "ca-bundle.pem") in out
    assert f'export RIVTA_CERT_PASSWORD="$(cat {target / "consumer.p12.password"})"' in out
    assert (target / "pki.json").is_file()


def test_init_options(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "custom"
    code, _, _ = run(
        capsys,
        "init",
        str(target),
        "--hsa-id",
        "SE2321000016-8ZJV",
        "--producer-host",
        "api.test",
        "--producer-host",
        "10.1.2.3",
    )
    assert code == 0
    code, out, _ = run(capsys, "show", str(target / "producer.pem"), "--json")
    assert code == 0
    assert json.loads(out)["certificates"][0]["san"] == ["DNS:api.test", "IP:10.1.2.3"]
    code, out, _ = run(capsys, "show", str(target / "consumer.pem"), "--json")
    assert json.loads(out)["certificates"][0]["hsa_id"] == "SE2321000016-8ZJV"


@pytest.mark.parametrize("bad", ["SE2321000016", "SE2321000016-Åsa", "se2321000016-8ZJV", "SE2321000016-a@b"])
def test_init_refuses_a_malformed_hsa_id(tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str) -> None:
    code, out, err = run(capsys, "init", str(tmp_path / "pki"), "--hsa-id", bad)
    assert (code, out) == (2, "")
    assert err.startswith(f"rivta-harness: error: --hsa-id {bad!r} does not look like an HSA-id")
    assert err.count("\n") == 1
    assert not (tmp_path / "pki").exists()


def test_show_text(pki: TestPki, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "show", str(pki.consumer_cert))
    assert (code, err) == (0, "")
    first, second = out.split("\n\n")
    assert first.startswith(f"{pki.consumer_cert}: certificate 1 of 2\n")
    assert second.startswith(f"{pki.consumer_cert}: certificate 2 of 2 (CA)\n")
    rows = first.splitlines()[1:]
    labels = [row.split(":")[0].strip() for row in rows]
    assert labels == ["Subject", "HSA-id", "Issuer", "Valid from", "Valid to", "Key", "EKU", "SAN", "SHA-256"]
    assert len({re.match(r"\s+\S+(?: \S+)?:\s+", row).end() for row in rows}) == 1  # type: ignore[union-attr]
    assert "  HSA-id:     SE1234567890-HRN1\n" in first
    assert re.search(r"  Valid to: +\d{4}-\d\d-\d\d \d\d:\d\d UTC \(730 days left\)\n", first)
    assert "  Key:        RSA 2048\n" in first
    assert "  EKU:        clientAuth\n" in first
    assert "warning:" not in out


def test_show_warnings_still_exit_zero(pki: TestPki, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", str(pki.consumer_expired_cert))
    assert code == 0
    assert "(EXPIRED 1 day ago)" in out
    leaf_block = out.split("\n\n")[0]
    assert leaf_block.splitlines()[-1].startswith("warning: expired 1 day ago, on ")


def test_show_json(pki: TestPki, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", str(pki.consumer_wrong_eku_cert), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["file"] == str(pki.consumer_wrong_eku_cert)
    leaf, ca = data["certificates"]
    assert (leaf["eku"], leaf["is_ca"], ca["is_ca"]) == (["serverAuth"], False, True)
    assert leaf["warnings"][0].startswith("no clientAuth extended key usage")


def test_show_pkcs12(pki: TestPki, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    password = pki.consumer_password.read_text()
    monkeypatch.setenv(VAR, password)
    code, out, err = run(capsys, "show", str(pki.consumer_p12), "--cert-password-env", VAR)
    assert (code, err) == (0, "")
    assert "HSA-id:     SE1234567890-HRN1" in out
    assert_no_secrets(out, password)

    monkeypatch.setenv(VAR, "wrong-password-0815")
    code, out, err = run(capsys, "show", str(pki.consumer_p12), "--cert-password-env", VAR)
    assert (code, out) == (2, "")
    assert f"PKCS#12 password from ${VAR} does not open {pki.consumer_p12}" in err
    assert "wrong-password-0815" not in err
    assert_no_secrets(err, password)


def test_show_errors_exit_two(pki: TestPki, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "show", str(tmp_path / "missing.pem"))
    assert code == 2
    assert err == f"rivta-harness: error: certificate file {tmp_path / 'missing.pem'} does not exist — check the path\n"
    code, out, err = run(capsys, "show", str(pki.consumer_key))
    assert code == 2
    assert "holds no readable certificate" in err
    assert "PRIVATE KEY" not in out + err
