"""TF 6.x load profiles for any contract: basic load, endurance and recovery, on Locust.

They take minutes at the TK defaults, so they run only with ``--load`` (or ``-m load``);
otherwise each is "not tested" with the command that runs it. ``--load-scale`` shortens them.
"""

from __future__ import annotations

import pytest

from harness.load.runner import run_check
from harness.run import load_settings
from harness.suite import Rivta

pytestmark = pytest.mark.load


def _run(rivta: Rivta, request: pytest.FixtureRequest, profile: str) -> None:
    def stop_run(reason: str) -> None:
        request.session.shouldstop = reason

    run_check(rivta, profile, load_settings(rivta.session.options), stop_run)


@pytest.mark.rivta_check("rivta.load-basic")
def test_6_1_1_load(rivta: Rivta, request: pytest.FixtureRequest) -> None:
    _run(rivta, request, "basic")


@pytest.mark.rivta_check("rivta.endurance")
def test_6_1_2_endurance(rivta: Rivta, request: pytest.FixtureRequest) -> None:
    _run(rivta, request, "endurance")


@pytest.mark.rivta_check("rivta.recovery")
def test_6_2_1_recovery(rivta: Rivta, request: pytest.FixtureRequest) -> None:
    _run(rivta, request, "recovery")
