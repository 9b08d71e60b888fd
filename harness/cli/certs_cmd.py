"""``rivta-harness certs``: create a throwaway test PKI, and look inside certificate files.

``certs show`` exists because most failed mTLS runs are explained by the certificate alone
(expired, wrong usage, mistyped HSA-id); seeing that up front beats reading a TLS alert.
Neither command ever prints a password or key material.
"""

from __future__ import annotations

import argparse
import json
import shlex
from datetime import UTC, datetime
from pathlib import Path

from harness.certs.hsaid import hsa_id_problems
from harness.certs.inspect import CertificateInfo, days_phrase, inspect_certificate
from harness.certs.pki import DEFAULT_HSA_ID, DEFAULT_PRODUCER_HOSTS, generate_test_pki
from harness.errors import ConfigError

PASSWORD_VARIABLE = "RIVTA_CERT_PASSWORD"
_DEFAULT_HOSTS = " and ".join(DEFAULT_PRODUCER_HOSTS)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``certs init`` and ``certs show``."""
    certs = subparsers.add_parser(
        "certs",
        help="create a test PKI or inspect certificate files",
        description="Create a throwaway test PKI, or show what a certificate file holds.",
    )
    actions = certs.add_subparsers(dest="certs_command", metavar="ACTION", required=True)

    init = actions.add_parser(
        "init",
        help="write a throwaway test PKI (not SITHS) into DIR",
        description="Write a SITHS-shaped TEST PKI: CAs, consumer and producer credentials, negatives.",
    )
    init.add_argument("directory", metavar="DIR", type=Path, help="where to write (created if needed)")
    init.add_argument(
        "--hsa-id",
        default=DEFAULT_HSA_ID,
        help=f"HSA-id of the consumer certificate (default {DEFAULT_HSA_ID})",
    )
    init.add_argument(
        "--producer-host",
        dest="producer_hosts",
        action="append",
        metavar="HOST",
        help=f"DNS name or IP for the producer certificate; repeatable (default {_DEFAULT_HOSTS})",
    )
    init.set_defaults(handler=_init)

    show = actions.add_parser(
        "show",
        help="describe the certificates in a PEM, DER or PKCS#12 file",
        description="Describe each certificate in FILE and warn about what would make a producer refuse it.",
    )
    show.add_argument("file", metavar="FILE", type=Path, help="PEM (chain), DER, or .p12/.pfx file")
    show.add_argument("--cert-password-env", metavar="VAR", help="environment variable holding the PKCS#12 password")
    show.add_argument("--json", action="store_true", help="print JSON instead of text")
    show.set_defaults(handler=_show)


def _init(args: argparse.Namespace) -> int:
    problems = hsa_id_problems(args.hsa_id)
    if problems:
        raise ConfigError(
            f"--hsa-id {args.hsa_id!r} does not look like an HSA-id: it {'; it '.join(problems)}",
            hint=f"use SE + 10 or 12 digit organisation number + '-' + letters/digits, e.g. {DEFAULT_HSA_ID}",
        )
    pki = generate_test_pki(
        args.directory, hsa_id=args.hsa_id, producer_hosts=args.producer_hosts or DEFAULT_PRODUCER_HOSTS
    )
    hosts = ", ".join(args.producer_hosts or DEFAULT_PRODUCER_HOSTS)
    rows = [
        ("Consumer certificate", f"{pki.consumer_cert}  (HSA-id {pki.hsa_id})"),
        ("Consumer key", str(pki.consumer_key)),
        ("Consumer PKCS#12", str(pki.consumer_p12)),
        ("CA bundle", str(pki.ca_bundle)),
        ("Producer certificate", f"{pki.producer_cert}  ({hosts})"),
        ("Producer key", str(pki.producer_key)),
        ("Negative fixtures", f"listed with their purpose in {pki.manifest}"),
    ]
    print(f"Wrote a throwaway TEST PKI to {pki.directory} (not SITHS: no real producer trusts it).")
    print(_aligned(rows))
    print("consumer.p12 and consumer-encrypted.key share a random password; to use it:")
    print(f'  export {PASSWORD_VARIABLE}="$(cat {shlex.quote(str(pki.consumer_password))})"')
    print(f"and pass --cert-password-env {PASSWORD_VARIABLE}.")
    return 0


def _show(args: argparse.Namespace) -> int:
    infos = inspect_certificate(args.file, password_env=args.cert_password_env)
    if args.json:
        print(json.dumps({"file": str(args.file), "certificates": [info.to_dict() for info in infos]}, indent=2))
        return 0
    for number, info in enumerate(infos, start=1):
        if number > 1:
            print()
        role = " (CA)" if info.is_ca else ""
        print(f"{args.file}: certificate {number} of {len(infos)}{role}")
        print(_aligned(_rows(info)))
        for warning in info.warnings:
            print(f"warning: {warning}")
    return 0


def _rows(info: CertificateInfo) -> list[tuple[str, str]]:
    if datetime.now(UTC) > info.not_after:
        remaining = f"EXPIRED {days_phrase(info.days_to_expiry)}"
    else:
        remaining = f"{info.days_to_expiry} days left"
    return [
        ("Subject", info.subject),
        ("HSA-id", info.hsa_id or "(none)"),
        ("Issuer", info.issuer),
        ("Valid from", f"{info.not_before:%Y-%m-%d %H:%M} UTC"),
        ("Valid to", f"{info.not_after:%Y-%m-%d %H:%M} UTC ({remaining})"),
        ("Key", info.key),
        ("EKU", "(no EKU extension: any usage)" if info.eku is None else ", ".join(info.eku)),
        ("SAN", ", ".join(info.san) or "(none)"),
        ("SHA-256", info.sha256),
    ]


def _aligned(rows: list[tuple[str, str]]) -> str:
    width = max(len(label) for label, _ in rows) + 1
    return "\n".join(f"  {label + ':':<{width}} {value}" for label, value in rows)
