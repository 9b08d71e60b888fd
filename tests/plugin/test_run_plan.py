"""Up front: which suites run per contract, which test data nothing reads, and a help that starts with ours."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import EXAMPLE_CONTRACT, REPO
from harness.cli import main
from harness.cli.run_cmd import harness_options

SUITES = str(REPO / "testsuites")


def test_start_up_says_which_suites_run_and_which_test_data_is_unused(pytester: pytest.Pytester, corpus: Path) -> None:
    lab = corpus / "contracts/clinicalprocess_healthcond_actoutcome/GetLaboratoryOrderOutcome_4.0"
    testdata = pytester.makefile(
        ".toml",
        data='[tk.GetLaboratoryOrderOutcome]\npersonnummer = "191212121212"\n\n'
        '[tk.GetClinicalNotes]\npersonnummer = "191212121212"\n\n[request.GetVaccinationHistory]\n"a/b" = "c"\n',
    )
    result = pytester.runpytest(
        SUITES, "--collect-only", "-q", "--contract", str(lab), "--contract", str(EXAMPLE_CONTRACT),
        "--testdata", str(testdata), "--set", "patientId/extension=191212121212",
    )  # fmt: skip
    lines = result.stdout.str().splitlines()
    lab_line = next(line for line in lines if line.startswith("rivta: GetLaboratoryOrderOutcome 4.0"))
    assert re.search(r"generic rules \(\d+ checks\); no TK suite available — generic rules only$", lab_line)
    notes_line = next(line for line in lines if line.startswith("rivta: GetClinicalNotes 1.1"))
    assert re.search(r"TK suite \(\d+ checks\)", notes_line)
    assert "no TK suite" not in notes_line
    out = "\n".join(lines)
    assert "warning: test data [tk.GetLaboratoryOrderOutcome]" in out
    assert "no TK suite runs for GetLaboratoryOrderOutcome" in out
    assert "[request.GetVaccinationHistory]" in out
    assert "no selected contract is called GetVaccinationHistory" in out
    assert "[tk.GetClinicalNotes]" not in out


def test_deselected_suites_are_named_not_hidden(pytester: pytest.Pytester) -> None:
    out = pytester.runpytest(SUITES, "--collect-only", "-q", "-k", "sla").stdout.str()
    line = next(line for line in out.splitlines() if line.startswith("rivta: GetClinicalNotes 1.1"))
    assert "TK suite not selected (-k/-m)" in line
    assert re.search(r"generic rules \(1 of \d+ checks\)", line)


def test_run_help_shows_the_harness_options_first_grouped(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "--help"]) == 0
    text = capsys.readouterr().out
    headings = [line for line in text.splitlines() if line.endswith("options:")]
    assert headings == [
        "producer options:", "contract options:", "certificates options:", "test data options:",
        "report options:", "load options:", "EI (engagement index) options:", "configuration file options:",
    ]  # fmt: skip
    for names, _ in harness_options():
        assert names[0] in text, names[0]
    assert text.index("--producer-url") < text.index("--ca-bundle") < text.index("--report-dir")
    assert "--junit-prefix" not in text, "pytest's own options are behind --help-pytest"
    assert "--help-pytest" in text


def test_help_pytest_shows_pytests_options(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr("pytest.main", lambda args: seen.append(list(args)) or 0)
    assert main(["run", "--help-pytest"]) == 0
    assert seen[0][-1] == "--help"


def test_under_xdist_the_plan_comes_with_the_verdicts(pytester: pytest.Pytester) -> None:
    out = pytester.runpytest(SUITES, "-n", "2", "-k", "sla or 1_1_1").stdout.str()
    section = out.split("RIVTA verdicts")[1]
    assert re.search(
        r"rivta: GetClinicalNotes 1\.1 \(RIVTABP21\): generic rules \(1 check\), TK suite \(1 check\)", section
    )
