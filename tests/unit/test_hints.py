"""Hints name options that exist: every --option the harness mentions is one a command or `run` accepts."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from harness.cli import build_parser
from harness.cli.run_cmd import harness_options
from harness.report.pdf import HEADLESS_FLAGS

HARNESS = Path(__file__).resolve().parents[2] / "harness"
CHROMIUM = {*HEADLESS_FLAGS, "--headless", "--user-data-dir", "--no-pdf-header-footer", "--print-to-pdf"}


def _options(parser: argparse.ArgumentParser) -> set[str]:
    found = set()
    for action in parser._actions:
        found.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                found |= _options(sub)
    return found


def test_every_option_the_harness_mentions_exists() -> None:
    pytest_own = {"--help-pytest", "--junitxml"}  # named in `run --help` as pytest's
    known = _options(build_parser()) | {name for names, _ in harness_options() for name in names} | pytest_own
    # Swedish compounds (--testdata-fil) and the load group's prefix are words, not options.
    mentioned = {
        option
        for path in HARNESS.rglob("*.py")
        for option in re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*[a-z0-9]", path.read_text(encoding="utf-8"))
    }
    unknown = {o for o in mentioned - known - CHROMIUM if not o.endswith("-fil") and o not in ("--load", "--ei")}
    assert unknown == set()
    assert "--password-env" not in mentioned
