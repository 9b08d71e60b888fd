"""The TF 6.x load checks proven both ways, at a --load-scale small enough for CI.

Every run is real: the reference producer over mutual TLS on loopback, Locust in child
processes. rivta.load-basic passes on the conformant producer and fails on the producer that
mixes answers under concurrency and on one over its capacity; rivta.recovery passes on a
producer that recovers when the load drops and fails on one that does not; two local workers
give the same verdicts and their requests add up; a producer that disappears mid-run or a
worker that dies makes the check an error, never a pass.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import EXAMPLE_CONTRACT, REPO
from harness.bundled import reference_fixtures
from harness.contracts import load_contracts
from harness.producer.runtime import ServerCertificates, start_reference_producer

SUITES = str(REPO / "testsuites")
TESTDATA = str(REPO / "fixtures" / "testdata" / "reference-producer.toml")
LOAD = ("--load", "--load-scale", "0.01", "--contract", str(EXAMPLE_CONTRACT), "--testdata", TESTDATA)


def records(pytester: pytest.Pytester, *args: str) -> dict[str, dict]:
    recorder = pytester.inline_run(SUITES, "-p", "no:cacheprovider", *args)
    found = {}
    for report in recorder.getreports("pytest_runtest_logreport"):
        record = getattr(report, "rivta", None)
        if record is not None:
            found[record["check"]] = record
    return found


def verdicts(found: dict[str, dict]) -> dict[str, str]:
    return {check: record["verdict"] for check, record in found.items()}


def remote(pki, producer) -> tuple[str, ...]:
    return (
        "--producer-url", producer.url, "--logical-address", producer.logical_address,
        "--cert", str(pki.consumer_cert), "--key", str(pki.consumer_key), "--ca-bundle", str(pki.ca_bundle),
    )  # fmt: skip


def started(pki, **limits):
    return start_reference_producer(
        load_contracts(EXAMPLE_CONTRACT),
        fixtures_dir=reference_fixtures(),
        certificates=ServerCertificates(pki.producer_cert, pki.producer_key, pki.ca_bundle),
        **limits,
    )


def test_without_load_the_profiles_are_not_tested_and_say_how_to_run_them(pytester: pytest.Pytester) -> None:
    found = records(pytester, "-k", "6_1_1 or 6_1_2 or 6_2_1")
    assert set(verdicts(found).values()) == {"not tested"}
    assert all("rivta-harness load run" in record["message"] for record in found.values())


def test_conformant_producer_passes_every_profile_with_figures(pytester: pytest.Pytester) -> None:
    found = records(pytester, *LOAD, "--load-scale", "0.003", "-m", "load")
    assert verdicts(found) == {"rivta.load-basic": "passed", "rivta.endurance": "passed", "rivta.recovery": "passed"}
    basic = found["rivta.load-basic"]["measurements"]["load"]
    assert basic["users_reached"] == 10
    assert basic["requests"] >= 5
    assert basic["failures"] == 0
    assert 0 < basic["p50_ms"] <= basic["p95_ms"] <= basic["max_ms"]
    assert basic["scale"] == 0.003
    assert "not the TK profile" in basic["describe"]
    assert sum(piece["requests"] for piece in basic["slices"]) == basic["requests"]
    assert found["rivta.recovery"]["measurements"]["recovered"] is True
    assert found["rivta.recovery"]["measurements"]["load"]["users_reached"] > 10
    endurance = found["rivta.endurance"]["measurements"]
    assert endurance["held_s"] == endurance["load"]["duration_s"]
    assert not [m for m in sys.modules if m.split(".")[0] in ("gevent", "locust")], "Locust stayed in its child"


def test_basic_load_fails_when_answers_get_mixed_under_concurrency(pytester: pytest.Pytester) -> None:
    found = records(pytester, *LOAD, "-k", "6_1_1", "--embedded-fault", "concurrency-bug")
    assert verdicts(found) == {"rivta.load-basic": "failed"}
    findings = found["rivta.load-basic"]["findings"]
    assert findings[0].startswith("mixed data:")
    assert any("elements" in finding for finding in findings)


def test_capacity_fails_basic_load_and_endurance_but_recovers(pytester: pytest.Pytester, pki) -> None:
    with started(pki, capacity=4) as producer:
        found = records(pytester, *LOAD, "--load-scale", "0.003", *remote(pki, producer), "-m", "load")
    assert verdicts(found) == {"rivta.load-basic": "failed", "rivta.endurance": "failed", "rivta.recovery": "passed"}
    assert "http-503" in found["rivta.load-basic"]["findings"][0]
    endurance = found["rivta.endurance"]["measurements"]
    assert endurance["held_s"] < endurance["load"]["duration_s"], "how long it held before the first failure"
    recovery = found["rivta.recovery"]["measurements"]
    assert recovery["recovered"] is True
    assert recovery["load"]["failure_kinds"].get("http-503", 0) > 0


def test_recovery_fails_when_the_producer_does_not_recover(pytester: pytest.Pytester, pki) -> None:
    with started(pki, capacity=15, no_recovery=True) as producer:
        found = records(pytester, *LOAD, *remote(pki, producer), "-k", "6_2_1")
    assert verdicts(found) == {"rivta.recovery": "failed"}
    assert found["rivta.recovery"]["measurements"]["recovered"] is False
    assert "no valid answer" in found["rivta.recovery"]["findings"][-1]


def test_two_local_workers_give_the_same_verdicts_and_add_up(pytester: pytest.Pytester) -> None:
    found = records(pytester, *LOAD, "-k", "6_1_1", "--load-workers", "2")
    assert verdicts(found) == {"rivta.load-basic": "passed"}
    figures = found["rivta.load-basic"]["measurements"]["load"]
    assert figures["workers"] == 2
    assert len(figures["by_worker"]) == 2
    assert all(count > 0 for count in figures["by_worker"].values())
    assert sum(figures["by_worker"].values()) == figures["requests"]
    assert figures["users_reached"] == 10


def test_producer_gone_mid_run_is_an_error_within_seconds(pytester: pytest.Pytester, pki) -> None:
    producer = started(pki)
    threading.Timer(3.0, producer.stop).start()
    begin = time.monotonic()
    found = records(pytester, "--load", "--load-scale", "0.2", *LOAD[3:], *remote(pki, producer), "-k", "6_1_1")
    assert time.monotonic() - begin < 20, "a 36 s profile must stop within seconds of the producer going away"
    record = found["rivta.load-basic"]
    assert record["verdict"] == "error"
    assert record["measurements"]["load"]["requests"] > 0


def _engine_workers() -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                command = (entry / "cmdline").read_bytes().split(b"\0")
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if b"harness.load.engine" in command and b"worker" in command and parent == os.getpid():
                found.append(int(entry.name))
    return found


def test_a_dying_worker_makes_the_check_an_error(pytester: pytest.Pytester) -> None:
    def kill_one() -> None:
        workers = _engine_workers()
        if workers:
            os.kill(workers[0], signal.SIGKILL)

    threading.Timer(4.0, kill_one).start()
    begin = time.monotonic()
    found = records(pytester, "--load", "--load-scale", "0.2", *LOAD[3:], "-k", "6_1_1", "--load-workers", "2")
    assert time.monotonic() - begin < 25
    record = found["rivta.load-basic"]
    assert record["verdict"] == "error"
    assert "worker" in record["message"]
    assert record["measurements"]["load"]["requests"] > 0


def test_ctrl_c_stops_the_run_within_seconds_and_keeps_the_figures(tmp_path: Path) -> None:
    report_dir = tmp_path / "report"
    command = [sys.executable, "-m", "pytest", SUITES, "-p", "no:cacheprovider", "-q", "-k", "6_1_1"]
    command += ["--load", "--load-scale", "0.2", *LOAD[3:], "--report-dir", str(report_dir)]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, cwd=tmp_path)
    time.sleep(6.0)
    run.send_signal(signal.SIGINT)
    begin = time.monotonic()
    output, _ = run.communicate(timeout=30)
    assert time.monotonic() - begin < 15, output.decode(errors="replace")[-2000:]
    document = json.loads((report_dir / "self-declaration.json").read_text(encoding="utf-8"))
    assert document["run"]["complete"] is False
    (check,) = [c for c in document["checks"] if c["id"] == "rivta.load-basic"]
    assert check["verdict"] == "error"
    assert "interrupted" in check["message"]
    assert check["measurements"]["load"]["requests"] > 0
    assert list((report_dir / "evidence").glob("*load-basic*.load.csv"))


def test_patients_come_from_the_tk_load_case_when_no_list_is_given(pytester: pytest.Pytester) -> None:
    testdata = pytester.path / "testdata.toml"
    testdata.write_text(
        '[request]\n"patientId/extension" = "191212129819"\n\n'
        '[tk.GetClinicalNotes.testcase."6.1 Loadtest"]\npatientId1 = "195004279807"\npatientId2 = "191212129819"\n',
        encoding="utf-8",
    )
    args = ("--load", "--load-scale", "0.005", "--contract", str(EXAMPLE_CONTRACT), "--testdata", str(testdata))
    found = records(pytester, *args, "-k", "6_1_1 or 6_2_1")
    assert verdicts(found) == {"rivta.load-basic": "passed", "rivta.recovery": "not tested"}
    labels = [e["label"] for e in found["rivta.load-basic"]["exchanges"]]
    assert "alone for patient 195004279807 #1" in labels
    assert "6.2 Recovery" in found["rivta.recovery"]["message"]


def test_a_worker_on_another_machine_joins_with_its_own_certificate(pytester: pytest.Pytester, pki) -> None:
    """`--load-master-bind` waits for `rivta-harness load worker --master ...`; the worker's key is its own."""
    from harness.load.processes import free_port

    bind = f"127.0.0.1:{free_port()}"
    worker = subprocess.Popen(
        [sys.executable, "-m", "harness", "load", "worker", "--master", bind,
         "--cert", str(pki.consumer_cert), "--key", str(pki.consumer_key)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        with started(pki) as producer:
            found = records(
                pytester,
                *LOAD,
                *remote(pki, producer),
                "-k",
                "6_1_1",
                "--load-master-bind",
                bind,
                "--load-workers",
                "1",
            )
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=20)
    assert verdicts(found) == {"rivta.load-basic": "passed"}, output.decode(errors="replace")[-1500:]
    figures = found["rivta.load-basic"]["measurements"]["load"]
    assert figures["workers"] == 1
    assert sum(figures["by_worker"].values()) == figures["requests"] > 0


def test_recovery_judges_a_producer_that_refused_under_maximum_load_by_whether_it_came_back(
    pytester: pytest.Pytester, pki
) -> None:
    first = started(pki)
    port = int(first.url.rsplit(":", 1)[1])
    again: list = []
    threading.Timer(2.0, first.stop).start()
    restart = threading.Timer(8.5, lambda: again.append(started(pki, port=port)))  # after the abort (~6 s)
    restart.start()
    try:
        found = records(pytester, "--load", "--load-scale", "0.1", *LOAD[3:], *remote(pki, first), "-k", "6_2_1")
    finally:
        restart.join()
        for producer in again:
            producer.stop()
    record = found["rivta.recovery"]
    assert record["verdict"] == "passed", record["message"]
    assert "refused every connection" in record["measurements"]["stopped_early"]
    assert record["measurements"]["recovered"] is True
