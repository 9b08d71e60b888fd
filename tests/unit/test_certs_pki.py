"""The generated test PKI: chain links, extensions, file permissions and the negative fixtures."""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from harness.certs import TestPki, generate_test_pki
from harness.errors import ConfigError

CONSUMER_SUBJECT = "serialNumber=SE1234567890-HRN1,CN=consumer.harness.test,O=RIVTA Harness Test Consumer,C=SE"
TEST_O = "O=RIVTA Harness Test PKI (not SITHS),C=SE"


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return generate_test_pki(tmp_path_factory.mktemp("pki") / "pki")


def certs(path: Path) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(path.read_bytes())


def key(path: Path) -> rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey:
    loaded = serialization.load_pem_private_key(path.read_bytes(), None)
    assert isinstance(loaded, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey)
    return loaded


def name(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string({NameOID.SERIAL_NUMBER: "serialNumber"})


def eku(cert: x509.Certificate) -> list[x509.ObjectIdentifier]:
    return list(cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value)


def san(cert: x509.Certificate) -> list[x509.GeneralName]:
    return list(cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)


def same_public_key(cert: x509.Certificate, private: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> bool:
    spki = (serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return cert.public_key().public_bytes(*spki) == private.public_key().public_bytes(*spki)


def cert_key_pairs(pki: TestPki) -> list[tuple[Path, Path]]:
    return [
        (getattr(pki, field.name), getattr(pki, field.name.removesuffix("_cert") + "_key"))
        for field in dataclasses.fields(pki)
        if field.name.endswith("_cert") and field.name != "consumer_missing_intermediate_cert"
    ] + [(pki.consumer_missing_intermediate_cert, pki.consumer_key)]


def test_every_file_exists_and_the_manifest_describes_each(pki: TestPki) -> None:
    paths = [getattr(pki, f.name) for f in dataclasses.fields(pki) if f.type == "Path"]
    paths.remove(pki.directory)
    assert all(path.is_file() for path in paths)
    assert sorted(p.name for p in pki.directory.iterdir()) == sorted(p.name for p in paths)

    manifest = json.loads(pki.manifest.read_text())
    assert manifest["consumer_hsa_id"] == "SE1234567890-HRN1"
    assert set(manifest["files"]) == {p.name for p in paths} - {"pki.json"}
    for entry in manifest["files"].values():
        assert entry["kind"] in {"cert", "key", "bundle", "p12", "password"}
        assert entry["purpose"].endswith(".")
        assert entry["purpose"].count(". ") == 0  # one sentence
    consumer = manifest["files"]["consumer.pem"]
    assert consumer["subject"] == CONSUMER_SUBJECT
    assert datetime.fromisoformat(consumer["not_after"]) == certs(pki.consumer_cert)[0].not_valid_after_utc
    assert len(manifest["files"]["ca-bundle.pem"]["certificates"]) == 2


def test_ca_chain_links_and_signatures(pki: TestPki) -> None:
    (root,) = certs(pki.root_ca)
    (function_ca,) = certs(pki.function_ca)
    assert certs(pki.ca_bundle) == [root, function_ca]
    assert name(root) == f"CN=TEST RIVTA Harness e-id Root CA v2,{TEST_O}"
    assert name(function_ca) == f"CN=TEST RIVTA Harness e-id Function CA v1,{TEST_O}"
    root.verify_directly_issued_by(root)
    function_ca.verify_directly_issued_by(root)

    constraints = function_ca.extensions.get_extension_for_class(x509.BasicConstraints)
    assert constraints.critical
    assert (constraints.value.ca, constraints.value.path_length) == (True, 0)
    usage = function_ca.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.key_cert_sign
    assert usage.crl_sign
    assert not usage.digital_signature


def test_consumer_function_certificate(pki: TestPki) -> None:
    leaf, issuer = certs(pki.consumer_cert)
    assert issuer == certs(pki.function_ca)[0]
    leaf.verify_directly_issued_by(issuer)
    assert name(leaf) == CONSUMER_SUBJECT
    assert isinstance(leaf.public_key(), rsa.RSAPublicKey)
    assert leaf.public_key().key_size == 2048
    assert eku(leaf) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert san(leaf) == [x509.DNSName("consumer.harness.test")]
    usage = leaf.extensions.get_extension_for_class(x509.KeyUsage).value
    assert usage.digital_signature
    assert usage.key_encipherment
    assert not leaf.extensions.get_extension_for_class(x509.BasicConstraints).value.ca


def test_producer_server_certificate(pki: TestPki) -> None:
    leaf, issuer = certs(pki.producer_cert)
    leaf.verify_directly_issued_by(issuer)
    assert issuer == certs(pki.function_ca)[0]
    assert name(leaf) == "serialNumber=SE1234567890-PRD1,CN=localhost,O=RIVTA Harness Reference Producer,C=SE"
    assert eku(leaf) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert san(leaf) == [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]


def test_options_reach_the_certificates(tmp_path: Path) -> None:
    custom = generate_test_pki(
        tmp_path,
        hsa_id="SE2321000016-8ZJV",
        producer_hosts=("producer.example", "::1"),
        producer_hsa_id="SE5565594230-BCQ",
    )
    leaf = certs(custom.consumer_cert)[0]
    assert leaf.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)[0].value == "SE2321000016-8ZJV"
    producer = certs(custom.producer_cert)[0]
    assert producer.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == "producer.example"
    assert san(producer) == [x509.DNSName("producer.example"), x509.IPAddress(ipaddress.ip_address("::1"))]
    assert custom.hsa_id == "SE2321000016-8ZJV"


def test_every_key_belongs_to_its_certificate(pki: TestPki) -> None:
    pairs = cert_key_pairs(pki)
    assert len(pairs) == 10
    for cert_path, key_path in pairs:
        assert same_public_key(certs(cert_path)[0], key(key_path)), cert_path.name
    consumer = certs(pki.consumer_cert)[0]
    assert isinstance(key(pki.consumer_expired_key), ec.EllipticCurvePrivateKey)
    assert not same_public_key(consumer, key(pki.producer_key))


def test_secrets_are_private_and_certificates_are_not(pki: TestPki) -> None:
    secrets = [pki.consumer_p12, pki.consumer_password, pki.consumer_encrypted_key]
    secrets += [key_path for _, key_path in cert_key_pairs(pki)]
    for path in secrets:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert stat.S_IMODE(pki.consumer_cert.stat().st_mode) & 0o044  # group/others may read certificates


def test_password_protected_copies_of_the_consumer_key(pki: TestPki) -> None:
    password = pki.consumer_password.read_bytes()
    assert len(password) >= 24
    assert b"\n" not in password
    encrypted = pki.consumer_encrypted_key.read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in encrypted
    with pytest.raises(TypeError):
        serialization.load_pem_private_key(encrypted, None)
    decrypted = serialization.load_pem_private_key(encrypted, password)
    leaf, issuer = certs(pki.consumer_cert)
    assert same_public_key(leaf, decrypted)  # type: ignore[arg-type]

    with pytest.raises(ValueError):
        pkcs12.load_pkcs12(pki.consumer_p12.read_bytes(), b"wrong")
    bundle = pkcs12.load_pkcs12(pki.consumer_p12.read_bytes(), password)
    assert bundle.cert is not None
    assert bundle.cert.certificate == leaf
    assert [extra.certificate for extra in bundle.additional_certs] == [issuer]
    assert bundle.key is not None
    assert same_public_key(leaf, bundle.key)  # type: ignore[arg-type]


def test_time_negatives(pki: TestPki) -> None:
    now = datetime.now(UTC)
    for path in (pki.consumer_expired_cert, pki.producer_expired_cert):
        leaf, issuer = certs(path)
        leaf.verify_directly_issued_by(issuer)
        assert now - timedelta(days=2) < leaf.not_valid_after_utc < now - timedelta(hours=23)
    leaf = certs(pki.consumer_not_yet_valid_cert)[0]
    assert now + timedelta(hours=23) < leaf.not_valid_before_utc < now + timedelta(days=2)
    for path in (pki.consumer_cert, pki.producer_cert, pki.consumer_wrong_eku_cert):
        leaf = certs(path)[0]
        assert leaf.not_valid_before_utc < now < leaf.not_valid_after_utc


def test_unrelated_ca_negatives(pki: TestPki) -> None:
    (unrelated,) = certs(pki.unrelated_root_ca)
    (function_ca,) = certs(pki.function_ca)
    (root,) = certs(pki.root_ca)
    assert name(unrelated) == f"CN=TEST Unrelated Root CA,{TEST_O}"
    unrelated.verify_directly_issued_by(unrelated)
    for path in (pki.consumer_unrelated_ca_cert, pki.producer_unrelated_ca_cert):
        leaf, issuer = certs(path)
        assert issuer == unrelated
        leaf.verify_directly_issued_by(unrelated)
        for trusted in (root, function_ca):
            with pytest.raises((ValueError, InvalidSignature)):
                leaf.verify_directly_issued_by(trusted)


def test_usage_and_name_negatives(pki: TestPki) -> None:
    wrong_eku, _ = certs(pki.consumer_wrong_eku_cert)
    assert eku(wrong_eku) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert name(wrong_eku) == CONSUMER_SUBJECT

    (alone,) = certs(pki.consumer_missing_intermediate_cert)
    assert alone == certs(pki.consumer_cert)[0]

    wrong_host, _ = certs(pki.producer_wrong_host_cert)
    assert san(wrong_host) == [x509.DNSName("wrong-host.harness.test")]
    assert eku(wrong_host) == [ExtendedKeyUsageOID.SERVER_AUTH]
    assert eku(certs(pki.producer_unrelated_ca_cert)[0]) == [ExtendedKeyUsageOID.SERVER_AUTH]


def test_running_again_replaces_everything_cleanly(tmp_path: Path) -> None:
    first = generate_test_pki(tmp_path)
    first.consumer_key.chmod(0o644)  # an earlier, looser file must not keep its mode
    old_consumer = first.consumer_cert.read_bytes()
    old_password = first.consumer_password.read_bytes()
    second = generate_test_pki(tmp_path)
    assert second == first
    assert second.consumer_cert.read_bytes() != old_consumer
    assert second.consumer_password.read_bytes() != old_password
    assert stat.S_IMODE(second.consumer_key.stat().st_mode) == 0o600
    assert same_public_key(certs(second.consumer_cert)[0], key(second.consumer_key))
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_now_sets_the_validity(tmp_path: Path) -> None:
    now = datetime(2030, 5, 17, 12, 0, tzinfo=UTC)
    pki = generate_test_pki(tmp_path, now=now)
    leaf = certs(pki.consumer_cert)[0]
    assert leaf.not_valid_before_utc == now - timedelta(days=1)
    assert certs(pki.consumer_expired_cert)[0].not_valid_after_utc == now - timedelta(days=1)
    with pytest.raises(ValueError, match="timezone-aware"):
        generate_test_pki(tmp_path, now=datetime(2030, 5, 17))


def test_bad_settings(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="producer host"):
        generate_test_pki(tmp_path / "a", producer_hosts=())
    with pytest.raises(ConfigError, match="producer host"):
        generate_test_pki(tmp_path / "b", producer_hosts=("localhost", " "))
    (tmp_path / "file").write_text("")
    with pytest.raises(ConfigError, match="cannot write the test PKI to"):
        generate_test_pki(tmp_path / "file" / "pki")
