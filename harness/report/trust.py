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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.verification import Criticality, ExtensionPolicy, PolicyBuilder, Store, VerificationError
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import ECKey, RSAKey
from joserfc.registry import HeaderParameter

from harness.certs import ClientCredentials, load_ca_bundle
from harness.errors import ReportError
from harness.report.bundle import MANIFEST, MANIFEST_FORMAT, SIGNATURE, bundle_files, read_document, sha256_file
from harness.report.bundle import validate_document as validate_against_schema

_EC_ALGORITHMS = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
_RSA = "RS256"
# RFC 7515 leaves ``iat`` to the application; registered here so the strict header check keeps the rest out.
_REGISTRY = jws.JWSRegistry(
    header_registry={"iat": HeaderParameter("signing time, seconds since the epoch", "int")},
    algorithms=[_RSA, *_EC_ALGORITHMS.values()],
)
_REGISTRY.max_header_length = 64 * 1024  # the x5c chain alone exceeds joserfc's 512-byte default


def _algorithm(key: object) -> str:
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return _RSA
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey) and key.curve.name in _EC_ALGORITHMS:
        return _EC_ALGORITHMS[key.curve.name]
    raise ReportError("the signing key must be RSA or EC P-256/384/521")


def _jwk(key: Any) -> RSAKey | ECKey:
    return RSAKey.import_key(key) if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey) else ECKey.import_key(key)


def sign_bundle(report_dir: Path, credentials: ClientCredentials) -> Path:
    """Write ``manifest.json.jws``: a detached JWS (RFC 7515 appendix F) over manifest.json."""
    manifest_path = report_dir / MANIFEST
    if not manifest_path.is_file():
        raise ReportError(f"{manifest_path}: no manifest", hint="sign a report folder written by a run")
    key = credentials.private_key
    chain = credentials.chain
    header = {
        "alg": _algorithm(key),
        "cty": MANIFEST_FORMAT,
        "iat": int(time.time()),
        "x5c": [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode("ascii") for c in chain],
        "x5t#S256": base64.urlsafe_b64encode(chain[0].fingerprint(hashes.SHA256())).rstrip(b"=").decode("ascii"),
    }
    signed = jws.serialize_compact(header, manifest_path.read_bytes(), _jwk(key), registry=_REGISTRY)
    path = report_dir / SIGNATURE
    path.write_text(f"{jws.detach_content(signed)}\n", encoding="ascii")
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
    text = signature_path.read_text(encoding="ascii", errors="replace").strip()
    try:
        header: dict[str, Any] = jws.extract_compact(text.encode("ascii"), registry=_REGISTRY).headers()
        chain = [x509.load_der_x509_certificate(base64.b64decode(c)) for c in header["x5c"]]
    except (JoseError, ValueError, KeyError, TypeError) as exc:
        result.problems.append(f"{SIGNATURE} is not a detached JWS with an x5c chain ({exc})")
        return None
    if text.split(".")[1:2] != [""]:
        result.problems.append(f"{SIGNATURE} carries an attached payload; a detached signature was expected")
    leaf = chain[0]
    try:
        if header.get("alg") != _algorithm(leaf.public_key()):
            raise jws.BadSignatureError
        jws.deserialize_compact(
            text, _jwk(leaf.public_key()), registry=_REGISTRY, payload=(report_dir / MANIFEST).read_bytes()
        )
    except (JoseError, ReportError):
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
    # A function certificate (SITHS) need not name a host: subjectAltName is allowed, not required.
    leaf_policy = ExtensionPolicy.webpki_defaults_ee().may_be_present(
        x509.SubjectAlternativeName, Criticality.AGNOSTIC, None
    )
    verifier = (
        PolicyBuilder()
        .store(Store(load_ca_bundle(ca_bundle)))
        .time(signed_at)
        .extension_policies(ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=leaf_policy)
        .build_client_verifier()
    )
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


# -- what may be signed, and what a reviewer must be told --------------------------------------

EXPIRY_WARNING_DAYS = 30
SIGN_AGAIN = "rivta-harness report sign {dir} --pkcs12 FILE --cert-password-env VAR (or --cert/--key)"


def submission_problems(document: Mapping[str, Any]) -> list[str]:
    """Why a run cannot be handed in as a certification submission (empty when it can)."""
    problems = []
    run = document.get("run", {})
    if not run.get("complete", False):
        problems.append(f"the run is incomplete ({run.get('interruption') or 'not every planned check ran'})")
    errors = document.get("totals", {}).get("error", 0)
    if errors:
        problems.append(f"{errors} checks could not run (verdict error)")
    undeclared = sorted(
        {
            d["check"]
            for d in document.get("deviations", [])
            if d.get("status") == "undeclared" and d.get("level") == "mandatory"
        }
    )
    if undeclared:
        problems.append(f"undeclared deviations: {', '.join(undeclared)}")
    return problems


def check_signer(credentials: ClientCredentials, ca_bundle: Sequence[Path], now: datetime | None = None) -> list[str]:
    """Raise when the signer does not chain to ``ca_bundle`` now; return warnings (expiry within 30 days)."""
    moment = now or datetime.now(UTC)
    if ca_bundle:
        result = Verification()
        _check_chain(credentials.chain[0], credentials.chain[1:], moment, ca_bundle, result)
        if result.problems:
            raise ReportError(
                f"not signed: {result.problems[0]}",
                hint="sign with your organisation's function certificate, or give the CA bundle that issued it",
            )
    days = (credentials.chain[0].not_valid_after_utc - moment).days
    if days < EXPIRY_WARNING_DAYS:
        return [
            f"the signing certificate expires in {max(days, 0)} days ({credentials.chain[0].not_valid_after_utc:%Y-%m-%d}); "
            "a reviewer may receive the bundle after that: renew it and sign again"
        ]
    return []


def require_chain_check(
    report_dir: Path, result: Verification, ca_bundle: Sequence[Path], *, no_chain_check: bool
) -> None:
    """Without a CA bundle the signer is unknown: a problem, unless the reviewer explicitly waived the check."""
    if ca_bundle or _check_signature(report_dir, Verification()) is None:
        return
    text = "signature intact, but the signer was not checked against any trusted CA (give --ca-bundle)"
    result.facts = [fact for fact in result.facts if "chain not checked" not in fact]  # said once, below
    if no_chain_check:
        result.facts.append(f"{text}; --no-chain-check given")
    else:
        result.problems.append(f"{text}, or --no-chain-check to accept an unchecked signer")


def signature_removed(report_dir: Path, was_signed: bool) -> str | None:
    """The loud notice for a command that rewrote a signed bundle's manifest (and so dropped its signature)."""
    if not was_signed or (report_dir / SIGNATURE).is_file():
        return None
    return (
        f"SIGNATURE REMOVED: {report_dir / SIGNATURE} no longer matched the changed bundle and was deleted; "
        f"the bundle is NOT signed now. Sign again: {SIGN_AGAIN.format(dir=report_dir)}"
    )


def signed_statement(report_dir: Path) -> str:
    """What the manifest says was signed: the run's outcome and whether it was complete."""
    try:
        run = json.loads((report_dir / MANIFEST).read_text(encoding="utf-8")).get("run") or {}
    except (OSError, ValueError):
        run = {}
    if "outcome" not in run:
        return "the manifest does not state the run's outcome (written by an older harness)"
    complete = "complete" if run.get("complete") else "INCOMPLETE"
    test_run = "; test run, not valid for approval" if run.get("test_run") else ""
    return f"the manifest states: outcome {run['outcome']!r}, {complete} run{test_run}"
