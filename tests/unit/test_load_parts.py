"""The pure parts of harness.load: profile shapes, settings, the tally, answer inspection, process isolation."""

from __future__ import annotations

import subprocess
import sys

import pytest

from harness.errors import ConfigError
from harness.load.answers import inspect_answer
from harness.load.profiles import PROFILES, parse_profiles
from harness.load.settings import LoadSettings
from harness.load.tally import Tally
from harness.producer.capacity import CapacityLimit
from harness.producer.httpserver import Request, Response


def test_tk_profiles_and_their_shapes() -> None:
    basic, endurance, recovery = PROFILES["basic"], PROFILES["endurance"], PROFILES["recovery"]
    assert (basic.users, basic.duration_s, basic.think_min_s, basic.think_max_s) == (10, 180.0, 0.5, 1.5)
    assert [recovery.users_at(t) for t in (0, 150, 300)] == [10, 55, 100]
    assert [endurance.users_at(t) for t in (0, 15, 30, 45)] == [1, 5, 10, 5]
    assert endurance.peak_users == 10
    scaled = recovery.scaled(0.05)
    assert (scaled.duration_s, scaled.users_at(15)) == (15.0, 100)
    assert "not the TK profile" in scaled.describe()
    assert "not the TK profile" not in recovery.describe()


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"scale": 0.0}, "--load-scale 0: must be greater than 0"),
        ({"scale": 1.5}, "--load-scale 1.5"),
        ({"workers": 0}, "--load-workers 0: must be at least 1"),
        ({"master_bind": "nowhere"}, "--load-master-bind 'nowhere'"),
        ({"profiles": ["basic,sprint"]}, "--load-profile 'sprint': unknown profile"),
    ],
)
def test_bad_settings_are_one_line_errors(given: dict, message: str) -> None:
    options = {"enabled": True, "scale": None, "workers": None, "master_bind": None, "ui": None, "profiles": None}
    with pytest.raises(ConfigError) as caught:
        LoadSettings.build(**{**options, **given})
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_profiles_parse_in_order_without_duplicates() -> None:
    assert parse_profiles(["recovery,basic", "basic"]) == ("recovery", "basic")
    assert parse_profiles(None) == ("basic", "endurance", "recovery")


def test_tally_merges_workers_and_slices_add_up() -> None:
    first, second, total = Tally(), Tally(), Tally()
    for ms in (5.0, 7.0, 9.0):
        first.add(100, ms, "ok")
    second.add(101, 250.0, "http-503", sample={"kind": "http-503"})
    second.add(101, 1500.0, "ok", slow=True)
    total.merge(first.drain(), worker="a")
    total.merge(second.drain(), worker="b")
    assert first.buckets == {}, "drained"
    summary = total.summary(100.0, 102.0, {100: 3, 101: 4}, 1)
    assert (summary["requests"], summary["failures"], summary["over_sla"]) == (5, 1, 1)
    assert summary["by_worker"] == {"a": 3, "b": 2}
    assert summary["p50_ms"] == 9
    assert summary["max_ms"] == 1500.0
    assert summary["p99_ms"] == 1500
    assert summary["failure_kinds"] == {"http-503": 1, "over-sla": 1}
    assert [s["requests"] for s in summary["slices"]] == [3, 2]
    assert summary["users_reached"] == 4


def test_answers_are_told_apart_by_patient_and_digest() -> None:
    envelope = (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><r xmlns="urn:x">'
        "<patient>{}</patient></r></s:Body></s:Envelope>"
    )
    mine = inspect_answer(envelope.format("191212129819").encode(), frozenset({"195004279807"}))
    other = inspect_answer(envelope.format("195004279807").encode(), frozenset({"195004279807"}))
    assert (mine.kind, mine.foreign) == ("data", None)
    assert other.foreign == "195004279807"
    assert mine.digest != other.digest
    fault = '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault/></s:Body></s:Envelope>'
    assert inspect_answer(fault.encode(), frozenset()).kind == "fault"
    assert inspect_answer(b"<html>busy</html>", frozenset()).kind == "not-soap"


def test_capacity_limit_answers_503_above_capacity_and_recovers_unless_told_not_to() -> None:
    request = Request("POST", "/", {}, b"", None)
    callers = [1]
    for recover, after in ((True, 200), (False, 503)):
        limit = CapacityLimit(lambda r: Response(200), 2, recover=recover)
        limit.callers = lambda: callers[0]
        callers[0] = 1
        assert limit(request).status == 200
        callers[0] = 3
        assert limit(request).status == 503
        callers[0] = 1
        assert limit(request).status == after


def test_the_harness_never_imports_gevent_or_locust() -> None:
    """Locust monkey-patches for gevent on import: only the child process may do that."""
    code = (
        "import sys, harness.load.runner, harness.plugin, harness.cli;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('gevent', 'locust')))"
    )
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "[]"
