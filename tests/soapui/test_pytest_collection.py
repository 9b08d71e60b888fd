"""``pytest testsuites --soapui-project FILE.xml``: items named as in the project, verdicts in the report."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import soapui_builder as b

from conftest import REPO, corpus_path

SUITES = str(REPO / "testsuites")
GCD_RELEASE = "domain-releases/clinicalprocess_healthcond_description_3.0.5"


def _project(folder: Path) -> tuple[Path, Path]:
    call = b.request(
        "Call",
        b.envelope(b.patient()),
        b.assertion("SOAP Fault Assertion", "Not SOAP Fault"),
        b.assertion("Schema Compliance"),
        b.script(
            "def ca = new ContentAssertions(context, messageExchange, log)\nca.assertNonEmptyResponse()", "records"
        ),
    )
    basic = b.suite(
        "1 Basic",
        b.case("1.1 Personnummer", b.groovy("Read data"), call),
        b.case("1.2 Date period", b.groovy("Read data"), call),
        b.case("1.3 Disabled", b.groovy("Read data"), call, disabled=True),
    )
    other = b.suite(
        "6 Non-functional",
        b.case("6.1 Load", call, load=True),
        b.case("6.2 Look at it", b.manual("Look", "Compare with the EHR", "Same text")),
    )
    project = b.write_project(folder, "Notes", basic, other)
    data = b.write_data(
        folder,
        {"logicalAddress": "SE1234567890-LA01", "httpHeaderHsaId": "SE1234567890-HRN1", "patientId": "191212129819"},
    )
    return project, data


def _records(recorder: pytest.HookRecorder) -> dict[str, dict]:
    reports = recorder.getreports("pytest_runtest_logreport")
    return {r.rivta["spec"]["title_en"]: r.rivta for r in reports if hasattr(r, "rivta")}


def test_cases_become_checks_with_project_names_and_verdicts(pytester: pytest.Pytester) -> None:
    project, data = _project(pytester.path)
    recorder = pytester.inline_run(
        SUITES, "--soapui-project", str(project), "--testdata", str(data), "-k", "Basic or Non-functional"
    )
    records = _records(recorder)
    assert list(records) == ["1.1 Personnummer", "1.2 Date period", "1.3 Disabled", "6.1 Load", "6.2 Look at it"]
    first = records["1.1 Personnummer"]
    assert first["check"] == "soapui.notes.1.1-personnummer"
    assert (first["verdict"], first["spec"]["tf"], first["spec"]["suite"], first["spec"]["level"]) == (
        "passed",
        "1.1",
        "tk",
        "mandatory",
    )
    assert first["contract"].startswith("GetClinicalNotes")
    assert first["measurements"]["assertions"] == [
        "passed: 1.1 Personnummer / Call / Not SOAP Fault (SOAP Fault Assertion): not a SOAP Fault",
        "passed: 1.1 Personnummer / Call / Schema Compliance: valid against GetClinicalNotes 1.1 (RIVTABP21)",
        "passed: 1.1 Personnummer / Call / records (GroovyScriptAssertion): 7 records",
    ]
    assert len(first["exchanges"]) == 1
    assert records["1.3 Disabled"]["verdict"] == "not tested"
    assert "disabled in the project" in records["1.3 Disabled"]["message"]
    assert records["6.1 Load"]["verdict"] == "not tested"
    assert "load test" in records["6.1 Load"]["message"]
    assert records["6.2 Look at it"]["verdict"] == "manual"
    assert "Compare with the EHR" in records["6.2 Look at it"]["message"]
    report = json.loads((pytester.path / "reports" / "self-declaration.json").read_text(encoding="utf-8"))
    assert {c["id"] for c in report["checks"]} >= {"soapui.notes.1.1-personnummer", "soapui.notes.6.2-look-at-it"}


def test_k_selects_cases_by_tf_number_in_project_order(pytester: pytest.Pytester) -> None:
    project, data = _project(pytester.path)
    arguments = [SUITES, "--soapui-project", str(project), "--testdata", str(data), "--collect-only", "-q"]
    every = [line for line in pytester.runpytest(*arguments).outlines if "soapui-project.xml::" in line]
    assert [line.rsplit("::", 1)[1] for line in every] == [
        "1.1 Personnummer",
        "1.2 Date period",
        "1.3 Disabled",
        "6.1 Load",
        "6.2 Look at it",
    ]
    assert every[0].endswith("Notes-soapui-project.xml::1 Basic::1.1 Personnummer")
    selected = [line for line in pytester.runpytest(*arguments, "-k", "1.2").outlines if "::" in line]
    assert [line.rsplit("::", 1)[1] for line in selected] == ["1.2 Date period"]


def test_a_file_that_is_not_a_project_stops_the_run_with_one_line(pytester: pytest.Pytester) -> None:
    bogus = pytester.makefile(".xml", **{"Bogus-soapui-project": "<project/>"})
    for path, message in (
        (str(bogus), "not a SoapUI project (root element 'project')"),
        ("nothing.xml", "--soapui-project nothing.xml: no such file"),
    ):
        result = pytester.runpytest(SUITES, "--soapui-project", path)
        assert result.ret == pytest.ExitCode.USAGE_ERROR
        errors = [line for line in result.errlines if line.startswith("ERROR:")]
        assert len(errors) == 1
        assert message in errors[0]
        assert "Traceback" not in result.stderr.str()


def _release(name: str = GCD_RELEASE) -> Path:
    release = corpus_path() / name
    if not release.is_dir():
        pytest.skip(f"corpus release {name} not present")
    return release


def _soapui_names(result: pytest.RunResult, project: str) -> list[str]:
    return [line.rsplit("::", 1)[1] for line in result.outlines if f"{project}-soapui-project.xml::" in line]


@pytest.mark.corpus
def test_a_release_as_contract_finds_its_project(pytester: pytest.Pytester) -> None:
    release = _release()
    result = pytester.runpytest(SUITES, "--contract", f"{release}::GetAlertInformation", "--collect-only", "-q")
    names = _soapui_names(result, "GetAlertInformation")
    assert len(names) == 48
    assert names[:3] == ["1.1.1 Personnummer", "1.1.2 Samordningsnummer", "1.1.3 Lokalt reservnummer"]


@pytest.mark.corpus
def test_a_found_project_does_not_duplicate_a_native_tk_suite_a_named_one_runs_beside_it(
    pytester: pytest.Pytester,
) -> None:
    release = _release()
    contract = ["--contract", f"{release}::GetCareDocumentation", "--collect-only", "-q"]
    found = pytester.runpytest(SUITES, *contract)
    assert _soapui_names(found, "GetCareDocumentation") == []
    assert any("test_1_1_1" in line for line in found.outlines)  # the native GCD 3 suite
    project = release / "test-suite" / "GetCareDocumentation" / "GetCareDocumentation-soapui-project.xml"
    named = pytester.runpytest(SUITES, *contract, "--soapui-project", str(project))
    assert len(_soapui_names(named, "GetCareDocumentation")) == 40


@pytest.mark.corpus
def test_a_release_zip_as_contract_finds_its_project(pytester: pytest.Pytester) -> None:
    release = _release()
    archive = pytester.path / "release.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for path in release.rglob("*"):
            if path.is_file() and path.suffix in (".xml", ".xsd", ".wsdl", ".html"):
                zipped.write(path, f"{release.name}/{path.relative_to(release).as_posix()}")
    result = pytester.runpytest(SUITES, "--contract", f"{archive}::GetAlertInformation", "--collect-only", "-q")
    assert len(_soapui_names(result, "GetAlertInformation")) == 48
