"""Loading contract packages: layouts, the contract model, and every kind of bad input."""

from __future__ import annotations

import hashlib
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import EXAMPLE_CONTRACT, PING_CONTRACT
from harness.contracts import Profile, load_contracts, load_package
from harness.errors import ContractDefect, ContractError

EXAMPLE_WSDL = "schemas/interactions/GetClinicalNotesInteraction/GetClinicalNotesInteraction_1.1_RIVTABP21.wsdl"
EXAMPLE_RESPONDER = "schemas/interactions/GetClinicalNotesInteraction/GetClinicalNotesResponder_1.1.xsd"
EXAMPLE_CORE = "schemas/core_components/example_clinicalprocess_notes_1.0.xsd"


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    target = tmp_path / "pkg"
    shutil.copytree(EXAMPLE_CONTRACT, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_example_contract_model() -> None:
    (contract,) = load_contracts(EXAMPLE_CONTRACT)
    assert contract.name == "GetClinicalNotes"
    assert (contract.major, contract.minor, contract.version) == (1, 1, "1.1")
    assert contract.domain == "example:clinicalprocess:notes"
    assert contract.profile is Profile.BP21
    assert contract.header_element == "{urn:riv:itintegration:registry:1}LogicalAddress"
    assert contract.wsdl_namespace == "urn:riv:example:clinicalprocess:notes:GetClinicalNotes:1:rivtabp21"
    assert contract.responder_namespace == "urn:riv:example:clinicalprocess:notes:GetClinicalNotesResponder:1"
    op = contract.operation
    assert op.name == "GetClinicalNotes"
    assert op.soap_action == "urn:riv:example:clinicalprocess:notes:GetClinicalNotesResponder:1:GetClinicalNotes"
    assert op.request_element == f"{{{contract.responder_namespace}}}GetClinicalNotes"
    assert op.response_element == f"{{{contract.responder_namespace}}}GetClinicalNotesResponse"
    assert contract.warnings == ()
    relatives = {f.relative for f in contract.files}
    assert EXAMPLE_RESPONDER.replace("_1.1.xsd", "_1.1_ext.xsd") in relatives
    assert "schemas/core_components/itintegration_registry_1.0.xsd" in relatives
    wsdl_bytes = (EXAMPLE_CONTRACT / EXAMPLE_WSDL).read_bytes()
    assert contract.wsdl.sha256 == hashlib.sha256(wsdl_bytes).hexdigest()


def test_ping_contract_model() -> None:
    (contract,) = load_contracts(PING_CONTRACT)
    assert contract.key == "PingForConfiguration 1.0 (RIVTABP21)"
    assert contract.domain == "itintegration:monitoring"
    assert contract.operation.soap_action.endswith("PingForConfigurationResponder:1:PingForConfiguration")


def test_single_wsdl_path_finds_package_root() -> None:
    (contract,) = load_contracts(EXAMPLE_CONTRACT / EXAMPLE_WSDL)
    assert contract.name == "GetClinicalNotes"
    assert len(contract.files) == 5


def test_zip_release_with_top_folder(tmp_path: Path) -> None:
    archive = tmp_path / "ServiceContracts_example_1.1.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for file in EXAMPLE_CONTRACT.rglob("*"):
            if file.is_file():
                zf.write(file, "ServiceContracts_example_1.1/" + file.relative_to(EXAMPLE_CONTRACT).as_posix())
        zf.writestr("ServiceContracts_example_1.1/docs/readme.txt", "not a schema")
    (contract,) = load_contracts(archive)
    assert contract.key == "GetClinicalNotes 1.1 (RIVTABP21)"
    assert contract.wsdl.path.startswith(f"{archive.resolve().as_posix()}!/")


def test_flat_layout(tmp_path: Path) -> None:
    flat = tmp_path / "flat"
    flat.mkdir()
    for file in PING_CONTRACT.rglob("*.*"):
        shutil.copy(file, flat / file.name)
    wsdl = flat / "PingForConfigurationInteraction_1.0_RIVTABP21.wsdl"
    edit(wsdl, "../../core_components/", "")
    edit(flat / "PingForConfigurationResponder_1.0.xsd", "../../core_components/", "")
    (contract,) = load_contracts(flat)
    assert contract.name == "PingForConfiguration"


def test_bp20_detected_from_wsa_to_header(example_copy: Path) -> None:
    wsdl = example_copy / EXAMPLE_WSDL
    edit(wsdl, 'xmlns:itr="urn:riv:itintegration:registry:1"', 'xmlns:wsa="http://www.w3.org/2005/08/addressing"')
    edit(wsdl, 'namespace="urn:riv:itintegration:registry:1"', 'namespace="http://www.w3.org/2005/08/addressing"')
    edit(wsdl, "../../core_components/itintegration_registry_1.0.xsd", "../../core_components/ws-addressing.xsd")
    edit(wsdl, 'element="itr:LogicalAddress"', 'element="wsa:To"')
    (example_copy / "schemas/core_components/ws-addressing.xsd").write_text(
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.w3.org/2005/08/addressing"'
        ' elementFormDefault="qualified"><xs:element name="To" type="xs:anyURI"/></xs:schema>',
        encoding="utf-8",
    )
    (contract,) = load_contracts(example_copy)
    assert contract.profile is Profile.BP20
    assert contract.header_element == "{http://www.w3.org/2005/08/addressing}To"


def test_second_load_is_served_from_cache_and_edits_are_not_stale(example_copy: Path) -> None:
    first = load_contracts(example_copy)
    assert load_contracts(example_copy) is first
    edit(example_copy / EXAMPLE_CORE, "<xs:documentation>Date YYYYMMDD.</xs:documentation>", "")
    assert load_contracts(example_copy) is not first


@pytest.mark.parametrize(
    ("mutation", "expected"),
    [
        (
            ("../../core_components/example_clinicalprocess_notes_1.0.xsd", "http://example.org/core.xsd"),
            "imports remote 'http://example.org/core.xsd'",
        ),
        (
            ("../../core_components/example_clinicalprocess_notes_1.0.xsd", "../../core_components/missing.xsd"),
            "but schemas/core_components/missing.xsd is not in the package",
        ),
        (
            ("../../core_components/example_clinicalprocess_notes_1.0.xsd", "../../../../../../etc/passwd.xsd"),
            "points outside the package root",
        ),
    ],
    ids=["remote", "missing", "escaping"],
)
def test_bad_imports_are_one_line_errors_naming_the_importer(
    example_copy: Path, mutation: tuple[str, str], expected: str
) -> None:
    edit(example_copy / EXAMPLE_RESPONDER, *mutation)
    with pytest.raises(ContractError) as caught:
        load_contracts(example_copy)
    message = str(caught.value)
    assert expected in message
    assert EXAMPLE_RESPONDER in message
    assert "\n" not in message


def test_doctype_and_entities_are_refused(example_copy: Path) -> None:
    core = example_copy / EXAMPLE_CORE
    text = core.read_text(encoding="utf-8")
    bomb = '<!DOCTYPE lol [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n'
    core.write_text(text.replace("<xs:schema", bomb + "<xs:schema", 1), encoding="utf-8")
    with pytest.raises(ContractError, match=r"example_clinicalprocess_notes_1\.0\.xsd: contains a DOCTYPE"):
        load_contracts(example_copy)


def test_malformed_xsd_names_file_and_line(example_copy: Path) -> None:
    edit(example_copy / EXAMPLE_CORE, '<xs:complexType name="IIType">', '<xs:complexType name="IIType"')
    with pytest.raises(ContractError, match=r"example_clinicalprocess_notes_1\.0\.xsd, line \d+: not well-formed"):
        load_contracts(example_copy)


def test_schema_that_does_not_compile_is_a_contract_defect(example_copy: Path) -> None:
    edit(
        example_copy / EXAMPLE_RESPONDER,
        'type="core:IIType" minOccurs="0" maxOccurs="unbounded"',
        'type="core:NoSuchType"',
    )
    with pytest.raises(ContractDefect, match="schema does not compile"):
        load_contracts(example_copy)


def test_message_part_naming_an_undefined_element_is_one_line_naming_file_part_and_element(
    example_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Runs with filterwarnings=error: a library UserWarning would fail it before the defect is named."""
    from harness.cli import main

    edit(
        example_copy / EXAMPLE_WSDL, 'element="tjsr:GetClinicalNotesResponse"', 'element="tjsr:GetClinicalNotesAnswer"'
    )
    with pytest.raises(ContractDefect) as raised:
        load_contracts(example_copy)
    message = str(raised.value)
    assert message.startswith(f"{EXAMPLE_WSDL}, line 31: wsdl:part 'parameters' of message 'GetClinicalNotesResponse'")
    assert "names element tjsr:GetClinicalNotesAnswer" in message
    assert "which the contract's XSDs do not define" in message
    assert main(["contracts", "list", str(example_copy)]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1, captured.err
    assert "Warning" not in captured.err


def test_missing_path_and_non_package_inputs(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match="no such file or folder"):
        load_contracts(tmp_path / "nope")
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ContractError, match=r"neither a folder, a \.wsdl file nor a zip"):
        load_contracts(tmp_path / "notes.txt")
    archive = tmp_path / "other.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("readme.txt", "no contracts here")
    with pytest.raises(ContractError, match=r"holds no \.wsdl file, so it is not a contract package"):
        load_contracts(archive)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ContractError, match=r"no \.wsdl file in this folder"):
        load_contracts(empty)


def test_zip_member_escaping_the_package_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("../../evil.wsdl", "<x/>")
    with pytest.raises(ContractError, match="would escape the package"):
        load_contracts(archive)


def test_schema_location_in_other_letter_case_loads_with_a_warning(example_copy: Path) -> None:
    edit(
        example_copy / EXAMPLE_RESPONDER,
        "example_clinicalprocess_notes_1.0.xsd",
        "EXAMPLE_clinicalprocess_notes_1.0.xsd",
    )
    (contract,) = load_contracts(example_copy)
    assert [w.code for w in contract.warnings] == ["schema-location-case"]


def test_utf8_bom_files_load(example_copy: Path) -> None:
    for file in example_copy.rglob("*.*"):
        file.write_bytes(b"\xef\xbb\xbf" + file.read_bytes())
    (contract,) = load_contracts(example_copy)
    assert contract.name == "GetClinicalNotes"


def test_one_broken_interaction_does_not_hide_the_others(tmp_path: Path) -> None:
    package = tmp_path / "two"
    shutil.copytree(EXAMPLE_CONTRACT, package)
    shutil.copytree(PING_CONTRACT / "schemas/interactions", package / "schemas/interactions", dirs_exist_ok=True)
    shutil.copy(
        PING_CONTRACT / "schemas/core_components/itintegration_monitoring_1.0.xsd", package / "schemas/core_components"
    )
    edit(
        package / "schemas/interactions/PingForConfigurationInteraction/PingForConfigurationResponder_1.0.xsd",
        'type="core:TS"',
        'type="core:Nope"',
    )
    loaded = load_package(package)
    assert [c.name for c in loaded.contracts] == ["GetClinicalNotes"]
    assert len(loaded.problems) == 1
    assert "PingForConfiguration" in str(loaded.problems[0])
