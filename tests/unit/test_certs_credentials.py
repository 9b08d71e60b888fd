"""Client credentials: every way to load them, every way loading fails, and real mTLS handshakes.

The handshakes run between two ssl objects over memory buffers (no sockets, no network) and
prove both that ``apply_to`` loads usable credentials and that each negative fixture of the
test PKI is really refused by OpenSSL.
"""

from __future__ import annotations

import ssl
import stat
import tempfile
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from harness.certs import (
    ClientCredentials,
    TestPki,
    generate_test_pki,
    load_ca_bundle,
    load_client_credentials,
)
from harness.errors import CertificateError, ConfigError

VAR = "TEST_CERT_PASSWORD"


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> TestPki:
    return generate_test_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def password(pki: TestPki, monkeypatch: pytest.MonkeyPatch) -> str:
    value = pki.consumer_password.read_text()
    monkeypatch.setenv(VAR, value)
    return value


def pem_certs(path: Path) -> list[x509.Certificate]:
    return x509.load_pem_x509_certificates(path.read_bytes())


def assert_consumer(credentials: ClientCredentials, pki: TestPki) -> None:
    assert credentials.hsa_id == "SE1234567890-HRN1"
    assert credentials.chain == pem_certs(pki.consumer_cert)
    assert credentials.leaf_info.key == "RSA 2048"
    assert isinstance(credentials.private_key, rsa.RSAPrivateKey)
    assert credentials.private_key.public_key() == credentials.chain[0].public_key()


def test_pem_certificate_and_key(pki: TestPki) -> None:
    assert_consumer(load_client_credentials(cert=pki.consumer_cert, key=pki.consumer_key), pki)


def test_chain_is_ordered_leaf_first(pki: TestPki, tmp_path: Path) -> None:
    leaf, issuer = pem_certs(pki.consumer_cert)
    (root,) = pem_certs(pki.root_ca)
    shuffled = tmp_path / "shuffled.pem"
    shuffled.write_bytes(b"".join(c.public_bytes(serialization.Encoding.PEM) for c in (root, issuer, leaf)))
    credentials = load_client_credentials(cert=shuffled, key=pki.consumer_key)
    assert credentials.chain == [leaf, issuer, root]


def test_encrypted_pem_key(pki: TestPki, password: str) -> None:
    credentials = load_client_credentials(cert=pki.consumer_cert, key=pki.consumer_encrypted_key, password_env=VAR)
    assert_consumer(credentials, pki)


def test_encrypted_pem_key_without_password(pki: TestPki, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CertificateError, match="is encrypted and no password was given") as error:
        load_client_credentials(cert=pki.consumer_cert, key=pki.consumer_encrypted_key)
    assert str(pki.consumer_encrypted_key) in str(error.value)
    monkeypatch.setenv(VAR, "")
    with pytest.raises(CertificateError, match=rf"\${VAR} .* is not set or is empty"):
        load_client_credentials(cert=pki.consumer_cert, key=pki.consumer_encrypted_key, password_env=VAR)


def test_encrypted_pem_key_wrong_password(pki: TestPki, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VAR, "not-the-password-4711")
    with pytest.raises(CertificateError) as error:
        load_client_credentials(cert=pki.consumer_cert, key=pki.consumer_encrypted_key, password_env=VAR)
    message = str(error.value)
    assert f"${VAR}" in message
    assert str(pki.consumer_encrypted_key) in message
    assert "not-the-password-4711" not in message


def test_pkcs12(pki: TestPki, password: str) -> None:
    assert_consumer(load_client_credentials(pkcs12=pki.consumer_p12, password_env=VAR), pki)


