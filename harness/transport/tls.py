"""TLS contexts for calling producers: TLS 1.2+, our function certificate, the producer's CA chain."""

from __future__ import annotations

import functools
import ssl
from collections.abc import Sequence
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization

from harness.certs import ClientCredentials, load_ca_bundle
from harness.transport.exchange import PeerCertificate

_READABLE = {x509.NameOID.SERIAL_NUMBER: "serialNumber"}  # SITHS HSA-id, not "2.5.4.5=..."


def client_context(
    *,
    credentials: ClientCredentials | None,
    ca_bundle: Sequence[Path] = (),
    verify_hostname: bool = True,
) -> ssl.SSLContext:
    """A client context; without ``ca_bundle`` the system trust store is used."""
    context = ssl.create_default_context(ssl.Purpose.SERVER_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    if ca_bundle:
        pem = "".join(
            cert.public_bytes(serialization.Encoding.PEM).decode("ascii") for cert in load_ca_bundle(ca_bundle)
        )
        context.load_verify_locations(cadata=pem)
    context.check_hostname = verify_hostname
    if credentials is not None:
        credentials.apply_to(context)
    return context


def describe_chain(der_chain: Sequence[bytes]) -> tuple[PeerCertificate, ...]:
    """Subjects, issuers, fingerprints and expiry of DER certificates, leaf first."""
    return _describe(tuple(der_chain))


@functools.lru_cache(maxsize=64)
def _describe(der_chain: tuple[bytes, ...]) -> tuple[PeerCertificate, ...]:
    """Cached: a kept-alive connection presents the same chain on every call."""
    described = []
    for der in der_chain:
        cert = x509.load_der_x509_certificate(der)
        described.append(
            PeerCertificate(
                subject=cert.subject.rfc4514_string(_READABLE),
                issuer=cert.issuer.rfc4514_string(_READABLE),
                sha256=cert.fingerprint(hashes.SHA256()).hex(":").upper(),
                not_after=cert.not_valid_after_utc.isoformat(),
            )
        )
    return tuple(described)


def peer_chain(ssl_object: ssl.SSLObject | ssl.SSLSocket) -> tuple[PeerCertificate, ...]:
    """The producer's chain as verified (leaf only where Python cannot tell more)."""
    verified = getattr(ssl_object, "get_verified_chain", None)
    if verified is None:  # Python < 3.13 keeps it on the private object
        verified = getattr(getattr(ssl_object, "_sslobj", None), "get_verified_chain", None)
    if verified is not None:
        try:
            chain = verified()
            return describe_chain([c.public_bytes(ssl._ssl.ENCODING_DER) for c in chain])  # type: ignore[attr-defined]
        except (ssl.SSLError, ValueError, AttributeError):
            pass
    leaf = ssl_object.getpeercert(binary_form=True)
    return describe_chain([leaf]) if leaf else ()
