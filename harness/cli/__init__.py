"""``rivta-harness``: thin argparse glue over the harness stages.

Each sub-command lives in its own module with ``register(subparsers)``; the handler it sets
returns an exit code. Errors from the harness become one line on stderr (exit 2), never a
traceback; ``--debug`` shows the traceback for bug reports.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from harness import __version__
from harness.cli import (
    certs_cmd,
    contracts_cmd,
    doctor_cmd,
    ei_cmd,
    load_cmd,
    producer_cmd,
    report_cmd,
    run_cmd,
    soapui_cmd,
    testdata_cmd,
)
from harness.errors import HarnessError

EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
EXIT_INTERNAL = 70

_COMMAND_MODULES = (
    run_cmd,
    load_cmd,
    contracts_cmd,
    certs_cmd,
    producer_cmd,
    doctor_cmd,
    report_cmd,
    testdata_cmd,
    soapui_cmd,
    ei_cmd,
)


def build_parser() -> argparse.ArgumentParser:
    """The full command-line grammar (used by main and by the docs test)."""
    parser = argparse.ArgumentParser(
        prog="rivta-harness",
        description="Conformance harness for RIVTA service producers.",
    )
    parser.add_argument("--version", action="version", version=f"rivta-harness {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks (for bug reports)")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in _COMMAND_MODULES:
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code."""
    parser = build_parser()
    given = list(sys.argv[1:] if argv is None else argv)
    if "run" in given and all(word in ("--debug", "load") for word in given[: given.index("run")]):
        # Everything after `run` belongs to pytest, verbatim and in order.
        split = given.index("run") + 1
        args = parser.parse_args([*given[:split]])
        args.pytest_args = given[split:]
    else:
        args = parser.parse_args(given)
    try:
        return int(args.handler(args))
    except HarnessError as exc:
        if args.debug:
            raise
        print(f"rivta-harness: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("rivta-harness: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # a bug in the harness: say so in one line, traceback only with --debug
        if args.debug:
            raise
        print(
            f"rivta-harness: internal error: {type(exc).__name__}: {exc} (run again with --debug and report it)",
            file=sys.stderr,
        )
        return EXIT_INTERNAL
