"""Inputs of a run: personal identity numbers, test data, the declaration and run options."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from harness import personnummer
from harness.declaration import load_declaration
from harness.errors import ConfigError
from harness.run import build_options, options_from_file
from harness.testdata import load_testdata


@pytest.mark.parametrize(
    ("identity", "valid", "test_series"),
    [
        ("191212129819", True, True),
        ("19121212-9819", True, True),
        ("197803759823", True, True),  # samordningsnummer (day + 60)
        ("191212121212", True, True),  # Tolvan Tolvansson, the well-known test person
        ("20121212-1212", True, True),  # Lilltolvan
        ("197010632391", True, True),  # Skatteverket's example samordningsnummer
        ("198507142381", True, False),  # real-looking: birth number 238
        ("191212121213", False, False),  # wrong check digit
        ("191302301212", False, False),  # 30 February
    ],
)
def test_personnummer(identity: str, valid: bool, test_series: bool) -> None:
    assert personnummer.is_valid(identity) is valid
    assert personnummer.is_test_identity(identity) is test_series


def test_masking_and_real_looking_identities() -> None:
    text = "<id>191212129819</id><id>198507142381</id><id>191212121212</id><id>123456789012</id>"
    assert personnummer.mask(text) == (
        "<id>19121212****</id><id>19850714****</id><id>19121212****</id><id>123456789012</id>"
    )
    assert personnummer.real_looking_identities(text) == ["198507142381"]
    assert personnummer.real_looking_identities(text, synthetic={"198507142381"}) == []


def test_testdata_layers(tmp_path: Path) -> None:
    path = tmp_path / "data.toml"
    path.write_text(
        '[request]\n"patientId/extension" = "1"\n[request.GetClinicalNotes]\n"patientId/extension" = "2"\n'
        '[tk.GetClinicalNotes]\npersonnummer = "191212129819"\n',
        encoding="utf-8",
    )
    data = load_testdata(path)
    assert data.overrides_for("Other") == {"patientId/extension": "1"}
    assert data.overrides_for("GetClinicalNotes") == {"patientId/extension": "2"}
    assert data.overrides_for("GetClinicalNotes", {"patientId/extension": "3"}) == {"patientId/extension": "3"}
    assert data.fact("GetClinicalNotes", "personnummer") == "191212129819"
    assert data.fact("GetClinicalNotes", "unknown") is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('[request]\n"patientId/extension" = 191212129819\n', "request values must be strings"),
        ("[bogus]\nx = 1\n", r"unknown top-level key\(s\) bogus"),
        ("[request\n", "cannot read TOML"),
    ],
)
def test_testdata_errors_name_the_file_and_key(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "data.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as caught:
        load_testdata(path)
    assert str(path) in str(caught.value)


def test_bundled_declaration_reads() -> None:
    declaration = load_declaration(REPO / "fixtures/declarations/reference-producer.toml")
    assert declaration.environment == "local"
    assert declaration.producer_product is not None
    assert declaration.capability("consumer_blocking") is True
    assert declaration.capability("unknown") is None


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('environment = "PROD"\n', "environment 'PROD' is not one of"),
        ("[capabilities]\nteleportation = true\n", "unknown capability 'teleportation'"),
        ('[[deviations]]\ncheck = "rivta.nope"\nstatus = "new"\nmotivation = "x"\n', "unknown check 'rivta.nope'"),
        ('[[deviations]]\ncheck = "rivta.sla"\nstatus = "approved"\nmotivation = "x"\n', "needs the case reference"),
        ('[[deviations]]\ncheck = "rivta.sla"\nstatus = "new"\nmotivation = " "\n', "needs a motivation"),
        ('[producer_product]\nname = "X"\n', "needs name and version"),
        ('[[answers]]\nsection = "2.5.2"\nanswer = "yes"\n', "needs section and question"),
        (
            '[[answers]]\nsection = "2.5.2"\nquestion = "Tillgänglighet"\nanswer = "maybe"\n',
            "answer must be yes, no or text",
        ),
    ],
)
def test_declaration_is_validated_before_the_run(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "declaration.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        load_declaration(path)


def test_options_merge_file_under_command_line(tmp_path: Path) -> None:
    path = tmp_path / "rivta.toml"
    path.write_text('[rivta-harness]\nsla-seconds = 5\nlang = "en"\nvia-ntjp = false\n', encoding="utf-8")
    options = build_options({"sla_seconds": 3.0, "lang": None}, options_from_file(path))
    assert (options.sla_seconds, options.lang, options.embedded) == (3.0, "en", True)


def test_options_file_rejects_unknown_keys(tmp_path: Path) -> None:
    path = tmp_path / "rivta.toml"
    path.write_text('produser-url = "https://x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown option 'produser-url'"):
        options_from_file(path)


def test_declaration_answers_and_deviations_of_run_time_checks(tmp_path: Path) -> None:
    path = tmp_path / "declaration.toml"
    path.write_text(
        '[[answers]]\nsection = "2.5.2"\nquestion = "tillgänglighet"\nanswer = "yes"\ntext = "24x7"\n'
        '[[deviations]]\ncheck = "soapui.getcaredocumentation.1-2-1-dateperiod"\nstatus = "new"\nmotivation = "m"\n',
        encoding="utf-8",
    )
    declaration = load_declaration(path)
    answer = declaration.answer_for("2.5.2", "Tillgänglighet: Tillgänglighet för tjänsteproducenten är 24x7, 99,5%")
    assert (answer.answer, answer.text) == ("yes", "24x7")
    assert declaration.answer_for("2.5.3", "Tillgänglighet") is None, "the section must match too"
    assert declaration.deviation_for("soapui.getcaredocumentation.1-2-1-dateperiod") is not None
