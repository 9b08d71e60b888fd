"""``rivta-harness run``: the main job: run the bundled suites with pytest and write the self-declaration."""

from __future__ import annotations

import argparse
import importlib
from importlib import metadata
from typing import Any

import pytest

from harness.bundled import bundled

HELP_PYTEST = "--help-pytest"
# The harness's options by what a vendor is setting up; an option not listed lands in "other".
OPTION_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("producer", ("--producer-url", "--logical-address", "--consumer-hsaid", "--via-ntjp", "--sla-seconds",
                  "--read-timeout", "--no-verify-hostname", "--no-preflight", "--embedded-fault", "--embedded-latency")),
    ("contract", ("--contract", "--pattern-anchors", "--soapui-project", "--schematron")),
    ("certificates", ("--cert", "--key", "--pkcs12", "--cert-password-env", "--ca-bundle")),
    ("test data", ("--testdata", "--set", "--declaration")),
    ("report", ("--report-dir", "--lang", "--mask-personal-ids")),
    ("load", ()),
    ("EI (engagement index)", ()),
    ("configuration file", ("--rivta-config",)),
)  # fmt: skip


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``run`` command; everything after it is passed to pytest."""
    run = commands.add_parser(
        "run",
        help="run the conformance suites (pytest options and --producer-url etc. pass through)",
        description="Runs pytest over the bundled test suites. Without --producer-url the embedded reference "
        "producer is used. Example: rivta-harness run --producer-url https://host/path --logical-address "
        "SE...-X --cert c.pem --key k.pem --ca-bundle siths.pem --contract pkg/",
    )
    run.set_defaults(handler=_run)


_GROUP_PREFIXES = {"--load": "load", "--ei-": "EI (engagement index)"}


def _group_of(name: str) -> str:
    for group, names in OPTION_GROUPS:
        if name in names:
            return group
    return next((group for prefix, group in _GROUP_PREFIXES.items() if name.startswith(prefix)), "other")


class _OptionRecorder:
    """Stands in for pytest's parser: records what the harness's plugins add, nothing else."""

    def __init__(self) -> None:
        self.options: list[tuple[tuple[str, ...], dict[str, Any]]] = []

    def getgroup(self, *_: Any, **__: Any) -> _OptionRecorder:
        return self

    def addoption(self, *names: str, **kwargs: Any) -> None:
        self.options.append((names, kwargs))

    def addini(self, *_: Any, **__: Any) -> None:
        pass


def harness_options() -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """The options the harness's pytest plugins add (its pytest11 entry points and the plugins they load)."""
    recorder = _OptionRecorder()
    for entry in sorted(metadata.entry_points(group="pytest11"), key=lambda e: e.value != "harness.plugin"):
        if not entry.value.startswith("harness."):
            continue
        module = importlib.import_module(entry.value)
        for plugin in (module, *(importlib.import_module(name) for name in getattr(module, "pytest_plugins", ()))):
            plugin.pytest_addoption(recorder)
    return recorder.options


def run_help() -> str:
    """The harness's own options first, grouped; pytest's options are one flag away."""
    parser = argparse.ArgumentParser(
        prog="rivta-harness run",
        usage="rivta-harness run [options] [pytest options]",
        description="Run the conformance suites against a producer and write the self-declaration. "
        "Without --producer-url the embedded reference producer is used (a test run).",
        epilog=f"pytest's own options (-k, -n, --junitxml, ...) are accepted too: {HELP_PYTEST} lists them.",
        add_help=False,
    )
    groups: dict[str, Any] = {name: parser.add_argument_group(f"{name} options") for name, _ in OPTION_GROUPS}
    groups["other"] = parser.add_argument_group("other options")
    for names, kwargs in harness_options():
        groups[_group_of(names[0])].add_argument(*names, **kwargs)
    return parser.format_help()


def _run(args: argparse.Namespace) -> int:
    words = args.pytest_args[: args.pytest_args.index("--")] if "--" in args.pytest_args else args.pytest_args
    if HELP_PYTEST in words:
        args.pytest_args = [word if word != HELP_PYTEST else "--help" for word in args.pytest_args]
    elif "-h" in words or "--help" in words:
        print(run_help())
        return 0
    # The CLI has already imported httpx (and with it anyio's pytest plugin), so pytest cannot
    # assertion-rewrite that plugin; the suites do not rely on rewriting, so the warning is noise.
    quiet = ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    return int(pytest.main([str(bundled("testsuites")), *quiet, *args.pytest_args]))
