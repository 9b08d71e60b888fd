"""Payload validation findings, contract defects and the pattern-anchor option."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from conftest import EXAMPLE_CONTRACT
from harness.contracts import load_contracts
from harness.contracts.defects import has_literal_anchors, rewrite_anchored_patterns, strip_anchors
from harness.contracts.sample import MessageBuilder

NS = "urn:riv:example:clinicalprocess:notes:GetClinicalNotesResponder:1"
CORE = "urn:riv:example:clinicalprocess:notes:1"


def payload(xml: str) -> etree._Element:
    return etree.fromstring(xml.encode())


def test_valid_payload_has_no_findings() -> None:
    (contract,) = load_contracts(EXAMPLE_CONTRACT)
    good = payload(
        f'<r:GetClinicalNotes xmlns:r="{NS}" xmlns:c="{CORE}">'
        "<r:patientId><c:root>1.2.752.129.2.1.3.1</c:root><c:extension>191212121212</c:extension></r:patientId>"
        "</r:GetClinicalNotes>"
    )
    assert contract.schema.is_valid(good)
    assert contract.schema.validate(good) == []


def test_findings_carry_path_line_and_reason() -> None:
    (contract,) = load_contracts(EXAMPLE_CONTRACT)
    bad = payload(
        f'<r:GetClinicalNotes xmlns:r="{NS}" xmlns:c="{CORE}">\n'
        "<r:patientId><c:root>1.2.752.129.2.1.3.1</c:root><c:extension>191212121212</c:extension></r:patientId>\n"
        "<r:datePeriod><c:start>2024-01-01</c:start></r:datePeriod>\n"
        "</r:GetClinicalNotes>"
    )
    findings = contract.schema.validate(bad)
    assert len(findings) == 1
    (finding,) = findings
    assert finding.path == "/GetClinicalNotes/datePeriod/start"
    assert finding.line == 3
    assert "2024-01-01" in finding.reason
    assert str(finding).startswith("/GetClinicalNotes/datePeriod/start (line 3): ")


def test_missing_mandatory_element_is_reported() -> None:
    (contract,) = load_contracts(EXAMPLE_CONTRACT)
    findings = contract.schema.validate(payload(f'<r:GetClinicalNotes xmlns:r="{NS}"/>'))
    assert findings
    assert "patientId" in findings[0].reason


def test_minor_version_elements_validate_against_the_exact_minor() -> None:
    (contract,) = load_contracts(EXAMPLE_CONTRACT)
    builder = MessageBuilder(contract)
    response = builder.build(contract.operation.response_element, {"numberOfRecords": "0"})
    assert contract.schema.validate(response) == []
    ext = response.find("{urn:riv:example:clinicalprocess:notes:GetClinicalNotesResponder:1.1}numberOfRecords")
    assert ext is not None
    ext.tag = "{urn:riv:example:clinicalprocess:notes:GetClinicalNotesResponder:1.2}numberOfRecords"
    assert contract.schema.validate(response), "an element of an unknown minor must not validate"


@pytest.mark.parametrize(
    ("pattern", "anchored", "stripped"),
    [
        ("^[0-9]{8}[0-9pPtTfF][0-9]{3}$", True, "[0-9]{8}[0-9pPtTfF][0-9]{3}"),
        ("[0-9]{8}", False, "[0-9]{8}"),
        ("^abc", True, "abc"),
        (r"abc\$", False, r"abc\$"),
    ],
)
def test_anchor_detection(pattern: str, anchored: bool, stripped: str) -> None:
    assert has_literal_anchors(pattern) is anchored
    assert strip_anchors(pattern) == stripped


def test_rewrite_keeps_lines_and_other_patterns() -> None:
    source = b'<xs:pattern\n value="^[0-9]{12}$"/>\n<xs:pattern value="[a-z]+"/>\n<xs:enumeration value="^x$"/>'
    rewritten = rewrite_anchored_patterns(source)
    assert (
        rewritten == b'<xs:pattern\n value="[0-9]{12}"/>\n<xs:pattern value="[a-z]+"/>\n<xs:enumeration value="^x$"/>'
    )


def test_anchored_pattern_defect_and_option(tmp_path: Path) -> None:
    package = tmp_path / "anchored"
    shutil.copytree(EXAMPLE_CONTRACT, package)
    core = package / "schemas/core_components/example_clinicalprocess_notes_1.0.xsd"
    core.write_text(
        core.read_text(encoding="utf-8").replace('value="[0-9]{8}"', 'value="^[0-9]{8}$"'), encoding="utf-8"
    )
    message = payload(
        f'<r:GetClinicalNotes xmlns:r="{NS}" xmlns:c="{CORE}">'
        "<r:patientId><c:root>1.2.752.129.2.1.3.1</c:root><c:extension>191212121212</c:extension></r:patientId>"
        "<r:datePeriod><c:start>20240101</c:start></r:datePeriod>"
        "</r:GetClinicalNotes>"
    )
    (literal,) = load_contracts(package)
    (warning,) = literal.warnings
    assert warning.code == "pattern-anchors"
    assert warning.file == "schemas/core_components/example_clinicalprocess_notes_1.0.xsd"
    assert "--pattern-anchors" in warning.message
    assert literal.schema.validate(message), "read literally, no real date can match"

    (anchored,) = load_contracts(package, pattern_anchors=True)
    assert anchored.schema.validate(message) == []
    assert anchored.warnings[0].code == "pattern-anchors"
    assert "treated as anchors" in anchored.warnings[0].message
    assert anchored.files == literal.files, "digests are of the files as shipped, not as rewritten"
