"""``rivta-harness report html|pdf|sign|verify|diff``: work with a written self-declaration bundle."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.cli.tls_options import credentials_from
from harness.errors import ConfigError
from harness.report.bundle import HTML, read_document, read_evidence, write_manifest
from harness.report.diff import diff_documents
from harness.report.html import render_html
from harness.report.trust import sign_bundle, verify_bundle


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
    sign.set_defaults(handler=_sign)

    verify = sub.add_parser("verify", help="check signature, signer chain and every file hash")
    verify.add_argument("dir", type=Path)
    verify.add_argument("--ca-bundle", type=Path, action="append", default=[], help="CAs trusted for the signer")
    verify.set_defaults(handler=_verify)

    diff = sub.add_parser("diff", help="what changed between two submissions")
    diff.add_argument("old", type=Path)
    diff.add_argument("new", type=Path)
    diff.set_defaults(handler=_diff)


def _html(args: argparse.Namespace) -> int:
    document = read_document(args.dir)
    lang = args.lang or document["run"]["language"]
    (args.dir / HTML).write_text(render_html(document, read_evidence(args.dir, document), lang=lang), encoding="utf-8")
    write_manifest(args.dir)
    print(f"wrote {args.dir / HTML} ({lang}); manifest updated, sign again if the bundle was signed")
    return 0


def _pdf(args: argparse.Namespace) -> int:
    from harness.report.pdf import write_pdf

    path = write_pdf(args.dir)
    print(f"wrote {path}; manifest updated")
    return 0


def _sign(args: argparse.Namespace) -> int:
    credentials = credentials_from(args)
    if credentials is None:
        raise ConfigError("report sign needs --cert and --key, or --pkcs12")
    path = sign_bundle(args.dir, credentials)
    print(f"wrote {path}: signed by {credentials.leaf_info.subject}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    result = verify_bundle(args.dir, args.ca_bundle)
    for fact in result.facts:
        print(f"✓ {fact}")
    for problem in result.problems:
        print(f"✗ {problem}")
    print("bundle verified" if result.ok else "bundle NOT verified")
    return 0 if result.ok else 1


def _diff(args: argparse.Namespace) -> int:
    lines = diff_documents(read_document(args.old), read_document(args.new))
    for line in lines:
        print(line)
    if not lines:
        print("no differences in verdicts, deviations, versions or outcome")
    return 0
