"""Stage 6d: signing a bundle with the vendor's function certificate, and verifying it offline.

The manifest lists the sha256 of every file in the bundle; a detached JWS (RFC 7515,
appendix F) over the manifest, carrying the signer's certificate chain in ``x5c``, binds
them to the vendor. ``verify`` needs nothing but the bundle and, to judge the signer, the
CA bundle the reviewer trusts: it checks the signature, the chain at signing time, every
hash, and names each file that was added, removed or changed.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature, encode_dss_signature
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

from harness.certs import ClientCredentials, load_ca_bundle
from harness.errors import ReportError
from harness.report.bundle import MANIFEST, MANIFEST_FORMAT, SIGNATURE, bundle_files, read_document, sha256_file
from harness.report.bundle import validate_document as validate_against_schema

_EC_ALGORITHMS = {
    "secp256r1": ("ES256", hashes.SHA256(), 32),
    "secp384r1": ("ES384", hashes.SHA384(), 48),
    "secp521r1": ("ES512", hashes.SHA512(), 66),
}
_RSA = ("RS256", hashes.SHA256())


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_bundle(report_dir: Path, credentials: ClientCredentials) -> Path:
    """Write ``manifest.json.jws``: a detached JWS over manifest.json by the given certificate."""
    manifest_path = report_dir / MANIFEST
    if not manifest_path.is_file():
        raise ReportError(f"{manifest_path}: no manifest", hint="sign a report folder written by a run")
    key = credentials.private_key
    chain = credentials.chain
    if isinstance(key, rsa.RSAPrivateKey):
        alg, digest = _RSA
    elif isinstance(key, ec.EllipticCurvePrivateKey) and key.curve.name in _EC_ALGORITHMS:
        alg, digest, _ = _EC_ALGORITHMS[key.curve.name]
    else:
        raise ReportError("the signing key must be RSA or EC P-256/384/521")
    header = {
        "alg": alg,
        "cty": MANIFEST_FORMAT,
        "iat": int(time.time()),
        "x5c": [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode("ascii") for c in chain],
        "x5t#S256": _b64(chain[0].fingerprint(hashes.SHA256())),
    }
    protected = _b64(json.dumps(header, separators=(",", ":")).encode())
    signing_input = f"{protected}.{_b64(manifest_path.read_bytes())}".encode("ascii")
    if isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(signing_input, padding.PKCS1v15(), digest)
    else:
        r, s = decode_dss_signature(key.sign(signing_input, ec.ECDSA(digest)))
        size = _EC_ALGORITHMS[key.curve.name][2]
        signature = r.to_bytes(size, "big") + s.to_bytes(size, "big")
    path = report_dir / SIGNATURE
    path.write_text(f"{protected}..{_b64(signature)}\n", encoding="ascii")
    return path


@dataclass(slots=True)
class Verification:
    """What ``verify`` established (facts) and what is wrong (problems); ok only without problems."""

    facts: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems


def _check_signature(
    report_dir: Path, result: Verification
) -> tuple[x509.Certificate, list[x509.Certificate], datetime] | None:
    signature_path = report_dir / SIGNATURE
    if not signature_path.is_file():
        result.problems.append(f"{SIGNATURE} is missing: the bundle is not signed")
        return None
    try:
        protected, payload, signature_text = signature_path.read_text(encoding="ascii").strip().split(".")
        header: dict[str, Any] = json.loads(_unb64(protected))
        chain = [x509.load_der_x509_certificate(base64.b64decode(c)) for c in header["x5c"]]
        signature = _unb64(signature_text)
    except (ValueError, KeyError, UnicodeDecodeError) as exc:
        result.problems.append(f"{SIGNATURE} is not a detached JWS with an x5c chain ({exc})")
        return None
    if payload:
        result.problems.append(f"{SIGNATURE} carries an attached payload; a detached signature was expected")
    signing_input = f"{protected}.{_b64((report_dir / MANIFEST).read_bytes())}".encode("ascii")
    leaf = chain[0]
    public_key = leaf.public_key()
    try:
        if header.get("alg") == "RS256" and isinstance(public_key, rsa.RSAPublicKey):
            public_key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(public_key, ec.EllipticCurvePublicKey) and public_key.curve.name in _EC_ALGORITHMS:
            alg, digest, size = _EC_ALGORITHMS[public_key.curve.name]
            if header.get("alg") != alg or len(signature) != 2 * size:
                raise InvalidSignature
            der = encode_dss_signature(int.from_bytes(signature[:size], "big"), int.from_bytes(signature[size:], "big"))
            public_key.verify(der, signing_input, ec.ECDSA(digest))
        else:
            raise InvalidSignature
    except InvalidSignature:
        result.problems.append(f"the signature does not match {MANIFEST}: the manifest was changed after signing")
        return None
    signed_at = datetime.fromtimestamp(int(header.get("iat", 0)), UTC)
    signer = leaf.subject.rfc4514_string({x509.NameOID.SERIAL_NUMBER: "serialNumber"})
    result.facts.append(f"signature valid: signed {signed_at.isoformat()} by {signer}")
    return leaf, chain[1:], signed_at


def _check_chain(
    leaf: x509.Certificate,
    intermediates: list[x509.Certificate],
    signed_at: datetime,
    ca_bundle: Sequence[Path],
    result: Verification,
) -> None:
    if not ca_bundle:
        result.facts.append("signer's certificate chain not checked: give --ca-bundle with the CAs you trust")
        return
    verifier = PolicyBuilder().store(Store(load_ca_bundle(ca_bundle))).time(signed_at).build_client_verifier()
    try:
        verifier.verify(leaf, intermediates)
    except VerificationError as exc:
        result.problems.append(f"the signer's certificate does not chain to the trusted CAs at signing time ({exc})")
        return
    result.facts.append("signer's certificate chains to a trusted CA and was valid when it signed")


def _check_hashes(report_dir: Path, result: Verification) -> None:
    try:
        manifest = json.loads((report_dir / MANIFEST).read_text(encoding="utf-8"))
        listed = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        result.problems.append(f"{MANIFEST} is unreadable ({exc})")
        return
    present = set(bundle_files(report_dir))
    for path in sorted(set(listed) - present):
        result.problems.append(f"{path}: listed in the manifest but missing")
    for path in sorted(present - set(listed)):
        result.problems.append(f"{path}: not listed in the manifest (added after the manifest was written)")
    changed = [path for path in sorted(set(listed) & present) if sha256_file(report_dir / path) != listed[path]]
    result.problems += [f"{path}: changed (sha256 differs from the manifest)" for path in changed]
    if not changed:
        result.facts.append(f"{len(set(listed) & present)} files match their sha256 in the manifest")


def verify_bundle(report_dir: Path, ca_bundle: Sequence[Path] = ()) -> Verification:
    """Check signature, signer chain, every hash, and the document's schema; never raises for a bad bundle."""
    result = Verification()
    if not (report_dir / MANIFEST).is_file():
        raise ReportError(f"{report_dir}: no {MANIFEST}", hint="give a report folder written by a run")
    signed = _check_signature(report_dir, result)
    if signed is not None:
        _check_chain(*signed, ca_bundle, result)
    _check_hashes(report_dir, result)
    try:
        validate_against_schema(read_document(report_dir))
        result.facts.append("self-declaration.json follows schema version 1.0")
    except ReportError as exc:
        result.problems.append(str(exc))
    return result
