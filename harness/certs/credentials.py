"""The consumer's TLS client credentials: a function certificate, its chain and private key.

Integrators hold SITHS function certificates either as PEM certificate + key files or as a
PKCS#12 bundle. Both load into one ``ClientCredentials``. Passwords come only from an
environment variable and are dropped once the key is decrypted; the key lives on as an
in-memory object (TLS and, later, report signing need it) and is never shown by ``repr``.
"""

from __future__ import annotations

import secrets
import shutil
import ssl
import tempfile
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import (
    CertificateIssuerPrivateKeyTypes,
    CertificatePublicKeyTypes,
    PrivateKeyTypes,
)

from harness.certs._files import PASSWORD_HINT, open_pkcs12, password_from_env, read_bytes, write_file
from harness.certs.inspect import CertificateInfo, describe_certificate, read_certificates
from harness.errors import CertificateError, ConfigError

_TLS_KEY_TYPES = (
    rsa.RSAPrivateKey,
    ec.EllipticCurvePrivateKey,
    ed25519.Ed25519PrivateKey,
    ed448.Ed448PrivateKey,
)


class ClientCredentials:
    """A private key and the certificate chain that goes with it, leaf first.

    Made by ``load_client_credentials``, which checks that the key belongs to the leaf.
    """

    __slots__ = ("_chain", "_key", "_leaf_info", "_source")

    def __init__(
        self, chain: Sequence[x509.Certificate], private_key: CertificateIssuerPrivateKeyTypes, *, source: str
    ) -> None:
        self._chain = list(chain)
        self._key = private_key
        self._source = source
        self._leaf_info = describe_certificate(self._chain[0])

    @property
    def chain(self) -> list[x509.Certificate]:
        """Leaf first, then its issuers: what the harness sends in the TLS handshake."""
        return list(self._chain)

    @property
    def leaf_info(self) -> CertificateInfo:
        """The leaf described as it was when loaded (its warnings included)."""
        return self._leaf_info

    @property
    def hsa_id(self) -> str | None:
        """The HSA-id producers authorise on, from the leaf's serialNumber attribute."""
        return self._leaf_info.hsa_id

    @property
    def private_key(self) -> CertificateIssuerPrivateKeyTypes:
        """The decrypted key, for signing; never printed or written anywhere lasting."""
        return self._key

    def apply_to(self, context: ssl.SSLContext) -> None:
        """Load chain and key into ``context``.

        Python's ssl only reads files, so the chain and the key exist for a moment in a fresh
        0700 directory; the key is even then encrypted with a single-use random password, so a
        copy left by a killed process is worthless. The directory is removed before returning.
        """
        one_time = secrets.token_urlsafe(32).encode()
        key_pem = self._key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(one_time),
        )
        chain_pem = b"".join(cert.public_bytes(serialization.Encoding.PEM) for cert in self._chain)
        directory = Path(tempfile.mkdtemp(prefix="rivta-harness-tls-"))
        try:
            write_file(directory / "chain.pem", chain_pem, private=True)
            write_file(directory / "key.pem", key_pem, private=True)
            context.load_cert_chain(directory / "chain.pem", directory / "key.pem", password=one_time)
        except ssl.SSLError as exc:
            raise CertificateError(
                f"Python's ssl module refused the client credentials from {self._source}: {exc}",
                hint="check the key type and that the certificate and key belong together",
            ) from None
        finally:
            shutil.rmtree(directory, ignore_errors=True)

    def __repr__(self) -> str:
        return (
            f"ClientCredentials(hsa_id={self.hsa_id!r}, subject={self._leaf_info.subject!r}, "
            f"chain={len(self._chain)} certificates, source={self._source!r})"
        )


