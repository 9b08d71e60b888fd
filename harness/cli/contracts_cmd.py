"""``rivta-harness contracts list|show|sample``: what a package holds and what we would send."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lxml import etree

from harness.contracts import Contract, load_package
from harness.contracts.sample import MessageBuilder, parse_overrides
from harness.contracts.select import select
from harness.errors import ContractError
from harness.soap import request_envelope

DEFAULT_LOGICAL_ADDRESS = "SE1234567890-LA01"


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``contracts`` command group."""
    group = commands.add_parser("contracts", help="inspect contract packages")
    sub = group.add_subparsers(dest="contracts_command", metavar="ACTION", required=True)

    listing = sub.add_parser("list", help="table of the contracts in a package")
    _package_arguments(listing)
    listing.set_defaults(handler=_list)

    show = sub.add_parser("show", help="details and warnings of one contract")
    _package_arguments(show)
    show.add_argument("name", help="contract name, optionally NAME@rivtabp20 / NAME@rivtabp21")
    show.set_defaults(handler=_show)

    sample = sub.add_parser("sample", help="print the generated request envelope")
    _package_arguments(sample)
    sample.add_argument("name", help="contract name, optionally NAME@rivtabp20 / NAME@rivtabp21")
    sample.add_argument("--set", action="append", default=[], metavar="PATH=VALUE", help="set a value (repeatable)")
    sample.add_argument("--logical-address", default=DEFAULT_LOGICAL_ADDRESS, help="routing header value")
    sample.add_argument("--response", action="store_true", help="print a generated response payload instead")
    sample.set_defaults(handler=_sample)


def _package_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, help="contract package folder, release .zip or .wsdl file")
    parser.add_argument(
        "--pattern-anchors",
        action="store_true",
        help="treat ^ and $ in xs:pattern as anchors (works around a defect of some released contracts)",
    )


def _load(args: argparse.Namespace) -> list[Contract]:
    loaded = load_package(args.path, pattern_anchors=args.pattern_anchors)
    if not loaded.contracts:  # the first problem is the error line; the rest are warnings
        for problem in loaded.problems[1:]:
            print(f"rivta-harness: warning: {problem}", file=sys.stderr)
        raise loaded.problems[0] if loaded.problems else ContractError(f"{args.path}: no contracts")
    for problem in loaded.problems:
        print(f"rivta-harness: warning: {problem}", file=sys.stderr)
    return list(loaded.contracts)


def _list(args: argparse.Namespace) -> int:
    contracts = _load(args)
    rows = [("NAME", "VERSION", "PROFILE", "NAMESPACE", "OPERATION", "WARNINGS")]
    rows += [
        (c.name, c.version, c.profile.label, c.responder_namespace, c.operation.name, str(len(c.warnings)))
        for c in contracts
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


def _show(args: argparse.Namespace) -> int:
    for contract in select(_load(args), args.name, origin=str(args.path)):
        facts = [
            ("Contract", contract.key),
            ("Domain", contract.domain),
            ("Profile", f"{contract.profile.label} (header {contract.header_element})"),
            ("WSDL namespace", contract.wsdl_namespace),
            ("Responder namespace", contract.responder_namespace),
        ]
        for op in contract.operations:
            facts += [
                ("Operation", op.name),
                ("SOAPAction", f'"{op.soap_action}"'),
                ("Request element", op.request_element),
                ("Response element", op.response_element),
            ]
        facts += [("Files", "")]
        width = max(len(label) for label, _ in facts)
        for label, value in facts:
            print(f"{label:<{width}}  {value}".rstrip())
        for file in contract.files:
            print(f"  {file.sha256[:16]}  {file.relative}")
        print(f"Warnings ({len(contract.warnings)})")
        for warning in contract.warnings:
            print(f"  warning: {warning}")
        print()
    return 0


def _sample(args: argparse.Namespace) -> int:
    contract = select(_load(args), args.name, origin=str(args.path))[0]
    overrides = parse_overrides(args.set)
    builder = MessageBuilder(contract)
    if args.response:
        payload = builder.build(contract.operation.response_element, overrides)
        sys.stdout.write(etree.tostring(payload, pretty_print=True, encoding="unicode"))
        return 0
    payload = builder.build(contract.operation.request_element, overrides)
    sys.stdout.write(request_envelope(contract, payload, logical_address=args.logical_address).decode("utf-8"))
    return 0
