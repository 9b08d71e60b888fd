"""What a certificate file holds, in the terms a RIVTA integrator checks before a test run.

Most failed mTLS handshakes against a producer come down to a handful of things visible in
the certificate itself: it has expired, it is not valid yet, it lacks the clientAuth usage, or
its HSA-id (the ``serialNumber`` name attribute producers authorise on) is mistyped. These
show up here as warnings so ``rivta-harness certs show`` catches them before the producer does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from harness.certs._files import open_pkcs12, read_bytes
from harness.certs.hsaid import hsa_id_problems
from harness.errors import CertificateError

EXPIRY_WARNING_DAYS = 30
PKCS12_SUFFIXES = (".p12", ".pfx")
_NAME_OVERRIDES = {NameOID.SERIAL_NUMBER: "serialNumber"}
_EKU_NAMES = {
    ExtendedKeyUsageOID.CLIENT_AUTH: "clientAuth",
    ExtendedKeyUsageOID.SERVER_AUTH: "serverAuth",
    ExtendedKeyUsageOID.CODE_SIGNING: "codeSigning",
    ExtendedKeyUsageOID.EMAIL_PROTECTION: "emailProtection",
    ExtendedKeyUsageOID.TIME_STAMPING: "timeStamping",
    ExtendedKeyUsageOID.OCSP_SIGNING: "OCSPSigning",
    ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE: "anyExtendedKeyUsage",
}
_SAN_PREFIXES = {
    x509.DNSName: "DNS",
    x509.IPAddress: "IP",
    x509.RFC822Name: "email",
    x509.UniformResourceIdentifier: "URI",
}
_CURVE_NAMES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}


@dataclass(frozen=True)
class CertificateInfo:
    """One certificate, summarised; ``eku`` is None when the certificate has no EKU extension."""

    subject: str
    hsa_id: str | None
    issuer: str
    not_before: datetime
    not_after: datetime
    days_to_expiry: int
    key: str
    eku: tuple[str, ...] | None
    san: tuple[str, ...]
    sha256: str
    is_ca: bool
    warnings: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (datetimes as ISO 8601 UTC)."""
        return {
            "subject": self.subject,
            "hsa_id": self.hsa_id,
            "issuer": self.issuer,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
            "days_to_expiry": self.days_to_expiry,
            "key": self.key,
            "eku": None if self.eku is None else list(self.eku),
            "san": list(self.san),
            "sha256": self.sha256,
            "is_ca": self.is_ca,
            "warnings": list(self.warnings),
        }


def name_string(name: x509.Name) -> str:
    """RFC 4514 text, with ``serialNumber`` spelled out as SITHS documentation does."""
    return name.rfc4514_string(_NAME_OVERRIDES)


def days_phrase(days: int) -> str:
    """``days`` from today as words: "in 3 days", "today", "2 days ago"."""
    if days == 0:
        return "today"
    unit = "day" if abs(days) == 1 else "days"
    return f"in {days} {unit}" if days > 0 else f"{-days} {unit} ago"


def describe_certificate(cert: x509.Certificate, *, now: datetime | None = None) -> CertificateInfo:
    """Summarise ``cert`` and say what would make a producer reject it."""
    now = now or datetime.now(UTC)
    serials = cert.subject.get_attributes_for_oid(NameOID.SERIAL_NUMBER)
    hsa_id = str(serials[0].value) if serials else None
    not_before, not_after = cert.not_valid_before_utc, cert.not_valid_after_utc
    days = (not_after.date() - now.date()).days  # calendar days in UTC: "expires tomorrow" is 1
    eku = _eku(cert)
    is_ca = _is_ca(cert)
    warnings: list[str] = []
    if now > not_after:
        warnings.append(f"expired {days_phrase(days)}, on {not_after:%Y-%m-%d}")
    elif now < not_before:
        warnings.append(f"not valid until {not_before:%Y-%m-%d %H:%M} UTC")
    elif days <= EXPIRY_WARNING_DAYS:
        warnings.append(f"expires {days_phrase(days)}, on {not_after:%Y-%m-%d}")
    if not is_ca and eku is not None and not {"clientAuth", "anyExtendedKeyUsage"} & set(eku):
        warnings.append("no clientAuth extended key usage: fine for a server, but producers refuse it from a consumer")
    if hsa_id is not None and (problems := hsa_id_problems(hsa_id)):
        warnings.append(f"HSA-id {hsa_id!r} looks wrong: it {'; it '.join(problems)}")
    return CertificateInfo(
        subject=name_string(cert.subject),
        hsa_id=hsa_id,
        issuer=name_string(cert.issuer),
        not_before=not_before,
        not_after=not_after,
        days_to_expiry=days,
        key=_key_description(cert),
        eku=eku,
        san=_san(cert),
        sha256=cert.fingerprint(hashes.SHA256()).hex(":").upper(),
        is_ca=is_ca,
        warnings=tuple(warnings),
    )


def read_certificates(
    path: Path, *, password_env: str | None = None, what: str = "certificate file"
) -> list[x509.Certificate]:
    """Every certificate in a PEM (chain), DER or PKCS#12 file, in file order (PKCS#12: leaf first)."""
    if path.suffix.lower() in PKCS12_SUFFIXES:
        bundle = open_pkcs12(path, password_env)
        leaf = [bundle.cert.certificate] if bundle.cert else []
        return leaf + [extra.certificate for extra in bundle.additional_certs]
    data = read_bytes(path, what)
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise CertificateError(
            f"{what} {path} holds no readable certificate (expected PEM, DER, or PKCS#12 named .p12/.pfx)",
            hint="check that this is the certificate file and not the key or a CSR",
        ) from None


def inspect_certificate(
    path: Path, *, password_env: str | None = None, now: datetime | None = None
) -> list[CertificateInfo]:
    """Describe each certificate in ``path``; a PKCS#12 password comes from ``$password_env``."""
    certificates = read_certificates(path, password_env=password_env)
    return [describe_certificate(cert, now=now) for cert in certificates]


def _eku(cert: x509.Certificate) -> tuple[str, ...] | None:
    try:
        usages = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    except x509.ExtensionNotFound:
        return None
    return tuple(_EKU_NAMES.get(oid, oid.dotted_string) for oid in usages)


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    except x509.ExtensionNotFound:
        return False


def _san(cert: x509.Certificate) -> tuple[str, ...]:
    try:
        names = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return ()
    return tuple(_general_name(name) for name in names)


def _general_name(name: x509.GeneralName) -> str:
    if isinstance(name, x509.OtherName):
        return f"otherName:{name.type_id.dotted_string}"
    if isinstance(name, x509.DirectoryName):
        return f"dirName:{name_string(name.value)}"
    if isinstance(name, x509.RegisteredID):
        return f"RID:{name.value.dotted_string}"
    return f"{_SAN_PREFIXES.get(type(name), type(name).__name__)}:{name.value}"


def _key_description(cert: x509.Certificate) -> str:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size}"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return f"EC {_CURVE_NAMES.get(key.curve.name, key.curve.name)}"
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519"
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448"
    return type(key).__name__
