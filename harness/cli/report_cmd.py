"""``rivta-harness report html|pdf|sign|verify|diff``: work with a written self-declaration bundle."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness.cli.tls_options import credentials_from
from harness.errors import ConfigError, ReportError
from harness.report.bundle import HTML, SIGNATURE, read_document, read_evidence, write_manifest
from harness.report.diff import diff_documents
from harness.report.html import render_html
from harness.report.trust import (
    check_signer,
    require_chain_check,
    sign_bundle,
    signature_removed,
    signed_statement,
    submission_problems,
    verify_bundle,
)


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``report`` command group."""
    group = commands.add_parser("report", help="render, sign, verify and compare self-declaration bundles")
    sub = group.add_subparsers(dest="report_command", metavar="ACTION", required=True)

    html = sub.add_parser("html", help="render self-declaration.html again from the JSON")
    html.add_argument("dir", type=Path)
    html.add_argument("--lang", choices=("sv", "en"), help="language (default: the run's)")
    html.set_defaults(handler=_html)

    pdf = sub.add_parser("pdf", help="print self-declaration.pdf with headless Chromium")
    pdf.add_argument("dir", type=Path)
    pdf.set_defaults(handler=_pdf)

    sign = sub.add_parser("sign", help="sign manifest.json with your function certificate (detached JWS)")
    sign.add_argument("dir", type=Path)
    sign.add_argument("--cert", type=Path, help="signing certificate PEM (with chain)")
    sign.add_argument("--key", type=Path, help="private key PEM")
    sign.add_argument("--pkcs12", type=Path, help="certificate and key as PKCS#12")
    sign.add_argument("--cert-password-env", metavar="VAR", help="environment variable holding the key password")
    sign.add_argument(
        "--ca-bundle", type=Path, action="append", default=[], help="check that the signer chains to these CAs"
    )
    sign.add_argument(
        "--allow-incomplete",
        action="store_true",
        help="sign a run that is incomplete, has errors or undeclared deviations (the manifest says so)",
    )
    sign.set_defaults(handler=_sign)

    verify = sub.add_parser("verify", help="check signature, signer chain and every file hash")
    verify.add_argument("dir", type=Path)
    verify.add_argument("--ca-bundle", type=Path, action="append", default=[], help="CAs trusted for the signer")
    verify.add_argument(
        "--no-chain-check", action="store_true", help="accept a signer not checked against any CA (not for review)"
    )
    verify.set_defaults(handler=_verify)

    diff = sub.add_parser("diff", help="what changed between two submissions")
    diff.add_argument("old", type=Path)
    diff.add_argument("new", type=Path)
    diff.set_defaults(handler=_diff)


def _html(args: argparse.Namespace) -> int:
    document = read_document(args.dir)
    lang = args.lang or document["run"]["language"]
    was_signed = (args.dir / SIGNATURE).is_file()
    (args.dir / HTML).write_text(render_html(document, read_evidence(args.dir, document), lang=lang), encoding="utf-8")
    write_manifest(args.dir)
    print(f"wrote {args.dir / HTML} ({lang}); manifest updated")
    _loud(signature_removed(args.dir, was_signed))
    return 0


def _loud(notice: str | None) -> None:
    if notice:
        print(notice, file=sys.stderr)


def _pdf(args: argparse.Namespace) -> int:
    from harness.report.pdf import write_pdf

    was_signed = (args.dir / SIGNATURE).is_file()
    path = write_pdf(args.dir)
    print(f"wrote {path}; manifest updated")
    _loud(signature_removed(args.dir, was_signed))
    return 0


def _sign(args: argparse.Namespace) -> int:
    credentials = credentials_from(args)
    if credentials is None:
        raise ConfigError("report sign needs --cert and --key, or --pkcs12")
    refused = submission_problems(read_document(args.dir))
    if refused and not args.allow_incomplete:
        raise ReportError(
            f"not signed: {'; '.join(refused)}",
            hint="a submission must be a complete run without errors or undeclared deviations; "
            "--allow-incomplete signs it anyway, and the manifest states what was signed",
        )
    for warning in check_signer(credentials, args.ca_bundle):
        print(f"warning: {warning}", file=sys.stderr)
    path = sign_bundle(args.dir, credentials)
    print(f"wrote {path}: signed by {credentials.leaf_info.subject}")
    print(signed_statement(args.dir))
    if not args.ca_bundle:
        print("the signer's chain was not checked: give --ca-bundle with the CAs a reviewer trusts", file=sys.stderr)
    return 0


def _verify(args: argparse.Namespace) -> int:
    result = verify_bundle(args.dir, args.ca_bundle)
    require_chain_check(args.dir, result, args.ca_bundle, no_chain_check=args.no_chain_check)
    result.facts.append(signed_statement(args.dir))
    for fact in result.facts:
        print(f"✓ {fact}")
    for problem in result.problems:
        print(f"✗ {problem}")
    if not result.ok:
        print("bundle NOT verified")
    elif args.ca_bundle:
        print("bundle verified")
    else:
        print("bundle intact; signer NOT verified (--no-chain-check)")
    return 0 if result.ok else 1


def _diff(args: argparse.Namespace) -> int:
    lines = diff_documents(read_document(args.old), read_document(args.new))
    for line in lines:
        print(line)
    if not lines:
        print("no differences in verdicts, deviations, versions or outcome")
    return 0
