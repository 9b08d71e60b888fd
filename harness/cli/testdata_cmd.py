"""``rivta-harness testdata convert``: Inera's data.xml as the typed TOML form of the same content.

Vendors fill in data.xml for SoapUI; converting it once gives a file they can extend with
typed values and the harness's own request and TK tables, validated before any call.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from harness.errors import ConfigError
from harness.testdata import load_testdata, suite_to_toml


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``testdata convert``."""
    group = subparsers.add_parser("testdata", help="convert test data files")
    actions = group.add_subparsers(dest="testdata_command", metavar="ACTION", required=True)
    convert = actions.add_parser(
        "convert",
        help="print the TOML form of a TK suite's data.xml",
        description="Read Inera's data.xml unchanged and print the same content as TOML on stdout.",
    )
    convert.add_argument("path", type=Path, metavar="DATA_XML", help="the TK suite's data.xml")
    convert.set_defaults(handler=_convert)


def _convert(args: argparse.Namespace) -> int:
    if args.path.suffix.lower() != ".xml":
        raise ConfigError(f"{args.path}: not a data.xml file", hint="give the data.xml of a TK suite")
    data = load_testdata(args.path)
    sys.stdout.write(f"# converted from {args.path.name} by rivta-harness testdata convert\n\n")
    for suite in data.suites.values():
        sys.stdout.write(suite_to_toml(suite))
    return 0
