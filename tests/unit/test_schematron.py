"""Inera's XSLT 2 Schematron files, compiled with lxml's ISO skeleton and run in Saxon."""

from __future__ import annotations

import threading
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from harness.contracts import load_contracts
from harness.errors import ConfigError
from harness.schematron import SchematronFinding, compile_schematron, release_schematron
from harness.xmlsafe import UnsafeXmlError

RELEASE = "domain-releases/clinicalprocess_healthcond_description_3.0.5"
GCD = f"{RELEASE}/test-suite/GetCareDocumentation/constraints.xml"
RESPONDER = "urn:riv:clinicalprocess:healthcond:description:GetCareDocumentationResponder:3"
CORE = "urn:riv:clinicalprocess:healthcond:description:3"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
UNIQUE = "Element 'record/id/root' must contain unique id's"


def record(root: str, *, title: str = "Anteckning", text: str = "Patienten mår bra.") -> str:
    return (
        "<careDocumentation><c:header><c:accessControlHeader>"
        "<c:accountableHealthcareProvider><c:root>1.2.752.129.2.1.4.1</c:root>"
        "<c:extension>SE2321000016-0001</c:extension></c:accountableHealthcareProvider>"
        "<c:accountableCareUnit><c:root>1.2.752.129.2.1.4.1</c:root>"
        "<c:extension>SE2321000016-0002</c:extension></c:accountableCareUnit>"
        "<c:patientId><c:root>1.2.752.129.2.1.3.1</c:root><c:extension>191212121212</c:extension></c:patientId>"
        "<c:blockComparisonTime>20240102101500</c:blockComparisonTime>"
        "<c:approvedForPatient>true</c:approvedForPatient></c:accessControlHeader>"
        "<c:sourceSystemId><c:root>1.2.752.129.2.1.4.1</c:root><c:extension>SE2321000016-0003</c:extension>"
        "</c:sourceSystemId>"
        f"<c:record><c:id><c:root>{root}</c:root></c:id><c:timestamp>20240102101500</c:timestamp></c:record>"
        "<c:author><c:name>Doktor Test</c:name><c:timestamp>20240102101500</c:timestamp>"
        "<c:byRole><c:code>201010</c:code><c:codeSystem>1.2.752.129.2.2.1.4</c:codeSystem>"
        "<c:displayName>Läkare</c:displayName></c:byRole></c:author></c:header>"
        "<c:body><c:clinicalDocumentNoteCode><c:code>utr</c:code>"
        "<c:codeSystem>1.2.752.129.2.2.2.11</c:codeSystem></c:clinicalDocumentNoteCode>"
        f"<c:clinicalDocumentNoteTitle>{title}</c:clinicalDocumentNoteTitle>"
        f"<c:clinicalDocumentNoteText>{text}</c:clinicalDocumentNoteText></c:body></careDocumentation>"
    )


def payload(*records: str) -> str:
    return (
        f'<GetCareDocumentationResponse xmlns="{RESPONDER}" xmlns:c="{CORE}">'
        + "".join(records)
        + "<result><c:resultCode>OK</c:resultCode></result></GetCareDocumentationResponse>"
    )


def envelope(*records: str) -> bytes:
    body = payload(*records)
    return f'<soapenv:Envelope xmlns:soapenv="{SOAP}"><soapenv:Header/><soapenv:Body>{body}</soapenv:Body></soapenv:Envelope>'.encode()


@pytest.fixture(scope="module")
def gcd_rules(corpus: Path):
    return compile_schematron(corpus / GCD, name="GetCareDocumentation/constraints.xml")


def test_conformant_response_has_no_findings(corpus: Path, gcd_rules) -> None:
    answer = envelope(record("1.2.3.4.100"), record("1.2.3.4.101"))
    (contract,) = [c for c in load_contracts(corpus / RELEASE) if c.name == "GetCareDocumentation"]
    body = etree.fromstring(answer).find(f"{{{SOAP}}}Body")[0]
    assert contract.schema.validate(body) == []  # the crafted answer is valid against the real contract
    assert gcd_rules.validate(answer) == []
    assert gcd_rules.validate(body) == []


