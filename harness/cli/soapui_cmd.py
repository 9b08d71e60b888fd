"""``rivta-harness soapui inspect FILE|DIR...``: what the harness runs natively in SoapUI projects."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.errors import SoapUIError
from harness.soapui import inspect_paths, render


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``soapui`` command group."""
    group = commands.add_parser("soapui", help="Inera's SoapUI TK projects")
    sub = group.add_subparsers(dest="soapui_command", metavar="ACTION", required=True)
    inspect = sub.add_parser("inspect", help="per project and in total: cases, steps, assertions, native vs manual")
    inspect.add_argument(
        "paths", nargs="+", type=Path, metavar="FILE|DIR", help="project files or folders holding them"
    )
    inspect.add_argument("--total-only", action="store_true", help="print only the totals")
    inspect.set_defaults(handler=_inspect)


def _inspect(args: argparse.Namespace) -> int:
    missing = [p for p in args.paths if not p.exists()]
    if missing:
        raise SoapUIError(f"{missing[0]}: no such file or folder")
    tallies, total, problems = inspect_paths(args.paths)
    if not tallies and not problems:
        raise SoapUIError(f"no SoapUI project (*soapui-project*.xml) in {', '.join(map(str, args.paths))}")
    for line in render([] if args.total_only else tallies, total):
        print(line)
    for problem in problems:
        print(f"not imported: {problem}")
    return 1 if problems else 0
