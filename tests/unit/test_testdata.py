"""Inera's data.xml read unchanged, its TOML form, the round trip, and typed validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.cli import main
from harness.errors import ConfigError
from harness.testdata import CaseSchema, SuiteData, load_testdata, suite_to_toml, validate_suite_data

GCD_DATA = "domain-releases/clinicalprocess_healthcond_description_3.0.5/test-suite/GetCareDocumentation/data.xml"
SAMORDNING = "1.1.2 Samordningsnummer"
SPECIAL = "2.2 Encoding_SpecialCharacters"
INTERVALS = "1.2.2 datePeriod intervall"


def test_corpus_data_xml_loads(corpus: Path) -> None:
    data = load_testdata(corpus / GCD_DATA)
    suite = data.suite("GetCareDocumentation")
    assert suite is not None
    assert data.suite("GetDiagnosis") is None
    assert (suite.contract, suite.suite_id) == ("GetCareDocumentation", "GetCareDocumentation 3.0")
    assert suite.globaldata["patientId"] == "195709263080"
    assert "webServiceUrl" in suite.globaldata  # commented-out alternatives are ignored, the live one kept
    assert suite.value(SAMORDNING, "patientId") == "196812732391"
    assert suite.value(SAMORDNING, "patientIdType") == "1.2.752.129.2.1.3.3"
    assert suite.value("1.1.1 Personnummer", "patientId") == "195709263080"  # falls back to globaldata
    assert suite.value(SAMORDNING, "noSuchKey") is None
    assert suite.value(SPECIAL, "testString") == "åäö<>><&"
    assert suite.cases["1.1.1 Personnummer"] == {}  # comments are not values
    assert suite.has_case("7.3 Consumer_Independent")
    assert not suite.has_case("9.9 Nothing")
    assert suite.case_values(SAMORDNING)["careUnitHSAId"] == "22222"
    assert suite.case_values(SAMORDNING)["patientId"] == "196812732391"
    assert "hasMore" in suite.descriptions["5.18 Delsvar"]
    assert data.fact("GetCareDocumentation", "logicalAddress") == "23456"
    assert data.describe_key("GetCareDocumentation", "x") == f"<globaldata> <x> in {corpus / GCD_DATA}"


def test_convert_then_load_gives_identical_values(corpus: Path, tmp_path: Path, capsys) -> None:
    assert main(["testdata", "convert", str(corpus / GCD_DATA)]) == 0
    converted = tmp_path / "testdata.toml"
    converted.write_text(capsys.readouterr().out, encoding="utf-8")
    original = load_testdata(corpus / GCD_DATA).suite("GetCareDocumentation")
    again = load_testdata(converted).suite("GetCareDocumentation")
    assert again == original


def test_every_corpus_data_xml_loads_and_round_trips(corpus: Path, tmp_path: Path) -> None:
    files = sorted((corpus / "domain-releases").rglob("data.xml"))
    assert len(files) >= 25
    for file in files:
        suite = load_testdata(file).suites
        (only,) = suite.values()
        assert only.cases, file
        converted = tmp_path / "x.toml"
        converted.write_text(suite_to_toml(only), encoding="utf-8")
        assert load_testdata(converted).suite(only.contract) == only, file


def test_contract_named_by_folder_when_the_file_does_not_say(tmp_path: Path) -> None:
    folder = tmp_path / "test-suite" / "FindOffers"
    folder.mkdir(parents=True)
    (folder / "data.xml").write_text(
        "<testsuite><id>GetReferralOutcome</id><globaldata/><testcase id='1'><data/></testcase></testsuite>",
        encoding="utf-8",
    )
    assert set(load_testdata(folder / "data.xml").suites) == {"FindOffers"}


def test_typed_toml_and_flat_facts_live_together(tmp_path: Path) -> None:
    path = tmp_path / "testdata.toml"
    path.write_text(
        '[tk.GetCareDocumentation]\npersonnummer = "191212129819"\n'
        '[tk.GetCareDocumentation.globaldata]\npatientId = "191212129819"\nlogTestData = false\n'
        f'[tk.GetCareDocumentation.testcase."{INTERVALS}"]\nnumberOfIntervals = 30\n'
        '[tk.GetClinicalNotes]\ncare_unit = "SE1"\n',
        encoding="utf-8",
    )
    data = load_testdata(path)
    suite = data.suite("GetCareDocumentation")
    assert suite is not None
    assert suite.value(INTERVALS, "numberOfIntervals") == "30"
    assert suite.value(INTERVALS, "logTestData") == "false"
    assert data.fact("GetCareDocumentation", "personnummer") == "191212129819"
    assert data.fact("GetCareDocumentation", "globaldata") is None  # tables are not facts
    assert data.fact("GetClinicalNotes", "care_unit") == "SE1"
    assert data.suite("GetClinicalNotes") is None  # a flat table stays plain facts


SCHEMA = CaseSchema(
    globaldata={"logTestData": bool, "logicalAddress": str},
    cases={INTERVALS: {"numberOfIntervals": int}, SAMORDNING: {}},
    anywhere={"patientId": str, "patientIdType": str},
)


def suite(globaldata: dict[str, str], cases: dict[str, dict[str, str]]) -> SuiteData:
    return SuiteData("GetCareDocumentation", "GetCareDocumentation 3.0", globaldata, cases)


def test_valid_data_passes_the_schema() -> None:
    validate_suite_data(
        suite({"logTestData": "false", "patientId": "1"}, {INTERVALS: {"numberOfIntervals": "30", "patientId": "2"}}),
        SCHEMA,
        where="testdata.toml",
    )


@pytest.mark.parametrize(
    ("globaldata", "cases", "where", "message"),
    [
        (
            {},
            {INTERVALS: {"numberOfIntervals": "many"}},
            "testdata.toml",
            f'testdata.toml [tk.GetCareDocumentation.testcase."{INTERVALS}"] numberOfIntervals: '
            'expected an integer, got "many"',
        ),
        (
            {},
            {SAMORDNING: {"patientID": "1"}},
            "testdata.toml",
            f"testdata.toml [tk.GetCareDocumentation.testcase.\"{SAMORDNING}\"] unknown key 'patientID' "
            "(did you mean patientId?)",
        ),
        (
            {"logTestData": "nej"},
            {},
            "data.xml",
            'data.xml <globaldata> logTestData: expected a boolean (true or false), got "nej"',
        ),
        (
            {},
            {"1.1.2 Samordningsnumer": {}},
            "data.xml",
            'data.xml <testcase id="1.1.2 Samordningsnumer"> unknown test case (did you mean 1.1.2 Samordningsnummer?)',
        ),
    ],
)
def test_schema_errors_name_the_key_and_the_case(
    globaldata: dict[str, str], cases: dict[str, dict[str, str]], where: str, message: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        validate_suite_data(suite(globaldata, cases), SCHEMA, where=where)
    assert str(caught.value) == message


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("data.xml", b"<testsuite><id>x", r"data\.xml, line 1: not well-formed XML"),
        ("data.xml", b'<!DOCTYPE t [<!ENTITY a "b">]><testsuite/>', r"data\.xml: contains a DOCTYPE"),
        ("data.xml", b"<suite/>", r"data\.xml: no <testsuite> root element"),
        (
            "data.xml",
            b"<testsuite><id>Schema Compliance TestSuite</id></testsuite>",
            r"data\.xml: <testsuite> names no contract",
        ),
        (
            "data.xml",
            b"<testsuite><contractName>X</contractName><testcase id='1'><data><a><b/></a></data></testcase></testsuite>",
            r'<testcase id="1">, line 1: <a> must hold text',
        ),
        (
            "t.toml",
            b'[tk.X.testcase."1.3"]\ncareUnit = 1.5\n',
            r't\.toml \[tk\.X\.testcase\."1\.3"\] careUnit: expected a string, integer or boolean, got 1\.5',
        ),
        ("t.toml", b"[tk.X]\ntestcase = 3\n", r"t\.toml \[tk\.X\.testcase\]: expected one table per test case"),
    ],
)
def test_bad_test_data_files_give_one_line(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=message) as caught:
        load_testdata(path)
    assert "\n" not in str(caught.value)


def test_convert_errors_are_one_line(tmp_path: Path, capsys) -> None:
    bad = tmp_path / "data.xml"
    bad.write_bytes(b"<nope/>")
    assert main(["testdata", "convert", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "no <testsuite> root element" in err
    assert "Traceback" not in err
