"""A throwaway test PKI shaped like SITHS, so mTLS can be exercised without real credentials.

SITHS function certificates are RSA certificates from a function-certificate CA under the
SITHS e-id root; they carry the owner's HSA-id in the subject ``serialNumber`` and have the
clientAuth usage. The test PKI copies that shape but says TEST in every CA name and in the
organisation, so nobody mistakes it for SITHS and no real producer trusts it. Besides the
working consumer and producer credentials it writes the broken ones the TLS checks need.

Files written (``TestPki`` attribute → file; ``pki.json`` says the same per file):

    root_ca                       root-ca.pem                     test root CA
    function_ca                   function-ca.pem                 issuing "Function CA"
    ca_bundle                     ca-bundle.pem                   root + function CA (trust these)
    unrelated_root_ca             unrelated-root-ca.pem           a root nobody else trusts
    consumer_cert / _key          consumer.pem / consumer.key     function certificate (RSA 2048)
    consumer_encrypted_key        consumer-encrypted.key          same key, encrypted with the password
    consumer_p12                  consumer.p12                    same key + chain, encrypted
    consumer_password             consumer.p12.password           the random password for both
    producer_cert / _key          producer.pem / producer.key     server certificate for producer_hosts
    consumer_expired_cert / _key  consumer-expired.pem / .key     validity ended yesterday
    consumer_not_yet_valid_...    consumer-not-yet-valid.pem/.key validity starts tomorrow
    consumer_unrelated_ca_...     consumer-unrelated-ca.pem/.key  issued by the unrelated root
    consumer_missing_intermediate consumer-missing-intermediate.pem  leaf only (key: consumer.key) *
    consumer_wrong_eku_...        consumer-wrong-eku.pem/.key     serverAuth only, no clientAuth
    producer_expired_...          producer-expired.pem/.key       validity ended yesterday
    producer_unrelated_ca_...     producer-unrelated-ca.pem/.key  issued by the unrelated root
    producer_wrong_host_...       producer-wrong-host.pem/.key    SAN only wrong-host.harness.test
    manifest                      pki.json                        purpose, kind, subject, not_after

Certificate files hold the leaf followed by its issuing CA (what a TLS peer sends), except
the missing-intermediate one. Keys are unencrypted PKCS#8 PEM, mode 0600. Leaves other than
the consumer function certificate use EC P-256 keys so that generation stays fast.

* OpenSSL completes a client's chain from the client's own trust store, so the intermediate
  only goes missing on the wire if the client does not trust function-ca.pem either; the
  producer must trust root-ca.pem alone for the handshake to fail.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    NoEncryption,
    PrivateFormat,
    pkcs12,
)
from cryptography.x509.oid import ExtendedKeyUsageOID

from harness.certs._build import Issuer, PkiKey, Profile, ca, leaf, name
from harness.certs._files import write_file
from harness.certs.inspect import name_string
from harness.errors import CertificateError, ConfigError

TEST_ORGANISATION = "RIVTA Harness Test PKI (not SITHS)"
CONSUMER_ORGANISATION = "RIVTA Harness Test Consumer"
PRODUCER_ORGANISATION = "RIVTA Harness Reference Producer"
DEFAULT_HSA_ID = "SE1234567890-HRN1"
DEFAULT_PRODUCER_HOSTS = ("localhost", "127.0.0.1")
DEFAULT_PRODUCER_HSA_ID = "SE1234567890-PRD1"
CONSUMER_HOST = "consumer.harness.test"
WRONG_HOST = "wrong-host.harness.test"
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class TestPki:
    """Where ``generate_test_pki`` put each file (the module docstring says what each one is)."""

    __test__ = False  # not a pytest test class, whatever the name suggests

    directory: Path
    hsa_id: str
    producer_hsa_id: str
    root_ca: Path
    function_ca: Path
    ca_bundle: Path
    unrelated_root_ca: Path
    consumer_cert: Path
    consumer_key: Path
    consumer_encrypted_key: Path
    consumer_p12: Path
    consumer_password: Path
    producer_cert: Path
    producer_key: Path
    consumer_expired_cert: Path
    consumer_expired_key: Path
    consumer_not_yet_valid_cert: Path
    consumer_not_yet_valid_key: Path
    consumer_unrelated_ca_cert: Path
    consumer_unrelated_ca_key: Path
    consumer_missing_intermediate_cert: Path
    consumer_wrong_eku_cert: Path
    consumer_wrong_eku_key: Path
    producer_expired_cert: Path
    producer_expired_key: Path
    producer_unrelated_ca_cert: Path
    producer_unrelated_ca_key: Path
    producer_wrong_host_cert: Path
    producer_wrong_host_key: Path
    manifest: Path

    @classmethod
    def open(cls, directory: Path) -> TestPki:
        """A PKI generated earlier into ``directory`` (read from its ``pki.json``)."""
        manifest = directory / "pki.json"
        try:
            header = json.loads(manifest.read_text(encoding="utf-8"))
            return cls._layout(directory, str(header["consumer_hsa_id"]), str(header["producer_hsa_id"]))
        except (OSError, ValueError, KeyError) as exc:
            raise CertificateError(
                f"{manifest}: not a test PKI manifest ({exc})", hint="run `rivta-harness certs init` into a new folder"
            ) from None

    @classmethod
    def _layout(cls, directory: Path, hsa_id: str, producer_hsa_id: str) -> TestPki:
        """The one place that names the files."""
        return cls(
            directory=directory,
            hsa_id=hsa_id,
            producer_hsa_id=producer_hsa_id,
            root_ca=directory / "root-ca.pem",
            function_ca=directory / "function-ca.pem",
            ca_bundle=directory / "ca-bundle.pem",
            unrelated_root_ca=directory / "unrelated-root-ca.pem",
            consumer_cert=directory / "consumer.pem",
            consumer_key=directory / "consumer.key",
            consumer_encrypted_key=directory / "consumer-encrypted.key",
            consumer_p12=directory / "consumer.p12",
            consumer_password=directory / "consumer.p12.password",
            producer_cert=directory / "producer.pem",
            producer_key=directory / "producer.key",
            consumer_expired_cert=directory / "consumer-expired.pem",
            consumer_expired_key=directory / "consumer-expired.key",
            consumer_not_yet_valid_cert=directory / "consumer-not-yet-valid.pem",
            consumer_not_yet_valid_key=directory / "consumer-not-yet-valid.key",
            consumer_unrelated_ca_cert=directory / "consumer-unrelated-ca.pem",
            consumer_unrelated_ca_key=directory / "consumer-unrelated-ca.key",
            consumer_missing_intermediate_cert=directory / "consumer-missing-intermediate.pem",
            consumer_wrong_eku_cert=directory / "consumer-wrong-eku.pem",
            consumer_wrong_eku_key=directory / "consumer-wrong-eku.key",
            producer_expired_cert=directory / "producer-expired.pem",
            producer_expired_key=directory / "producer-expired.key",
            producer_unrelated_ca_cert=directory / "producer-unrelated-ca.pem",
            producer_unrelated_ca_key=directory / "producer-unrelated-ca.key",
            producer_wrong_host_cert=directory / "producer-wrong-host.pem",
            producer_wrong_host_key=directory / "producer-wrong-host.key",
            manifest=directory / "pki.json",
        )


class _Output:
    """Writes the PKI's files and remembers a manifest entry for each."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {}

    def certs(self, path: Path, purpose: str, chain: Sequence[x509.Certificate], *, kind: str = "cert") -> None:
        described = [
            {"subject": name_string(cert.subject), "not_after": _iso(cert.not_valid_after_utc)} for cert in chain
        ]
        details = {"certificates": described} if kind == "bundle" else described[0]
        pem = b"".join(cert.public_bytes(Encoding.PEM) for cert in chain)
        self._write(path, {"kind": kind, "purpose": purpose, **details}, pem, private=False)

    def key(self, path: Path, purpose: str, key: PkiKey, password: bytes | None = None) -> None:
        encryption = BestAvailableEncryption(password) if password else NoEncryption()
        pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, encryption)
        self._write(path, {"kind": "key", "purpose": purpose}, pem, private=True)

    def secret(self, path: Path, purpose: str, kind: str, data: bytes) -> None:
        self._write(path, {"kind": kind, "purpose": purpose}, data, private=True)

    def manifest(self, path: Path, header: dict[str, Any]) -> None:
        """Written last, so that it lists every other file."""
        document = {**header, "files": self.entries}
        write_file(path, (json.dumps(document, indent=2) + "\n").encode(), private=False)

    def _write(self, path: Path, entry: dict[str, Any], data: bytes, *, private: bool) -> None:
        write_file(path, data, private=private)
        self.entries[path.name] = entry