def test_pkcs12_wrong_password(pki: TestPki, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(VAR, "not-the-password-4711")
    with pytest.raises(CertificateError) as error:
        load_client_credentials(pkcs12=pki.consumer_p12, password_env=VAR)
    message = str(error.value)
    assert message.startswith(f"PKCS#12 password from ${VAR} does not open {pki.consumer_p12}")
    assert "not-the-password-4711" not in message
    assert "\n" not in message


def test_pkcs12_password_missing(pki: TestPki, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CertificateError, match="cannot be opened without a password"):
        load_client_credentials(pkcs12=pki.consumer_p12)
    monkeypatch.delenv(VAR, raising=False)
    with pytest.raises(CertificateError, match=rf"\${VAR} \(password for .*consumer\.p12\) is not set"):
        load_client_credentials(pkcs12=pki.consumer_p12, password_env=VAR)


def test_password_env_must_name_a_variable(pki: TestPki) -> None:
    with pytest.raises(ConfigError) as error:
        load_client_credentials(pkcs12=pki.consumer_p12, password_env="s3cret pass!")
    assert "s3cret" not in str(error.value)


def test_pkcs12_without_key(pki: TestPki, tmp_path: Path) -> None:
    certs_only = tmp_path / "certs-only.p12"
    certs_only.write_bytes(
        pkcs12.serialize_key_and_certificates(
            None, None, None, pem_certs(pki.consumer_cert), serialization.NoEncryption()
        )
    )
    with pytest.raises(CertificateError, match=r"certs-only\.p12 holds no private key"):
        load_client_credentials(pkcs12=certs_only)


def test_key_does_not_match_certificate(pki: TestPki) -> None:
    with pytest.raises(CertificateError) as error:
        load_client_credentials(cert=pki.consumer_cert, key=pki.producer_key)
    assert str(error.value).startswith(
        f"the private key in {pki.producer_key} does not match the certificate in {pki.consumer_cert}"
    )


def test_missing_and_wrong_files(pki: TestPki, tmp_path: Path) -> None:
    with pytest.raises(CertificateError, match=rf"certificate file {tmp_path}/gone\.pem does not exist"):
        load_client_credentials(cert=tmp_path / "gone.pem", key=pki.consumer_key)
    with pytest.raises(CertificateError, match=rf"private key file {tmp_path}/gone\.key does not exist"):
        load_client_credentials(cert=pki.consumer_cert, key=tmp_path / "gone.key")
    with pytest.raises(CertificateError, match="holds no readable certificate"):
        load_client_credentials(cert=pki.consumer_key, key=pki.consumer_key)
    with pytest.raises(CertificateError, match="holds no readable PEM private key"):
        load_client_credentials(cert=pki.consumer_cert, key=pki.consumer_cert)


def test_conflicting_or_incomplete_options(pki: TestPki) -> None:
    with pytest.raises(ConfigError, match="either"):
        load_client_credentials(cert=pki.consumer_cert, key=pki.consumer_key, pkcs12=pki.consumer_p12)
    with pytest.raises(ConfigError, match="need a certificate and its key"):
        load_client_credentials(cert=pki.consumer_cert)


def test_repr_shows_no_secrets(pki: TestPki, password: str) -> None:
    credentials = load_client_credentials(cert=pki.consumer_cert, key=pki.consumer_encrypted_key, password_env=VAR)
    key_pem = pki.consumer_key.read_text()
    for text in (repr(credentials), str(credentials)):
        assert "SE1234567890-HRN1" in text
        assert password not in text
        assert "PRIVATE KEY" not in text
        assert key_pem.splitlines()[1] not in text
    assert not hasattr(credentials, "__dict__")
    stored = [getattr(credentials, slot) for slot in type(credentials).__slots__]
    assert not any(password in repr(value) for value in stored)


class _RecordingContext:
    """Stands in for SSLContext to see the temporary files while they exist."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, int, int, bytes]] = []

    def load_cert_chain(self, certfile: Path, keyfile: Path, password: bytes) -> None:
        directory = Path(certfile).parent
        self.seen.append(
            (
                stat.S_IMODE(directory.stat().st_mode),
                stat.S_IMODE(Path(certfile).stat().st_mode),
                stat.S_IMODE(Path(keyfile).stat().st_mode),
                Path(keyfile).read_bytes(),
            )
        )


def test_apply_to_uses_private_short_lived_files(pki: TestPki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    credentials = load_client_credentials(cert=pki.consumer_cert, key=pki.consumer_key)
    recorder = _RecordingContext()
    credentials.apply_to(recorder)  # type: ignore[arg-type]
    ((dir_mode, cert_mode, key_mode, key_pem),) = recorder.seen
    assert (dir_mode, cert_mode, key_mode) == (0o700, 0o600, 0o600)
    assert b"ENCRYPTED PRIVATE KEY" in key_pem
    assert list(tmp_path.iterdir()) == []


def test_apply_to_cleans_up_when_ssl_refuses(pki: TestPki, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    credentials = load_client_credentials(cert=pki.consumer_cert, key=pki.consumer_key)

    class Refusing:
        def load_cert_chain(self, certfile: Path, keyfile: Path, password: bytes) -> None:
            raise ssl.SSLError(1, "[SSL] refused for the test")

    with pytest.raises(CertificateError, match="ssl module refused the client credentials"):
        credentials.apply_to(Refusing())  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def handshake(client: ssl.SSLContext, server: ssl.SSLContext, hostname: str = "localhost") -> dict:
    """Run a TLS handshake over memory buffers; return the client certificate the server saw."""
    to_server, to_client = ssl.MemoryBIO(), ssl.MemoryBIO()
    client_side = client.wrap_bio(to_client, to_server, server_hostname=hostname)
    server_side = server.wrap_bio(to_server, to_client, server_side=True)
    pending = [client_side, server_side]
    for _ in range(10):
        for side in list(pending):
            try:
                side.do_handshake()
                pending.remove(side)
            except ssl.SSLWantReadError:
                pass
        if not pending:
            return server_side.getpeercert()
    raise AssertionError("handshake did not finish")


def server_context(
    pki: TestPki, cert: Path | None = None, key: Path | None = None, trust: Path | None = None
) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert or pki.producer_cert, key or pki.producer_key)
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(cafile=trust or pki.ca_bundle)
    return context


def client_context(pki: TestPki, cert: Path, key: Path, trust: Path | None = None) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cafile=trust or pki.ca_bundle)
    load_client_credentials(cert=cert, key=key).apply_to(context)
    return context


def test_mutual_tls_with_applied_credentials(
    pki: TestPki, password: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(cafile=pki.ca_bundle)
    load_client_credentials(pkcs12=pki.consumer_p12, password_env=VAR).apply_to(context)
    assert list(tmp_path.iterdir()) == []
    peer = handshake(context, server_context(pki))
    assert (("serialNumber", "SE1234567890-HRN1"),) in peer["subject"]


@pytest.mark.parametrize(
    ("negative", "reason"),
    [
        ("expired", "certificate has expired"),
        ("not_yet_valid", "certificate is not yet valid"),
        ("unrelated_ca", "self-signed certificate in certificate chain"),
        ("wrong_eku", "unsuitable certificate purpose"),
    ],
)
def test_producer_refuses_negative_consumer_certificates(pki: TestPki, negative: str, reason: str) -> None:
    cert, key = getattr(pki, f"consumer_{negative}_cert"), getattr(pki, f"consumer_{negative}_key")
    with pytest.raises(ssl.SSLError, match=reason):
        handshake(client_context(pki, cert, key), server_context(pki))


def test_missing_intermediate_is_refused_where_only_the_root_is_trusted(pki: TestPki) -> None:
    # OpenSSL completes a client's chain from the client's own trust store, so the intermediate
    # only goes missing on the wire when the client does not trust the function CA either.
    root_only = server_context(pki, trust=pki.root_ca)
    full_chain = client_context(pki, pki.consumer_cert, pki.consumer_key, trust=pki.root_ca)
    assert handshake(full_chain, root_only)
    leaf_only = client_context(pki, pki.consumer_missing_intermediate_cert, pki.consumer_key, trust=pki.root_ca)
    with pytest.raises(ssl.SSLError, match="unable to get local issuer certificate"):
        handshake(leaf_only, root_only)


@pytest.mark.parametrize(
    ("negative", "reason"),
    [
        ("expired", "certificate has expired"),
        ("unrelated_ca", "self-signed certificate in certificate chain"),
        ("wrong_host", "Hostname mismatch"),
    ],
)
def test_consumer_refuses_negative_producer_certificates(pki: TestPki, negative: str, reason: str) -> None:
    server = server_context(pki, getattr(pki, f"producer_{negative}_cert"), getattr(pki, f"producer_{negative}_key"))
    with pytest.raises(ssl.SSLCertVerificationError, match=reason):
        handshake(client_context(pki, pki.consumer_cert, pki.consumer_key), server)


def test_producer_certificate_names_every_host(pki: TestPki) -> None:
    client = client_context(pki, pki.consumer_cert, pki.consumer_key)
    for host in ("localhost", "127.0.0.1"):
        assert handshake(client, server_context(pki), hostname=host)
    with pytest.raises(ssl.SSLCertVerificationError, match="Hostname mismatch"):
        handshake(client, server_context(pki), hostname="other.example")


def test_ca_bundles(pki: TestPki, tmp_path: Path) -> None:
    root, function_ca = pem_certs(pki.ca_bundle)
    (unrelated,) = pem_certs(pki.unrelated_root_ca)
    assert load_ca_bundle([pki.ca_bundle, pki.root_ca, pki.unrelated_root_ca]) == [root, function_ca, unrelated]
    with pytest.raises(CertificateError, match=rf"CA bundle {tmp_path}/none\.pem does not exist"):
        load_ca_bundle([pki.ca_bundle, tmp_path / "none.pem"])
    empty = tmp_path / "empty.pem"
    empty.write_text("# no certificates here\n")
    with pytest.raises(CertificateError, match=r"CA bundle .*empty\.pem holds no readable certificate"):
        load_ca_bundle([empty])
    with pytest.raises(ConfigError, match="no CA bundle"):
        load_ca_bundle([])
