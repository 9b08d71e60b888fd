"""The real RIVTA corpus in ../shared: every set loads, is read right, and judges real messages right.

The expected profile and namespace of each set come from the corpus README's own table, an
oracle written independently of this code.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from conftest import corpus_path
from harness import xmlsafe
from harness.contracts import Contract, Profile, load_contracts, load_package
from harness.contracts.sample import MessageBuilder
from harness.errors import HarnessError
from harness.soap import read_envelope

pytestmark = pytest.mark.corpus

ANCHOR_DEFECT_SETS = {
    "crm_scheduling/GetSubjectOfCareSchedule_1.0",
    "crm_scheduling/GetSubjectOfCareSchedule_1.1",
    "crm_requeststatus/GetRequestActivities_1.0",
}


def _readme_rows() -> list[tuple[str, set[str], str]]:
    readme = corpus_path() / "README.md"
    if not readme.is_file():
        return []
    rows = []
    for line in readme.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\| `([^`]+/[^`]+)` \| ([A-Z0-9, ]+) \| `([^`]+)` \|", line)
        if match:
            rows.append((match[1], {p.strip() for p in match[2].split(",")}, match[3]))
    return rows


# The README table omits one of the 35 sets; its identity is written out here instead.
SETS = [
    *_readme_rows(),
    (
        "crm_scheduling/GetSubjectOfCareSchedule_1.1",
        {"RIVTABP21"},
        "urn:riv:crm:scheduling:GetSubjectOfCareSchedule:1:rivtabp21",
    ),
]


def _set_id(row: tuple[str, set[str], str]) -> str:
    return row[0]


def test_expectations_cover_all_35_sets_on_disk(corpus: Path) -> None:
    on_disk = {f"{p.parent.name}/{p.name}" for p in (corpus / "contracts").glob("*/*") if p.is_dir()}
    assert len(on_disk) == 35
    assert {row[0] for row in SETS} == on_disk


@pytest.mark.parametrize("row", SETS, ids=_set_id)
def test_every_set_loads_with_the_right_identity(corpus: Path, row: tuple[str, set[str], str]) -> None:
    name, profiles, namespace = row
    contracts = load_contracts(corpus / "contracts" / name)
    assert {c.profile.value for c in contracts} == profiles
    assert namespace in {c.wsdl_namespace for c in contracts}
    folder_name, _, folder_version = name.split("/")[1].rpartition("_")
    for contract in contracts:
        assert contract.name == folder_name
        assert contract.version == folder_version
        assert contract.responder_namespace.endswith(f":{contract.major}")
        assert all(len(f.sha256) == 64 for f in contract.files)
    defects = {w.code for c in contracts for w in c.warnings}
    assert ("pattern-anchors" in defects) == (name in ANCHOR_DEFECT_SETS)


@pytest.mark.parametrize("row", SETS, ids=_set_id)
def test_generated_requests_and_responses_validate(corpus: Path, row: tuple[str, set[str], str]) -> None:
    for contract in load_contracts(corpus / "contracts" / row[0], pattern_anchors=True):
        builder = MessageBuilder(contract)
        for element in (contract.operation.request_element, contract.operation.response_element):
            message = builder.build(element)
            assert contract.schema.validate(message) == [], f"{contract.key} {element}"


def test_bom_set_loads(corpus: Path) -> None:
    folder = corpus / "contracts/infrastructure_directory_authorizationmanagement/GetCredentialsForPerson_1.0"
    assert next(folder.rglob("*.wsdl")).read_bytes().startswith(b"\xef\xbb\xbf")
    (contract,) = load_contracts(folder)
    assert contract.profile is Profile.BP21


def test_domain_releases_load_or_name_their_defect(corpus: Path) -> None:
    releases = sorted(p for p in (corpus / "domain-releases").iterdir() if p.is_dir())
    assert releases
    loaded_total = 0
    for release in releases:
        result = load_package(release)
        loaded_total += len(result.contracts)
        for problem in result.problems:
            assert "\n" not in str(problem)
            assert "schema does not compile" in str(problem) or "WSDL" in str(problem)
    assert loaded_total >= 25


def _index() -> list[dict[str, str]]:
    index = corpus_path() / "messages/INDEX.tsv"
    if not index.is_file():
        return []
    with index.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


MESSAGES = _index()


def _payload(data: bytes, form: str, source: str):
    if form.startswith("soap11"):
        envelope = read_envelope(data, source=source)
        assert envelope.body_children, f"{source}: empty body"
        return envelope.body_children[0]
    return xmlsafe.parse_tolerant(data, source=source)[0]


def _contract_for(corpus: Path, row: dict[str, str], element_tag: str, *, anchors: bool) -> Contract:
    contracts = load_contracts(corpus / row["contract_set"], pattern_anchors=anchors)
    for contract in contracts:
        if element_tag in (contract.operation.request_element, contract.operation.response_element):
            return contract
    return contracts[0]


@pytest.mark.parametrize("row", MESSAGES, ids=lambda r: r["file"].rsplit("/", 1)[-1])
def test_real_messages_are_judged_as_the_index_says(corpus: Path, row: dict[str, str]) -> None:
    verdict = row["validation"].split()[0]
    source = row["file"]
    data = (corpus / "messages" / source).read_bytes()
    if verdict == "ERROR":
        with pytest.raises(HarnessError, match="not well-formed"):
            _payload(data, row["form"], source)
        return
    try:
        payload = _payload(data, row["form"], source)
    except HarnessError:
        assert verdict == "INVALID", f"{source} should parse"
        return
    contract = _contract_for(corpus, row, payload.tag, anchors=False)
    findings = contract.schema.validate(payload)
    if verdict == "VALID":
        assert findings == [], f"{source}: {findings[:3]}"
    else:
        assert findings, f"{source} should produce findings"
        assert all(f.reason for f in findings)
        if "with ^/$ stripped from xs:pattern: VALID" in row["validation"]:
            anchored = _contract_for(corpus, row, payload.tag, anchors=True)
            assert anchored.schema.validate(payload) == []
            assert contract.schema_findings(payload) == [], "the contract's own defect is not the message's"


@pytest.mark.parametrize("name", sorted(ANCHOR_DEFECT_SETS))
def test_response_schema_check_does_not_blame_the_producer_for_the_anchor_defect(corpus: Path, name: str) -> None:
    from datetime import UTC, datetime

    from lxml import etree

    from harness.checks.answers import response_schema_findings
    from harness.namespaces import SOAP11_ENV
    from harness.transport.exchange import Exchange

    def answer(payload) -> Exchange:
        body = f"<s:Envelope xmlns:s='{SOAP11_ENV}'><s:Body>{etree.tostring(payload).decode()}</s:Body></s:Envelope>"
        return Exchange("valid request", "https://p", datetime.now(UTC), (), b"", 200, (), body.encode())

    (contract,) = load_contracts(corpus / "contracts" / name)
    (warning,) = [w for w in contract.warnings if w.code == "pattern-anchors"]
    assert warning.file.endswith(".xsd")
    assert warning.line, "the contract warning names the line"
    builder = MessageBuilder(contract)
    element = contract.operation.response_element
    identity = next(
        p.path
        for p in builder.value_paths(element)
        if p.path.rsplit("/", 1)[-1] in ("subject_of_care", "subjectOfCareId")
    )
    payload = builder.build(element, {identity: "191212129819"})
    assert contract.schema.validate(payload), "read literally, the contract rejects a real personnummer"
    assert response_schema_findings(contract, answer(payload)) == []
    etree.SubElement(payload, f"{{{etree.QName(payload).namespace}}}unexpectedElement")
    producer_defect = response_schema_findings(contract, answer(payload))
    assert producer_defect, "the producer's own violations are still found"
    assert not any("pattern" in f for f in producer_defect)
