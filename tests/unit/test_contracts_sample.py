"""Generated requests: minimal, valid, overridable by path, and strict about unknown paths."""

from __future__ import annotations

import pytest
from lxml import etree

from conftest import EXAMPLE_CONTRACT, PING_CONTRACT
from harness.contracts import load_contracts
from harness.contracts.sample import TEST_PERSONNUMMER, MessageBuilder, parse_overrides, sample_payload
from harness.errors import ConfigError
from harness.soap import read_envelope, request_envelope

NS = "{urn:riv:example:clinicalprocess:notes:GetClinicalNotesResponder:1}"
CORE = "{urn:riv:example:clinicalprocess:notes:1}"


@pytest.fixture(scope="module")
def example():
    return load_contracts(EXAMPLE_CONTRACT)[0]


def test_minimal_request_is_valid_and_names_a_test_patient(example) -> None:
    request = sample_payload(example)
    assert example.schema.validate(request) == []
    assert [etree.QName(c).localname for c in request] == ["patientId"]
    assert request.findtext(f"{NS}patientId/{CORE}extension") == TEST_PERSONNUMMER
    assert request.findtext(f"{NS}patientId/{CORE}root") == "1.2.752.129.2.1.3.1"


def test_overrides_create_optional_elements_in_schema_order(example) -> None:
    request = sample_payload(
        example,
        {
            "sourceSystemId/extension": "SE1234567890-SYS1",
            "careUnit/extension": "SE1234567890-CU01",
            "datePeriod/start": "20200101",
        },
    )
    assert example.schema.validate(request) == []
    assert [etree.QName(c).localname for c in request] == ["careUnit", "patientId", "datePeriod", "sourceSystemId"]
    assert request.findtext(f"{NS}careUnit/{CORE}extension") == "SE1234567890-CU01"
    assert request.findtext(f"{NS}datePeriod/{CORE}start") == "20200101"


def test_override_may_make_a_request_invalid_on_purpose(example) -> None:
    request = sample_payload(example, {"datePeriod/start": "not-a-date"})
    assert example.schema.validate(request)


def test_unknown_path_lists_nearest_valid_paths(example) -> None:
    with pytest.raises(ConfigError) as caught:
        sample_payload(example, {"patientid/extention": "1"})
    message = str(caught.value)
    assert "unknown path 'patientid/extention' in GetClinicalNotes" in message
    assert "patientId/extension" in message


def test_structure_path_is_refused_with_its_parts(example) -> None:
    with pytest.raises(ConfigError, match=r"is a structure, not a value.*datePeriod/start"):
        sample_payload(example, {"datePeriod": "x"})


def test_value_paths_mark_mandatory_parts(example) -> None:
    paths = {p.path: p for p in MessageBuilder(example).value_paths(example.operation.request_element)}
    assert paths["patientId/extension"].mandatory
    assert not paths["datePeriod/start"].mandatory
    assert not paths["patientId"].holds_value


@pytest.mark.parametrize(
    ("items", "expected"),
    [(["a/b=1", "c= x "], {"a/b": "1", "c": " x "}), (["/a/=v=w"], {"a": "v=w"})],
)
def test_parse_overrides(items: list[str], expected: dict[str, str]) -> None:
    assert parse_overrides(items) == expected


def test_parse_overrides_rejects_items_without_value() -> None:
    with pytest.raises(ConfigError, match="--set 'patientId': expected PATH=VALUE"):
        parse_overrides(["patientId"])


def test_request_envelope_round_trips_with_routing_header(example) -> None:
    data = request_envelope(example, sample_payload(example), logical_address="SE1234567890-LA01")
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    envelope = read_envelope(data, source="request")
    assert envelope.version == "1.1"
    assert envelope.header is not None
    assert envelope.header.findtext("{urn:riv:itintegration:registry:1}LogicalAddress") == "SE1234567890-LA01"
    assert envelope.payload is not None
    assert example.schema.validate(envelope.payload) == []


def test_ping_sample_points_at_its_own_namespace() -> None:
    (ping,) = load_contracts(PING_CONTRACT)
    request = sample_payload(ping)
    assert ping.schema.validate(request) == []
    assert request.findtext(
        "{urn:riv:itintegration:monitoring:PingForConfigurationResponder:1}serviceContractNamespace"
    ) == (ping.responder_namespace)