def load_client_credentials(
    *,
    cert: Path | None = None,
    key: Path | None = None,
    pkcs12: Path | None = None,
    password_env: str | None = None,
) -> ClientCredentials:
    """Load PEM ``cert`` + ``key``, or a ``pkcs12`` bundle; any password comes from ``$password_env``."""
    if pkcs12 is not None:
        if cert is not None or key is not None:
            raise ConfigError(
                f"both a PKCS#12 file ({pkcs12}) and a certificate/key were given",
                hint="give either the PKCS#12 file or the certificate and key files",
            )
        return _from_pkcs12(pkcs12, password_env)
    if cert is None or key is None:
        raise ConfigError(
            "client credentials need a certificate and its key, or a PKCS#12 file",
            hint="give both the certificate and the key file, or the .p12/.pfx bundle",
        )
    certificates = read_certificates(cert, password_env=password_env)
    private_key = _load_pem_key(key, password_env)
    return _matched(certificates, private_key, cert_source=cert, key_source=key)


def load_ca_bundle(paths: Sequence[Path]) -> list[x509.Certificate]:
    """The CA certificates in ``paths`` (PEM bundles or single DER files), duplicates dropped."""
    if not paths:
        raise ConfigError(
            "no CA bundle given",
            hint="give the PEM file(s) with the CAs that issued the producer's certificate",
        )
    found: dict[bytes, x509.Certificate] = {}
    for path in paths:
        for cert in read_certificates(path, what="CA bundle"):
            found.setdefault(cert.fingerprint(hashes.SHA256()), cert)
    return list(found.values())


def _from_pkcs12(path: Path, password_env: str | None) -> ClientCredentials:
    bundle = open_pkcs12(path, password_env)
    if bundle.key is None:
        raise CertificateError(
            f"PKCS#12 file {path} holds no private key", hint="export it again with the private key included"
        )
    certificates = [bundle.cert.certificate] if bundle.cert else []
    certificates += [extra.certificate for extra in bundle.additional_certs]
    return _matched(certificates, bundle.key, cert_source=path, key_source=path)


def _load_pem_key(path: Path, password_env: str | None) -> PrivateKeyTypes:
    data = read_bytes(path, "private key file")
    try:
        return serialization.load_pem_private_key(data, None)
    except TypeError:
        pass  # encrypted: needs the password
    except (ValueError, UnsupportedAlgorithm):
        raise CertificateError(
            f"private key file {path} holds no readable PEM private key",
            hint="check that the key and certificate options are not swapped",
        ) from None
    if password_env is None:
        raise CertificateError(f"private key file {path} is encrypted and no password was given", hint=PASSWORD_HINT)
    try:
        return serialization.load_pem_private_key(data, password_from_env(password_env, path))
    except ValueError:
        raise CertificateError(
            f"password from ${password_env} does not decrypt private key file {path}",
            hint=f"check the value of {password_env}",
        ) from None


def _matched(
    certificates: Sequence[x509.Certificate],
    private_key: PrivateKeyTypes,
    *,
    cert_source: Path,
    key_source: Path,
) -> ClientCredentials:
    """Credentials whose leaf is the certificate that matches the key, its issuers after it."""
    if not isinstance(private_key, _TLS_KEY_TYPES):
        raise CertificateError(
            f"private key file {key_source} has a {type(private_key).__name__}, unusable for TLS client auth",
            hint="use an RSA or EC key",
        )
    if not certificates:
        raise CertificateError(f"{cert_source} holds no certificate", hint="include the function certificate")
    wanted = _spki(private_key.public_key())
    leaf = next((cert for cert in certificates if _spki(cert.public_key()) == wanted), None)
    if leaf is None:
        raise CertificateError(
            f"the private key in {key_source} does not match the certificate in {cert_source}",
            hint="use the key file that was issued together with this certificate",
        )
    chain, rest = [leaf], [cert for cert in certificates if cert != leaf]
    while (issuer := next((c for c in rest if c.subject == chain[-1].issuer), None)) is not None:
        chain.append(issuer)
        rest.remove(issuer)
    source = str(cert_source) if cert_source == key_source else f"{cert_source} + {key_source}"
    return ClientCredentials(chain + rest, private_key, source=source)


def _spki(public_key: CertificatePublicKeyTypes) -> bytes:
    return public_key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