def generate_test_pki(
    directory: Path,
    *,
    hsa_id: str = DEFAULT_HSA_ID,
    producer_hosts: Sequence[str] = DEFAULT_PRODUCER_HOSTS,
    producer_hsa_id: str = DEFAULT_PRODUCER_HSA_ID,
    now: datetime | None = None,
) -> TestPki:
    """Write a fresh test PKI into ``directory`` (created if needed; earlier files overwritten)."""
    if now is not None and now.tzinfo is None:
        raise ValueError("now must be a timezone-aware datetime")
    now = now or datetime.now(UTC)
    hosts = tuple(host.strip() for host in producer_hosts)
    if not hosts or not all(hosts):
        raise ConfigError("a producer host is empty", hint="give each producer host as a DNS name or IP address")
    pki = TestPki._layout(directory, hsa_id, producer_hsa_id)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        _write(pki, hosts, now)
    except OSError as exc:
        raise ConfigError(
            f"cannot write the test PKI to {directory}: {exc.strerror}",
            hint="choose a directory you can write to",
        ) from None
    return pki


def _write(pki: TestPki, hosts: tuple[str, ...], now: datetime) -> None:
    """Every certificate, key and secret, then the manifest that describes them."""
    hsa_id, producer_hsa_id = pki.hsa_id, pki.producer_hsa_id
    out = _Output()

    ca_validity = (now - timedelta(days=730), now + timedelta(days=3650))
    root = ca(name("TEST RIVTA Harness e-id Root CA v2", TEST_ORGANISATION), None, ca_validity, path_length=1)
    function_ca = ca(
        name("TEST RIVTA Harness e-id Function CA v1", TEST_ORGANISATION), root, ca_validity, path_length=0
    )
    unrelated = ca(name("TEST Unrelated Root CA", TEST_ORGANISATION), None, ca_validity, path_length=0)
    out.certs(pki.root_ca, "Test root CA (stands in for SITHS e-id Root CA v2).", [root.cert])
    out.certs(pki.function_ca, "Issuing CA (stands in for SITHS e-id Function CA).", [function_ca.cert])
    out.certs(
        pki.ca_bundle,
        "Root and function CA: what both sides trust.",
        [root.cert, function_ca.cert],
        kind="bundle",
    )
    out.certs(
        pki.unrelated_root_ca,
        "A root CA nobody trusts; it issued the unrelated-CA negatives.",
        [unrelated.cert],
    )

    current = (now - _DAY, now + timedelta(days=730))
    expired = (now - timedelta(days=366), now - _DAY)
    future = (now + _DAY, now + timedelta(days=366))
    client_auth = (ExtendedKeyUsageOID.CLIENT_AUTH,)
    server_auth = (ExtendedKeyUsageOID.SERVER_AUTH,)
    consumer = Profile(name(CONSUMER_HOST, CONSUMER_ORGANISATION, hsa_id), client_auth, (CONSUMER_HOST,), current)
    producer = Profile(name(hosts[0], PRODUCER_ORGANISATION, producer_hsa_id), server_auth, hosts, current)
    hosts_text = ", ".join(hosts)

    consumer_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    consumer_cert = leaf(consumer, consumer_key, function_ca)
    password = secrets.token_urlsafe(24).encode()
    out.certs(
        pki.consumer_cert,
        "Consumer function certificate (RSA 2048, clientAuth) and its issuing CA.",
        [consumer_cert, function_ca.cert],
    )
    out.key(pki.consumer_key, "Private key of consumer.pem, unencrypted.", consumer_key)
    out.key(
        pki.consumer_encrypted_key,
        "Private key of consumer.pem, encrypted with the password file's password.",
        consumer_key,
        password,
    )
    p12 = pkcs12.serialize_key_and_certificates(
        b"consumer", consumer_key, consumer_cert, [function_ca.cert], BestAvailableEncryption(password)
    )
    out.secret(
        pki.consumer_p12,
        "consumer.pem, its key and chain as PKCS#12, encrypted with the password file's password.",
        "p12",
        p12,
    )
    out.secret(
        pki.consumer_password,
        "Random password of consumer.p12 and consumer-encrypted.key (no newline).",
        "password",
        password,
    )
    out.certs(
        pki.consumer_missing_intermediate_cert,
        "consumer.pem alone (key: consumer.key); fails only where neither side trusts function-ca.pem.",
        [consumer_cert],
    )

    ec_leaves: list[tuple[Path, Path, str, Profile, Issuer]] = [
        (
            pki.producer_cert,
            pki.producer_key,
            f"Reference producer server certificate (serverAuth) for {hosts_text}",
            producer,
            function_ca,
        ),
        (
            pki.consumer_expired_cert,
            pki.consumer_expired_key,
            "Consumer certificate whose validity ended yesterday",
            replace(consumer, validity=expired),
            function_ca,
        ),
        (
            pki.consumer_not_yet_valid_cert,
            pki.consumer_not_yet_valid_key,
            "Consumer certificate whose validity starts tomorrow",
            replace(consumer, validity=future),
            function_ca,
        ),
        (
            pki.consumer_unrelated_ca_cert,
            pki.consumer_unrelated_ca_key,
            "Consumer certificate issued by the unrelated root CA",
            consumer,
            unrelated,
        ),
        (
            pki.consumer_wrong_eku_cert,
            pki.consumer_wrong_eku_key,
            "Consumer certificate with serverAuth only, no clientAuth",
            replace(consumer, usages=server_auth),
            function_ca,
        ),
        (
            pki.producer_expired_cert,
            pki.producer_expired_key,
            f"Producer certificate for {hosts_text} whose validity ended yesterday",
            replace(producer, validity=expired),
            function_ca,
        ),
        (
            pki.producer_unrelated_ca_cert,
            pki.producer_unrelated_ca_key,
            f"Producer certificate for {hosts_text} issued by the unrelated root CA",
            producer,
            unrelated,
        ),
        (
            pki.producer_wrong_host_cert,
            pki.producer_wrong_host_key,
            f"Producer certificate naming only {WRONG_HOST}",
            replace(
                producer,
                subject=name(WRONG_HOST, PRODUCER_ORGANISATION, producer_hsa_id),
                names=(WRONG_HOST,),
            ),
            function_ca,
        ),
    ]
    for cert_path, key_path, purpose, profile, issuer in ec_leaves:
        key = ec.generate_private_key(ec.SECP256R1())
        out.certs(cert_path, f"{purpose}, chain included.", [leaf(profile, key, issuer), issuer.cert])
        out.key(key_path, f"Private key of {cert_path.name}, unencrypted.", key)

    out.manifest(
        pki.manifest,
        {
            "description": "Throwaway TEST PKI from rivta-harness: shaped like SITHS, trusted by nobody.",
            "generated_at": _iso(now),
            "consumer_hsa_id": hsa_id,
            "producer_hsa_id": producer_hsa_id,
            "producer_hosts": list(hosts),
        },
    )


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")
