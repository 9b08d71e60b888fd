"""The pytest plugin as a vendor meets it: options, verdicts, exit status, xdist, JUnit, remote producers."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import EXAMPLE_CONTRACT, PING_CONTRACT, REPO, reference_producer

SUITES = str(REPO / "testsuites")


def records(recorder: pytest.HookRecorder) -> list[dict]:
    return [r.rivta for r in recorder.getreports("pytest_runtest_logreport") if hasattr(r, "rivta")]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--producer-url", "http://producer/x"],
            "--producer-url 'http://producer/x': expected https://host[:port]/path",
        ),
        (["--producer-url", "https://producer/x"], "--logical-address is required with --producer-url"),
        (["--sla-seconds", "0"], "--sla-seconds 0.0: must be a positive number of seconds"),
        (["--embedded-fault", "nope"], "--fault 'nope': unknown fault"),
        (["--set", "patientId"], "--set 'patientId': expected PATH=VALUE"),
        (["--testdata", "missing.toml"], "--testdata missing.toml: no such file"),
        (["--via-ntjp"], "--via-ntjp needs --producer-url"),
        (["--embedded-latency", "-5"], "--embedded-latency -5: must be zero or more milliseconds"),
    ],
)
def test_bad_options_stop_the_run_with_one_line(pytester: pytest.Pytester, arguments: list[str], message: str) -> None:
    result = pytester.runpytest(SUITES, *arguments)
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.errlines if line.startswith("ERROR:")]
    assert len(errors) == 1
    assert message in errors[0]


def test_unknown_set_path_names_the_nearest_valid_paths(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest(SUITES, "--set", "patientId/extention=191212129819")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "unknown path 'patientId/extention'" in result.stderr.str()
    assert "patientId/extension" in result.stderr.str()


def test_config_file_supplies_options_but_refuses_secrets(pytester: pytest.Pytester) -> None:
    good = pytester.makefile(".toml", good='[rivta-harness]\nsla-seconds = 12\nlang = "en"\n')
    recorder = pytester.inline_run(SUITES, "--rivta-config", str(good), "-k", "sla and GetClinicalNotes")
    assert [r["verdict"] for r in records(recorder)] == ["passed"]
    report = json.loads((pytester.path / "reports" / "self-declaration.json").read_text(encoding="utf-8"))
    assert report["sla"]["limit_s"] == 12
    assert report["run"]["language"] == "en"
    secret = pytester.makefile(".toml", secret='cert-password = "hunter2"\n')
    result = pytester.runpytest(SUITES, "--rivta-config", str(secret))
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "looks like a secret" in result.stderr.str()
    assert "hunter2" not in result.stderr.str()


def test_embedded_latency_delays_the_embedded_producer(pytester: pytest.Pytester) -> None:
    recorder = pytester.inline_run(SUITES, "--embedded-latency", "250", "-k", "unknown_patient")
    (record,) = records(recorder)
    assert record["verdict"] == "passed"
    assert record["duration"] >= 0.25


def test_exit_status_follows_the_headline_outcome(pytester: pytest.Pytester) -> None:
    whole = pytester.runpytest(SUITES, "-p", "no:cacheprovider")
    assert "(outcome: pending review (1 mandatory manual check))" in whole.stdout.str()
    assert whole.ret == pytest.ExitCode.OK, "only the manual check is open: nothing stands against the producer"
    partial = pytester.runpytest(SUITES, "-p", "no:cacheprovider", "-k", "ping_for_configuration")
    assert "(outcome: incomplete (not every planned check ran; no TK suite for" in partial.stdout.str()
    assert partial.ret == pytest.ExitCode.TESTS_FAILED, "a partial run cannot stand as a result"
    mandatory = pytester.runpytest(SUITES, "-p", "no:cacheprovider", "--embedded-fault", "fault-as-200")
    assert "(outcome: deviations not declared (1 mandatory check failed without" in mandatory.stdout.str()
    assert mandatory.ret == pytest.ExitCode.TESTS_FAILED


def test_capabilities_and_missing_test_data(pytester: pytest.Pytester) -> None:
    declaration = pytester.makefile(".toml", decl="[capabilities]\nping_for_configuration = false\n")
    testdata = pytester.makefile(".toml", data='[tk.GetClinicalNotes]\npersonnummer = "191212129819"\n')
    recorder = pytester.inline_run(
        SUITES, "--declaration", str(declaration), "--testdata", str(testdata), "-k", "ping or 1_2_1 or 7_2"
    )
    by_check = {r["check"]: r for r in records(recorder)}
    assert by_check["rivta.ping"]["verdict"] == "not applicable"
    assert by_check["tk.notes.date-period"]["verdict"] == "not tested"
    assert "[tk.GetClinicalNotes] date_period_start" in by_check["tk.notes.date-period"]["message"]
    assert by_check["tk.notes.consumer-blocked"]["verdict"] == "not tested"
    assert "consumer_blocking" in by_check["tk.notes.consumer-blocked"]["message"]
    assert recorder.ret == pytest.ExitCode.TESTS_FAILED, "mandatory checks not tested: incomplete"


def test_xdist_keeps_each_checks_evidence_its_own(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest_subprocess(SUITES, "-n", "2", "--report-dir", "out", "--junitxml", "junit.xml")
    assert result.ret == pytest.ExitCode.OK
    report = json.loads((pytester.path / "out/self-declaration.json").read_text(encoding="utf-8"))
    assert report["totals"]["passed"] == 27
    assert report["run"]["complete"] is True
    for check in report["checks"]:
        if check["evidence"] is None:
            continue
        evidence = json.loads((pytester.path / "out" / check["evidence"]).read_text(encoding="utf-8"))
        assert evidence["check"] == check["id"]
        assert evidence["contract"] == check["contract"]
        labels = {e["label"] for e in evidence["exchanges"]}
        if check["id"] == "rivta.concurrency":
            assert len([label for label in labels if label.startswith("concurrent call")]) == 10
        if check["id"] == "tk.notes.date-period":
            assert all(label.startswith("TF 1.2.1") for label in labels)
    junit = ET.parse(pytester.path / "junit.xml").getroot()
    assert int(junit.find("testsuite").get("tests")) == 32
    assert int(junit.find("testsuite").get("skipped")) == 5  # manual, not applicable and the three load profiles


def test_xdist_run_with_other_tests_counts_only_the_checks(pytester: pytest.Pytester) -> None:
    """Plain tests beside the suites are no checks: under xdist they are neither planned nor "did not run"."""
    plain = pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    result = pytester.runpytest_subprocess(SUITES, str(plain), "-n", "2", "--report-dir", "out")
    assert result.ret == pytest.ExitCode.OK
    report = json.loads((pytester.path / "out/self-declaration.json").read_text(encoding="utf-8"))
    assert report["run"]["complete"] is True
    assert report["totals"]["passed"] == 27
    assert "test_plain" not in json.dumps(report["checks"])


def test_xdist_run_of_plain_tests_writes_no_report(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_plain():\n    assert True\n")
    result = pytester.runpytest_subprocess("-n", "2", "--report-dir", "out")
    assert result.ret == pytest.ExitCode.OK
    assert not (pytester.path / "out").exists()


def test_remote_producer_and_via_ntjp(pytester: pytest.Pytester, pki, example_contract, ping_contract) -> None:
    with reference_producer(pki, [example_contract, ping_contract]) as producer:
        common = [
            SUITES,
            "--producer-url", producer.url.replace("127.0.0.1", "localhost"),
            "--logical-address", producer.logical_address,
            "--cert", str(pki.consumer_cert),
            "--key", str(pki.consumer_key),
            "--ca-bundle", str(pki.ca_bundle),
            "--contract", str(EXAMPLE_CONTRACT),
            "--contract", str(PING_CONTRACT),
            "--testdata", str(REPO / "fixtures/testdata/reference-producer.toml"),
            "--declaration", str(REPO / "fixtures/declarations/reference-producer.toml"),
        ]  # fmt: skip
        direct = records(pytester.inline_run(*common, "-k", "mutual_tls or 1_1_1"))
        via = records(pytester.inline_run(*common, "--via-ntjp", "-k", "mutual_tls"))
    assert {r["verdict"] for r in direct} == {"passed"}
    assert len(direct) == 3
    assert {r["verdict"] for r in via} == {"not applicable"}


def test_generic_suite_on_real_corpus_contracts(pytester: pytest.Pytester, pki, corpus: Path) -> None:
    from harness.contracts import load_contracts
    from harness.contracts.select import resolve_reference

    sets = [
        corpus / "contracts/clinicalprocess_healthcond_description/GetCareDocumentation_3.0",
        corpus / "contracts/clinicalprocess_healthcond_actoutcome/GetLaboratoryOrderOutcome_4.0",
        corpus / "contracts/itintegration_monitoring/PingForConfiguration_1.0",
    ]
    contracts = [c for path in sets for c in resolve_reference(str(path))]
    assert [c.key for c in contracts][-1] == "PingForConfiguration 1.0 (RIVTABP21)"
    assert load_contracts(sets[0])[0].name == "GetCareDocumentation"
    with reference_producer(pki, contracts) as producer:
        arguments = [SUITES, "--producer-url", producer.url.replace("127.0.0.1", "localhost")]
        arguments += ["--logical-address", producer.logical_address, "--cert", str(pki.consumer_cert)]
        arguments += ["--key", str(pki.consumer_key), "--ca-bundle", str(pki.ca_bundle)]
        arguments += [item for path in sets for item in ("--contract", str(path))]
        arguments += ["--set", "patientId/extension=191212129819"]
        recorder = pytester.inline_run(*arguments)
    verdicts = {(r["check"], r["contract"]): r["verdict"] for r in records(recorder)}
    assert {contract for _, contract in verdicts} == {c.key for c in contracts}
    assert not any(check.startswith("tk.notes.") for check, _ in verdicts), "the example TK suite is not selected"
    failing = {key: v for key, v in verdicts.items() if v in ("failed", "error")}
    assert failing == {}
    assert {v for (check, _), v in verdicts.items() if check == "rivta.ping"} == {"not tested"}
    assert recorder.ret == pytest.ExitCode.TESTS_FAILED, "no TK suite for these contracts: generic rules only"


def test_test_data_that_cannot_exercise_a_rule_is_not_tested_never_failed(pytester: pytest.Pytester) -> None:
    data = (REPO / "fixtures/testdata/reference-producer.toml").read_text(encoding="utf-8")
    data = data.replace('date_period_start = "20220101"', 'date_period_start = "20000101"')
    data = data.replace('date_period_end = "20221231"', 'date_period_end = "20301231"')
    data = data.replace('personnummer = "191212129819"', 'personnummer = "196001019907"')
    weak = pytester.makefile(".toml", weak=data)
    recorder = pytester.inline_run(SUITES, "--testdata", str(weak), "-k", "1_1_1 or 1_2_1 or 7_2 or 7_3 or 1_3")
    by_check = {r["check"]: r for r in records(recorder)}
    assert {r["verdict"] for r in by_check.values()} == {"not tested"}
    assert "patient 196001019907 has no notes" in by_check["tk.notes.personnummer"]["message"]
    assert "[tk.GetClinicalNotes] personnummer" in by_check["tk.notes.personnummer"]["message"]
    assert "empty answer proves nothing" in by_check["tk.notes.consumer-blocked"]["message"]
    assert "two empty answers prove nothing" in by_check["tk.notes.consumer-independent"]["message"]
    with_notes = data.replace('personnummer = "196001019907"', 'personnummer = "191212129819"')
    wide = pytester.makefile(".toml", wide=with_notes)
    period = records(pytester.inline_run(SUITES, "--testdata", str(wide), "-k", "1_2_1"))
    assert [(r["verdict"], "outside 20000101-20301231" in r["message"]) for r in period] == [("not tested", True)]


def test_concurrency_needs_distinct_requests_and_catches_mixed_answers(pytester: pytest.Pytester) -> None:
    data = (REPO / "fixtures/testdata/reference-producer.toml").read_text(encoding="utf-8")
    single = pytester.makefile(".toml", single=data.replace('"195004279807", "197803759823"', ""))
    (lone,) = records(pytester.inline_run(SUITES, "--testdata", str(single), "-k", "concurrent"))
    assert lone["verdict"] == "not tested"
    assert "at least two distinct requests" in lone["message"]
    (mixed,) = records(pytester.inline_run(SUITES, "--embedded-fault", "concurrency-bug", "-k", "concurrent"))
    assert mixed["verdict"] == "failed"
    assert len({e["label"] for e in mixed["exchanges"] if e["label"].startswith("concurrent call")}) == 10
    asked = " ".join(e["request_body"]["text"] for e in mixed["exchanges"] if e["label"].startswith("concurrent"))
    assert all(patient in asked for patient in ("191212129819", "195004279807", "197803759823"))


def test_sla_judges_every_answered_call_of_the_run(pytester: pytest.Pytester) -> None:
    found = records(
        pytester.inline_run(SUITES, "--embedded-fault", "slow", "--sla-seconds", "0.2", "-k", "sla or 1_1_1")
    )
    assert [r["check"] for r in found] == ["tk.notes.personnummer", "rivta.sla"], "the run-wide check goes last"
    sla = found[-1]
    assert sla["verdict"] == "failed"
    assert any(finding.startswith("TF 1.1.1") for finding in sla["findings"]), "another check's slow call counts"
    assert sla["measurements"]["answers"]["calls"] >= 3
