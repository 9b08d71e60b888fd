"""Signing and verifying cannot silently go wrong, and a bundle says whether it can be handed in at all."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec

from conftest import REPO
from harness.certs import load_client_credentials
from harness.cli import main
from harness.errors import ReportError
from harness.report.bundle import SIGNATURE, read_document
from harness.report.html import render_html
from harness.report.submission import why_test_run
from harness.report.trust import check_signer

SUITES = str(REPO / "testsuites")


def run(pytester: pytest.Pytester, out: str, *args: str) -> Path:
    pytester.inline_run(SUITES, "--report-dir", out, *args)
    return pytester.path / out


def cli(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    status = main(list(arguments))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture
def signed(pytester: pytest.Pytester, pki, capsys: pytest.CaptureFixture[str]) -> Path:
    bundle = run(pytester, "full")
    status, out, _ = cli(
        capsys, "report", "sign", str(bundle), "--cert", str(pki.consumer_cert), "--key", str(pki.consumer_key),
        "--ca-bundle", str(pki.ca_bundle),
    )  # fmt: skip
    assert status == 0, out
    assert "the manifest states: outcome 'pending review', complete run; test run" in out
    return bundle


def test_verify_without_a_ca_bundle_is_not_verified(signed: Path, pki, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = cli(capsys, "report", "verify", str(signed))
    assert status == 1
    assert "bundle verified" not in out
    assert "signature intact, but the signer was not checked against any trusted CA" in out
    assert "✓ signer's certificate chain not checked" not in out, "an unchecked signer is never shown as a tick"
    status, out, _ = cli(capsys, "report", "verify", str(signed), "--no-chain-check")
    assert status == 0
    assert "bundle verified" not in out
    assert "signer NOT verified" in out
    status, out, _ = cli(capsys, "report", "verify", str(signed), "--ca-bundle", str(pki.ca_bundle))
    assert status == 0
    assert out.rstrip().endswith("bundle verified")
    assert "the manifest states: outcome 'pending review', complete run" in out


def test_rerendering_removes_the_signature_loudly(signed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = cli(capsys, "report", "html", str(signed), "--lang", "en")
    assert status == 0
    assert not (signed / SIGNATURE).exists()
    assert "SIGNATURE REMOVED" in err
    assert f"rivta-harness report sign {signed}" in err
    assert "sign again if" not in out


def test_sign_refuses_an_incomplete_run_unless_allowed(pytester: pytest.Pytester, pki, capsys) -> None:
    bundle = run(pytester, "partial", "-k", "sla")
    sign = ["report", "sign", str(bundle), "--cert", str(pki.consumer_cert), "--key", str(pki.consumer_key)]
    status, _, err = cli(capsys, *sign)
    assert status == 2
    assert "not signed: the run is incomplete (partial run" in err
    assert not (bundle / SIGNATURE).exists()
    status, out, _ = cli(capsys, *sign, "--allow-incomplete")
    assert status == 0
    assert "INCOMPLETE run" in out
    manifest = json.loads((bundle / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["run"]["complete"] is False
    assert manifest["run"]["outcome"] == read_document(bundle)["outcome"]


def test_sign_refuses_undeclared_deviations(pytester: pytest.Pytester, pki, capsys) -> None:
    bundle = run(pytester, "bad", "--embedded-fault", "ignores-date-filter")
    status, _, err = cli(
        capsys, "report", "sign", str(bundle), "--cert", str(pki.consumer_cert), "--key", str(pki.consumer_key)
    )
    assert status == 2
    assert "undeclared deviations: tk.notes.date-period" in err


def _short_lived(tmp_path: Path, days: int):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "short-lived signer")])
    now = datetime.now(UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=days))
        .sign(key, hashes.SHA256())
    )
    (tmp_path / "short.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "short.key").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return load_client_credentials(cert=tmp_path / "short.pem", key=tmp_path / "short.key")


def test_signer_chain_and_expiry(pki, client_credentials, tmp_path: Path) -> None:
    assert check_signer(client_credentials, [pki.ca_bundle]) == []
    with pytest.raises(ReportError, match="does not chain to the trusted CAs"):
        check_signer(client_credentials, [pki.unrelated_root_ca])
    (warning,) = check_signer(_short_lived(tmp_path, 10), [])
    assert "expires in 9 days" in warning or "expires in 10 days" in warning
    assert check_signer(_short_lived(tmp_path, 90), []) == []


def test_a_test_run_is_stamped_in_json_html_and_print(pytester: pytest.Pytester) -> None:
    bundle = run(pytester, "demo", "--lang", "en", "-k", "sla")
    document = read_document(bundle)
    assert document["submission"]["test_run"] is True
    assert document["submission"]["test_run_reasons"] == ["embedded producer", "test PKI certificate"]
    page = (bundle / "self-declaration.html").read_text(encoding="utf-8")
    header = page.split('<nav class="toc"')[0]
    assert "Not valid for approval — test run" in header
    printed = render_html(document, {}, lang="sv", print_mode=True)
    assert "Ej giltig för godkännande – testkörning" in printed.split('<nav class="toc"')[0]


def test_only_a_real_producer_with_real_certificates_is_not_a_test_run() -> None:
    real = {"subject": "CN=notes.region.se,O=Region X,C=SE", "issuer": "CN=SITHS e-id Function CA v1,O=Inera AB,C=SE"}
    vendor = "serialNumber=SE2321000016-ABCD,CN=journal,O=Region X,C=SE"
    common = {"producer_certificate": real, "client_subject": vendor}
    assert why_test_run(embedded=False, url="https://notes.region.se/x", **common) == []
    assert why_test_run(embedded=False, url="https://127.0.0.2:8443/x", **common) == ["loopback address"]
    assert why_test_run(embedded=False, url="https://[::1]/x", **common) == ["loopback address"]
    assert why_test_run(
        embedded=False, url="https://sit.region.se/x", producer_certificate=real,
        client_subject="serialNumber=SE1234567890-HRN1,CN=consumer.harness.test,O=RIVTA Harness Test Consumer,C=SE",
    ) == ["test PKI certificate"]  # fmt: skip


def test_missing_verification_object_is_listed_in_the_summary(pytester: pytest.Pytester) -> None:
    declaration = pytester.makefile(".toml", thin='[organisation]\nname = "Region X"\n\n[contact]\nname = "A"\n')
    bundle = run(pytester, "thin", "--declaration", str(declaration), "--lang", "en", "-k", "sla")
    document = read_document(bundle)
    assert document["submission"]["missing_verification_object"] == [
        "producer product", "source-system product", "contact",
    ]  # fmt: skip
    summary = (bundle / "self-declaration.html").read_text(encoding="utf-8").split('id="verdict-counts"')[0]
    assert "The verification object is incomplete; the declaration lacks:" in summary
    assert "producer product and version ([producer_product])" in summary
    assert "contact person with e-mail" in summary
