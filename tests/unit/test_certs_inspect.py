"""Inspecting certificate files: the summary fields, each warning, and the HSA-id check."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from harness.certs import TestPki, generate_test_pki, hsa_id_problems, inspect_certificate
from harness.errors import CertificateError

NOW = datetime.now(UTC)


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return generate_test_pki(tmp_path_factory.mktemp("pki"), now=NOW)


def test_consumer_chain_summary(pki: TestPki) -> None:
    leaf, ca = inspect_certificate(pki.consumer_cert, now=NOW)
    assert leaf.subject == (
        "serialNumber=SE1234567890-HRN1,CN=consumer.harness.test,O=RIVTA Harness Test Consumer,C=SE"
    )
    assert leaf.hsa_id == "SE1234567890-HRN1"
    assert (
        leaf.issuer
        == ca.subject
        == "CN=TEST RIVTA Harness e-id Function CA v1,O=RIVTA Harness Test PKI (not SITHS),C=SE"
    )
    assert leaf.not_before.tzinfo is not None
    assert leaf.not_after == NOW.replace(microsecond=0) + timedelta(days=730)
    assert leaf.days_to_expiry == 730
    assert leaf.key == "RSA 2048"
    assert leaf.eku == ("clientAuth",)
    assert leaf.san == ("DNS:consumer.harness.test",)
    assert (leaf.is_ca, ca.is_ca) == (False, True)
    assert leaf.warnings == ()
    assert ca.warnings == ()  # a CA has no EKU and no HSA-id, and that is fine
    assert (ca.hsa_id, ca.eku, ca.key) == (None, None, "EC P-256")

    expected = x509.load_pem_x509_certificates(pki.consumer_cert.read_bytes())[0].fingerprint(hashes.SHA256())
    assert re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", leaf.sha256)
    assert bytes.fromhex(leaf.sha256.replace(":", "")) == expected


def test_producer_san_and_eku(pki: TestPki) -> None:
    producer = inspect_certificate(pki.producer_cert, now=NOW)[0]
    assert producer.san == ("DNS:localhost", "IP:127.0.0.1")
    assert producer.eku == ("serverAuth",)
    assert producer.key == "EC P-256"
    assert producer.hsa_id == "SE1234567890-PRD1"


def test_der_file(pki: TestPki, tmp_path: Path) -> None:
    leaf = x509.load_pem_x509_certificates(pki.consumer_cert.read_bytes())[0]
    der = tmp_path / "consumer.cer"
    der.write_bytes(leaf.public_bytes(serialization.Encoding.DER))
    (info,) = inspect_certificate(der, now=NOW)
    assert info.hsa_id == "SE1234567890-HRN1"
    assert info.sha256 == inspect_certificate(pki.consumer_cert, now=NOW)[0].sha256


def test_pkcs12_with_password_from_environment(pki: TestPki, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_P12_PASSWORD", pki.consumer_password.read_text())
    leaf, ca = inspect_certificate(pki.consumer_p12, password_env="TEST_P12_PASSWORD", now=NOW)
    assert (leaf.hsa_id, leaf.is_ca, ca.is_ca) == ("SE1234567890-HRN1", False, True)
    with pytest.raises(CertificateError, match="without a password"):
        inspect_certificate(pki.consumer_p12)


NO_CLIENT_AUTH = "no clientAuth extended key usage: fine for a server, but producers refuse it from a consumer"


@pytest.mark.parametrize(
    ("attribute", "warnings"),
    [
        ("consumer_expired_cert", ["expired 1 day ago, on "]),
        ("consumer_not_yet_valid_cert", ["not valid until "]),
        ("consumer_wrong_eku_cert", [NO_CLIENT_AUTH]),
        ("producer_cert", [NO_CLIENT_AUTH]),
        ("producer_expired_cert", ["expired 1 day ago, on ", NO_CLIENT_AUTH]),
    ],
)
def test_negative_fixture_warnings(pki: TestPki, attribute: str, warnings: list[str]) -> None:
    leaf, ca = inspect_certificate(getattr(pki, attribute), now=NOW)
    assert len(leaf.warnings) == len(warnings), leaf.warnings
    for actual, expected in zip(leaf.warnings, warnings, strict=True):
        assert actual.startswith(expected)
    assert ca.warnings == ()


def test_expired_days_are_negative(pki: TestPki) -> None:
    leaf = inspect_certificate(pki.consumer_expired_cert, now=NOW)[0]
    assert leaf.days_to_expiry == -1


def test_expiring_soon(tmp_path: Path) -> None:
    # Generated 720 days ago, the two-year consumer certificate has 10 days left.
    pki = generate_test_pki(tmp_path, now=NOW - timedelta(days=720))
    leaf = inspect_certificate(pki.consumer_cert, now=NOW)[0]
    assert leaf.days_to_expiry == 10
    assert leaf.warnings == (f"expires in 10 days, on {leaf.not_after:%Y-%m-%d}",)
    later = inspect_certificate(pki.consumer_cert, now=NOW - timedelta(days=30))[0]
    assert later.warnings == ()  # 40 days left: no warning


def test_malformed_hsa_id_warning(tmp_path: Path) -> None:
    pki = generate_test_pki(tmp_path, hsa_id="SE12345-HRN1")
    leaf = inspect_certificate(pki.consumer_cert)[0]
    assert leaf.warnings == (
        "HSA-id 'SE12345-HRN1' looks wrong: it should have a 10 to 12 digit organisation number after 'SE'",
    )


def test_json_form(pki: TestPki) -> None:
    leaf = inspect_certificate(pki.consumer_expired_cert, now=NOW)[0]
    data = json.loads(json.dumps(leaf.to_dict()))
    assert data["hsa_id"] == "SE1234567890-HRN1"
    assert datetime.fromisoformat(data["not_after"]) == leaf.not_after
    assert data["warnings"] == list(leaf.warnings)
    assert data["eku"] == ["clientAuth"]


def test_unreadable_files(pki: TestPki, tmp_path: Path) -> None:
    with pytest.raises(CertificateError, match=r"does not exist") as missing:
        inspect_certificate(tmp_path / "nope.pem")
    assert str(tmp_path / "nope.pem") in str(missing.value)
    with pytest.raises(CertificateError, match="holds no readable certificate"):
        inspect_certificate(pki.consumer_key)
    garbage = tmp_path / "garbage.der"
    garbage.write_bytes(b"\x30\x03\x02\x01\x00")
    with pytest.raises(CertificateError, match="holds no readable certificate"):
        inspect_certificate(garbage)


@pytest.mark.parametrize(
    "value",
    [
        "SE2321000016-8ZJV",
        "SE165565594230-1000",
        "SE5565594230-BCQ",
        "SE1234567890-HRN1",
        "TSTNMT2321000156-B4B",
        "T-SERVICES-SE2321000016-X1",
    ],
)
def test_good_hsa_ids(value: str) -> None:
    assert hsa_id_problems(value) == []


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("SE2321000016-8ZJVABCDEFGHIJKLMNOPQR", "is 35 characters long; an HSA-id has at most 31"),
        ("SE23210000168ZJV", "has no '-' between the organisation number and the unit suffix"),
        ("SE2321000016-Åsa", "contains 'Å'; an HSA-id only has A-Z, a-z, 0-9 and '-'"),
        ("SE2321000016-a@b", "contains '@'; an HSA-id only has A-Z, a-z, 0-9 and '-'"),
        ("2321000016-8ZJV", "does not start with 'SE' (or a test prefix such as TSTNMT)"),
        ("SE23210-8ZJV", "should have a 10 to 12 digit organisation number after 'SE'"),
        ("SE2321000016-", "has nothing after the '-'"),
        ("SE2321000016-A-B", "has more than one '-' after the organisation number"),
    ],
)
def test_bad_hsa_ids(value: str, problem: str) -> None:
    assert hsa_id_problems(value) == [problem]
