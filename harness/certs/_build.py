"""X.509 building blocks for the test PKI: names, CAs and leaves shaped like SITHS ones."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import NameOID

PkiKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey
Validity = tuple[datetime, datetime]


@dataclass(frozen=True)
class Issuer:
    """A CA certificate with the key that signs what it issues."""

    cert: x509.Certificate
    key: PkiKey


@dataclass(frozen=True)
class Profile:
    """What a leaf certificate says: who, for which usages and names, and when."""

    subject: x509.Name
    usages: tuple[x509.ObjectIdentifier, ...]
    names: tuple[str, ...]
    validity: Validity


def name(common_name: str, organisation: str, hsa_id: str | None = None) -> x509.Name:
    """``serialNumber=HSA-id, CN=..., O=..., C=SE`` in RFC 4514 order, as SITHS names read."""
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "SE"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if hsa_id is not None:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, hsa_id))
    return x509.Name(attributes)  # encoded C first: RFC 4514 text lists the RDNs reversed


def ca(subject: x509.Name, issuer: Issuer | None, validity: Validity, *, path_length: int) -> Issuer:
    """A CA with a fresh P-256 key; self-signed when ``issuer`` is None."""
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        _builder(subject, key, issuer, validity)
        .add_extension(x509.BasicConstraints(ca=True, path_length=path_length), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .sign(issuer.key if issuer else key, hashes.SHA256())
    )
    return Issuer(cert=cert, key=key)


def leaf(profile: Profile, key: PkiKey, issuer: Issuer) -> x509.Certificate:
    """An end-entity certificate for ``key`` as ``profile`` describes, signed by ``issuer``."""
    # keyEncipherment only means something for RSA key transport, so EC keys do not get it.
    usage = _key_usage(digital_signature=True, key_encipherment=isinstance(key, rsa.RSAPrivateKey))
    builder = (
        _builder(profile.subject, key, issuer, profile.validity)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.ExtendedKeyUsage(profile.usages), critical=False)
    )
    if profile.names:  # SITHS function certificates need not carry a subjectAltName
        alt_names = x509.SubjectAlternativeName([_general_name(host) for host in profile.names])
        builder = builder.add_extension(alt_names, critical=False)
    return builder.sign(issuer.key, hashes.SHA256())


def _builder(subject: x509.Name, key: PkiKey, issuer: Issuer | None, validity: Validity) -> x509.CertificateBuilder:
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(validity[0])
        .not_valid_after(validity[1])
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    if issuer is not None:
        authority = x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key())
        builder = builder.add_extension(authority, critical=False)
    return builder


def _key_usage(
    *,
    digital_signature: bool = False,
    key_encipherment: bool = False,
    key_cert_sign: bool = False,
    crl_sign: bool = False,
) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=digital_signature,
        content_commitment=False,
        key_encipherment=key_encipherment,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=key_cert_sign,
        crl_sign=crl_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _general_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)
