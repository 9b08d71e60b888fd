"""The README's tables and commands stay true to the code."""

from __future__ import annotations

import argparse
import importlib.util
import re

from conftest import REPO
from harness.checks.catalogue import CATALOGUE
from harness.cli import build_parser
from harness.producer.faults import Fault
from harness.transport.problems import ProblemKind

README = (REPO / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands_ci_runs() -> None:
    first_block = README.split("```sh", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in first_block.strip().splitlines()] == ["make demo", "make test"]
    ci = (REPO / ".ci/run").read_text(encoding="utf-8")
    assert [line for line in ci.splitlines() if line and not line.startswith(("#", "set ", "cd "))] == ["make test"]


def _expected_failures() -> dict[Fault, set[str]]:
    spec = importlib.util.spec_from_file_location("fault_table", REPO / "tests/suites/test_fault_table.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.EXPECTED_FAILURES


def test_fault_table_matches_the_proof() -> None:
    expected = _expected_failures()
    for fault in Fault:
        row = f"| `{fault.value}` | {fault.rule} | {', '.join(sorted(expected[fault]))} |"
        assert row in README, row


def test_every_check_and_problem_kind_is_documented() -> None:
    for check in CATALOGUE:
        assert f"`{check}`" in README
    documented = " ".join(re.findall(r"^\| (`[^|]+)\|", README, flags=re.MULTILINE))
    for kind in ProblemKind:
        if kind not in (ProblemKind.UNREACHABLE, ProblemKind.TLS_FAILED):
            assert f"`{kind.value}`" in documented, kind


def test_documented_commands_exist() -> None:
    parser = build_parser()
    code = "\n".join(re.findall(r"```sh\n(.*?)```", README, flags=re.DOTALL))
    commands = re.findall(r"^rivta-harness ([a-z]+(?: [a-z]+)?)", code, flags=re.MULTILINE)
    assert len(commands) > 10
    for command in commands:
        current = parser
        for word in command.split():
            choices = _subcommands(current)
            if not choices:
                break
            assert word in choices, f"rivta-harness {command}: {word!r} is not a command"
            current = choices[word]


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}
