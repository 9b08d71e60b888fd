"""``rivta-harness run``: the main job: run the bundled suites with pytest and write the self-declaration."""

from __future__ import annotations

import argparse

import pytest

from harness.bundled import bundled


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


def _run(args: argparse.Namespace) -> int:
    # The CLI has already imported httpx (and with it anyio's pytest plugin), so pytest cannot
    # assertion-rewrite that plugin; the suites do not rely on rewriting, so the warning is noise.
    quiet = ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    return int(pytest.main([str(bundled("testsuites")), *quiet, *args.pytest_args]))