def test_duplicate_record_ids_give_exactly_the_uniqueness_finding(gcd_rules) -> None:
    findings = gcd_rules.validate(envelope(record("1.2.3.4.100"), record("1.2.3.4.100")))
    assert findings == [
        SchematronFinding(
            pattern="Verify unique recordId",
            context="urn:GetCareDocumentationResponse",
            test="count($recordIdPath) = count(distinct-values($recordIdPath))",
            text=UNIQUE,
            location="/Envelope/Body/GetCareDocumentationResponse",
        )
    ]
    assert str(findings[0]) == f"{UNIQUE} (at /Envelope/Body/GetCareDocumentationResponse)"


def test_bare_payload_is_judged_as_inside_an_envelope(gcd_rules) -> None:
    bare = etree.fromstring(payload(record("1.2.3.4.100"), record("1.2.3.4.100")).encode())
    assert [f.text for f in gcd_rules.validate(bare)] == [UNIQUE]


def test_empty_element_gives_the_non_empty_finding(gcd_rules) -> None:
    findings = gcd_rules.validate(envelope(record("1.2.3.4.100", title="  ")))
    assert len(findings) == 1
    (finding,) = findings
    assert finding.pattern == "Verify non-empty elements"
    assert finding.text == (
        "Element c:clinicalDocumentNoteTitle is included but empty. "
        "All elements included in the response must have valid values."
    )
    assert finding.location == (
        "/Envelope/Body/GetCareDocumentationResponse/careDocumentation/body/clinicalDocumentNoteTitle"
    )


def test_compiled_once_per_content_and_safe_across_threads(corpus: Path, gcd_rules) -> None:
    again = compile_schematron((corpus / GCD).read_bytes(), name="other name")
    assert again._executable is gcd_rules._executable
    answers = [envelope(record("1.2.3.4.100"), record("1.2.3.4.100" if i % 2 else f"1.2.3.4.{i}")) for i in range(8)]
    results: dict[int, list[str]] = {}

    def judge(i: int) -> None:
        results[i] = [f.text for _ in range(20) for f in gcd_rules.validate(answers[i])]

    threads = [threading.Thread(target=judge, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == {i: [UNIQUE] * 20 if i % 2 else [] for i in range(8)}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<schema", r"^bad\.sch, line 1: not well-formed XML"),
        (b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', r"^bad\.sch: contains a DOCTYPE"),
        (b'<schema xmlns="http://www.ascc.net/xml/schematron"/>', r"^bad\.sch: not ISO Schematron"),
        (b'<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xquery"/>', "queryBinding 'xquery'"),
        (
            b'<schema xmlns="http://purl.oclc.org/dsdl/schematron" queryBinding="xslt2"><pattern>'
            b'<rule context="a"><assert test="count((">x</assert></rule></pattern></schema>',
            r"^bad\.sch: an expression does not compile as XPath 2 \(.*count\(\(",
        ),
    ],
)
def test_bad_rule_files_give_one_line(content: bytes, message: str) -> None:
    with pytest.raises(ConfigError, match=message) as caught:
        compile_schematron(content, name="bad.sch")
    assert "\n" not in str(caught.value)


def test_hostile_document_is_refused(gcd_rules) -> None:
    with pytest.raises(UnsafeXmlError):
        gcd_rules.validate(b'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>')


def test_release_schematron_from_folder_and_zip(corpus: Path, tmp_path: Path) -> None:
    expected = (corpus / GCD).read_bytes()
    assert release_schematron(corpus / RELEASE, "GetCareDocumentation") == expected
    assert release_schematron(corpus / RELEASE, "NoSuchContract") is None
    zipped = tmp_path / "release.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr(
            "clinicalprocess_healthcond_description_3.0.5/test-suite/GetCareDocumentation/constraints.xml", expected
        )
        archive.writestr("clinicalprocess_healthcond_description_3.0.5/schemas/x.xsd", b"<x/>")
    assert release_schematron(zipped, "GetCareDocumentation") == expected
    assert release_schematron(zipped, "GetDiagnosis") is None
    assert release_schematron(tmp_path / "missing", "GetCareDocumentation") is None


@pytest.mark.corpus
def test_every_corpus_rule_file_compiles(corpus: Path) -> None:
    files = sorted((corpus / "domain-releases").rglob("*constraints*.xml"))
    assert len(files) >= 30
    for file in files:
        rules = compile_schematron(file, name=str(file.relative_to(corpus)))
        assert rules.validate(b"<unrelated/>") == [], file
