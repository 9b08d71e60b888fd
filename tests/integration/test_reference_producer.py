"""The reference producer over real mTLS: conformant behaviour, filtering, and every injected fault."""

from __future__ import annotations

import concurrent.futures
import time

import pytest
from lxml import etree

from conftest import reference_producer
from harness.contracts.sample import sample_payload
from harness.namespaces import SOAP12_ENV
from harness.producer.faults import Fault
from harness.transport.client import RivtaClient
from harness.transport.problems import ProblemKind

CORE = "{urn:riv:example:clinicalprocess:notes:1}"
NOTE = "{urn:riv:example:clinicalprocess:notes:GetClinicalNotesResponder:1}clinicalNote"
PATIENT = "191212129819"


@pytest.fixture(scope="module")
def contracts(example_contract, ping_contract):
    return [example_contract, ping_contract]


@pytest.fixture(scope="module")
def producer(pki, contracts):
    with reference_producer(pki, contracts) as running:
        yield running


@pytest.fixture(scope="module")
def client(producer, pki, client_credentials):
    with RivtaClient(producer.url, credentials=client_credentials, ca_bundle=[pki.ca_bundle]) as rivta:
        yield rivta


def notes(client, contract, logical_address="SE1234567890-LA01", consumer=None, **values):
    overrides = {"patientId/extension": PATIENT, **values}
    kwargs = {} if consumer is None else {"consumer_hsa_id": consumer}
    return client.call(
        contract, sample_payload(contract, overrides), logical_address=logical_address, label="t", **kwargs
    )


def record_ids(exchange) -> list[str]:
    payload = exchange.envelope.payload
    return [n.findtext(f"{CORE}header/{CORE}documentId") for n in payload.iter(NOTE)]


def test_valid_request_gets_a_schema_valid_utf8_answer(client, example_contract) -> None:
    exchange = notes(client, example_contract)
    assert exchange.status == 200
    assert exchange.header("content-type") == "text/xml; charset=UTF-8"
    assert exchange.response_body.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    payload = exchange.envelope.payload
    assert payload.tag == example_contract.operation.response_element
    assert example_contract.schema.validate(payload) == []
    assert len(record_ids(exchange)) == 7
    assert payload.findtext(f"{CORE}approvedForPatient") is None
    flags = {n.findtext(f"{CORE}header/{CORE}approvedForPatient") for n in payload.iter(NOTE)}
    assert flags == {"true", "false"}
    count = payload.findtext("{urn:riv:example:clinicalprocess:notes:GetClinicalNotesResponder:1.1}numberOfRecords")
    assert count == "7"


def test_filters(client, example_contract) -> None:
    in_2022 = record_ids(
        notes(client, example_contract, **{"datePeriod/start": "20220101", "datePeriod/end": "20221231"})
    )
    assert in_2022 == ["N-0003", "N-0004", "N-0005"]
    unit = record_ids(notes(client, example_contract, **{"careUnit/extension": "SE1234567890-CU02"}))
    assert unit == ["N-0002", "N-0004", "N-0006"]
    system = record_ids(notes(client, example_contract, **{"sourceSystemId/extension": "SE1234567890-SYS2"}))
    assert system == ["N-0003", "N-0004", "N-0006"]
    addressed = record_ids(notes(client, example_contract, logical_address="SE1234567890-SYS1"))
    assert addressed == ["N-0001", "N-0002", "N-0005", "N-0007"]


def test_samordningsnummer_and_unknown_patient(client, example_contract) -> None:
    coordination = notes(
        client,
        example_contract,
        **{"patientId/extension": "197803759823", "patientId/root": "1.2.752.129.2.1.3.3"},
    )
    assert record_ids(coordination) == ["N-0010"]
    unknown = notes(client, example_contract, **{"patientId/extension": "196001019907"})
    assert unknown.status == 200
    assert record_ids(unknown) == []
    assert unknown.envelope.payload.findtext(f"*/{CORE}resultCode") == "OK"


def test_consumer_specific_blocking(client, example_contract) -> None:
    assert record_ids(notes(client, example_contract, consumer="SE1234567890-BLK1")) == []
    hidden = record_ids(notes(client, example_contract, consumer="SE1234567890-BLK2"))
    assert hidden == ["N-0001", "N-0003", "N-0005", "N-0007"]


def test_special_characters_round_trip(client, example_contract) -> None:
    payload = notes(client, example_contract).envelope.payload
    texts = [t.text for t in payload.iter(f"{CORE}text")]
    assert "Special characters: åäö ÅÄÖ <&>" in texts


def test_unknown_extension_elements_are_tolerated(client, example_contract) -> None:
    payload = sample_payload(example_contract, {"patientId/extension": PATIENT})
    etree.SubElement(payload, "{urn:example:vendor-extension}extra").text = "ignored"
    exchange = client.call(example_contract, payload, logical_address="SE1234567890-LA01", label="t")
    assert exchange.status == 200
    assert len(record_ids(exchange)) == 7


@pytest.mark.parametrize(
    ("description", "body_or_overrides", "logical_address"),
    [
        ("missing LogicalAddress", {}, None),
        ("schema-invalid request", {"datePeriod/start": "not-a-date"}, "LA"),
        ("non-XML body", b"this is not XML", "LA"),
        (
            "unknown operation",
            b"<s:Envelope xmlns:s='http://schemas.xmlsoap.org/soap/envelope/'><s:Body><x/></s:Body></s:Envelope>",
            "LA",
        ),
    ],
)
def test_errors_are_soap_faults_with_log_id_and_no_personal_data(
    client, example_contract, description, body_or_overrides, logical_address
) -> None:
    if isinstance(body_or_overrides, bytes):
        exchange = client.call(example_contract, body_or_overrides, logical_address=None, label=description)
    else:
        payload = sample_payload(example_contract, {"patientId/extension": PATIENT, **body_or_overrides})
        exchange = client.call(example_contract, payload, logical_address=logical_address, label=description)
    assert exchange.status == 500
    fault = exchange.envelope.fault
    assert fault is not None
    assert fault.code_namespace == "http://schemas.xmlsoap.org/soap/envelope/"
    assert fault.code_local == "Client"
    assert "log id" in fault.string
    assert PATIENT not in exchange.response_body.decode()


def test_ping(client, ping_contract) -> None:
    exchange = client.call(ping_contract, sample_payload(ping_contract), logical_address="LA", label="ping")
    payload = exchange.envelope.payload
    assert ping_contract.schema.validate(payload) == []
    assert "reference producer" in payload.findtext("{*}version")


def test_fifty_concurrent_calls_all_succeed(client, example_contract) -> None:
    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(lambda _: notes(client, example_contract), range(50)))
    assert [r.status for r in results] == [200] * 50
    assert {len(record_ids(r)) for r in results} == {7}


# -- fault injection: each fault breaks its rule and leaves the others alone ---------------------


def faulty(pki, contracts, fault, **kwargs):
    return reference_producer(pki, contracts, fault=fault, **kwargs)


def test_fault_no_client_auth(pki, contracts, example_contract) -> None:
    with (
        faulty(pki, contracts, Fault.NO_CLIENT_AUTH) as running,
        RivtaClient(running.url, ca_bundle=[pki.ca_bundle]) as anonymous,
    ):
        exchange = notes(anonymous, example_contract)
    assert exchange.status == 200


def test_call_without_certificate_is_refused_at_the_handshake(producer, pki, example_contract) -> None:
    with RivtaClient(producer.url, ca_bundle=[pki.ca_bundle]) as anonymous:
        exchange = notes(anonymous, example_contract)
    assert exchange.status is None
    assert exchange.problem.kind is ProblemKind.TLS_CLIENT_REJECTED


@pytest.mark.parametrize(
    "fault",
    [Fault.SCHEMA_INVALID_RESPONSE, Fault.WRONG_NAMESPACE_VERSION, Fault.CHARSET_MISMATCH],
)
def test_faults_that_spoil_data_answers(pki, contracts, example_contract, client_credentials, fault) -> None:
    with (
        faulty(pki, contracts, fault) as running,
        RivtaClient(running.url, credentials=client_credentials, ca_bundle=[pki.ca_bundle]) as rivta,
    ):
        exchange = notes(rivta, example_contract)
    if fault is Fault.SCHEMA_INVALID_RESPONSE:
        assert example_contract.schema.validate(exchange.envelope.payload)
    elif fault is Fault.WRONG_NAMESPACE_VERSION:
        assert exchange.envelope.payload.tag.endswith("GetClinicalNotesResponder:2}GetClinicalNotesResponse")
    else:
        assert exchange.header("content-type") == "text/xml; charset=ISO-8859-1"


@pytest.mark.parametrize(
    ("fault", "check"),
    [
        (Fault.FAULT_AS_200, lambda e: e.status == 200 and e.envelope.fault is not None),
        (Fault.HTML_ERROR_PAGE, lambda e: e.status == 500 and e.outcome.kind is ProblemKind.NOT_XML),
        (Fault.NO_FAULT_ON_INVALID_REQUEST, lambda e: e.status == 200 and e.envelope.fault is None),
        (Fault.LEAKY_FAULT, lambda e: PATIENT in e.envelope.fault.string and "log id" not in e.envelope.fault.string),
        (Fault.SOAP12_RESPONSE, lambda e: e.envelope.root.tag == f"{{{SOAP12_ENV}}}Envelope" and e.envelope.fault),
    ],
)
def test_faults_on_the_error_path(pki, contracts, example_contract, client_credentials, fault, check) -> None:
    with (
        faulty(pki, contracts, fault) as running,
        RivtaClient(running.url, credentials=client_credentials, ca_bundle=[pki.ca_bundle]) as rivta,
    ):
        invalid = notes(rivta, example_contract, **{"datePeriod/start": "not-a-date"})
        valid = notes(rivta, example_contract)
    assert check(invalid)
    assert valid.status == 200
    assert len(record_ids(valid)) == 7


def test_fault_ignores_logical_address(pki, contracts, example_contract, client_credentials) -> None:
    with (
        faulty(pki, contracts, Fault.IGNORES_LOGICAL_ADDRESS) as running,
        RivtaClient(running.url, credentials=client_credentials, ca_bundle=[pki.ca_bundle]) as rivta,
    ):
        exchange = notes(rivta, example_contract, logical_address=None)
    assert exchange.status == 200
    assert len(record_ids(exchange)) == 7


def test_fault_notfound_as_fault(pki, contracts, example_contract, client_credentials) -> None:
    with (
        faulty(pki, contracts, Fault.NOTFOUND_AS_FAULT) as running,
        RivtaClient(running.url, credentials=client_credentials, ca_bundle=[pki.ca_bundle]) as rivta,
    ):
        unknown = notes(rivta, example_contract, **{"patientId/extension": "196001019907"})
        known = notes(rivta, example_contract)
    assert unknown.status == 500
    assert unknown.envelope.fault is not None
    assert len(record_ids(known)) == 7


@pytest.mark.parametrize(
    ("fault", "values", "expected"),
    [
        (Fault.IGNORES_DATE_FILTER, {"datePeriod/start": "20220101", "datePeriod/end": "20221231"}, 7),
        (Fault.IGNORES_CARE_UNIT_FILTER, {"careUnit/extension": "SE1234567890-CU02"}, 7),
        (Fault.IGNORES_SOURCE_SYSTEM_FILTER, {"sourceSystemId/extension": "SE1234567890-SYS2"}, 7),
        (Fault.HIDES_UNAPPROVED, {}, 6),
    ],
)
def test_filter_faults(pki, contracts, example_contract, client_credentials, fault, values, expected) -> None:
    with (
        faulty(pki, contracts, fault) as running,
        RivtaClient(running.url, credentials=client_credentials, ca_bundle=[pki.ca_bundle]) as rivta,
    ):
        assert len(record_ids(notes(rivta, example_contract, **values))) == expected


def test_fault_ignores_consumer_blocking_and_mangles(pki, contracts, example_contract, client_credentials) -> None:
    with (
        faulty(pki, contracts, Fault.IGNORES_CONSUMER_BLOCKING) as running,
        RivtaClient(running.url, credentials=client_credentials, ca_bundle=[pki.ca_bundle]) as rivta,
    ):
        assert len(record_ids(notes(rivta, example_contract, consumer="SE1234567890-BLK1"))) == 7
    with (
        faulty(pki, contracts, Fault.MANGLES_SPECIAL_CHARACTERS) as running,
        RivtaClient(running.url, credentials=client_credentials, ca_bundle=[pki.ca_bundle]) as rivta,
    ):
        texts = [t.text for t in notes(rivta, example_contract).envelope.payload.iter(f"{CORE}text")]
    assert "Special characters: åäö ÅÄÖ <&>" not in texts
    assert "Special characters: aao AAO  + " in texts


def test_fault_rejects_extensions(pki, contracts, example_contract, client_credentials) -> None:
    payload = sample_payload(example_contract, {"patientId/extension": PATIENT})
    etree.SubElement(payload, "{urn:example:vendor-extension}extra").text = "x"
    with (
        faulty(pki, contracts, Fault.REJECTS_EXTENSIONS) as running,
        RivtaClient(running.url, credentials=client_credentials, ca_bundle=[pki.ca_bundle]) as rivta,
    ):
        extended = rivta.call(example_contract, payload, logical_address="LA", label="ext")
        plain = notes(rivta, example_contract)
    assert extended.status == 500
    assert plain.status == 200


def test_fault_slow_and_concurrency_bug(pki, contracts, example_contract, client_credentials) -> None:
    with (
        faulty(pki, contracts, Fault.SLOW, slow_seconds=0.3) as running,
        RivtaClient(running.url, credentials=client_credentials, ca_bundle=[pki.ca_bundle]) as rivta,
    ):
        started = time.perf_counter()
        assert notes(rivta, example_contract).status == 200
        assert time.perf_counter() - started >= 0.3
    with (
        faulty(pki, contracts, Fault.CONCURRENCY_BUG) as running,
        RivtaClient(running.url, credentials=client_credentials, ca_bundle=[pki.ca_bundle]) as rivta,
    ):
        assert len(record_ids(notes(rivta, example_contract))) == 7
        with concurrent.futures.ThreadPoolExecutor(max_workers=10) as pool:
            counts = {len(record_ids(r)) for r in pool.map(lambda _: notes(rivta, example_contract), range(10))}
    assert 1 in counts


def test_latency_delays_every_answer_and_calls_still_overlap(
    pki, contracts, example_contract, client_credentials
) -> None:
    with (
        reference_producer(pki, contracts, latency_ms=400) as running,
        RivtaClient(running.url, credentials=client_credentials, ca_bundle=[pki.ca_bundle]) as rivta,
    ):
        started = time.perf_counter()
        assert notes(rivta, example_contract).status == 200
        assert time.perf_counter() - started >= 0.4
        started = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
            statuses = [e.status for e in pool.map(lambda _: notes(rivta, example_contract), range(4))]
        elapsed = time.perf_counter() - started
    assert statuses == [200] * 4
    assert 0.4 <= elapsed < 1.4, "four answers delayed 400 ms each, served side by side (one after another: 1.6 s)"


def test_bp20_contract_routes_on_wsa_to(pki, corpus, client_credentials) -> None:
    from harness.contracts.select import resolve_reference

    ping_set = corpus / "contracts/itintegration_monitoring/PingForConfiguration_1.0"
    (bp20,) = resolve_reference(f"{ping_set}::PingForConfiguration@rivtabp20")
    assert bp20.header_element == "{http://www.w3.org/2005/08/addressing}To"
    with (
        reference_producer(pki, [bp20]) as running,
        RivtaClient(running.url, credentials=client_credentials, ca_bundle=[pki.ca_bundle]) as rivta,
    ):
        routed = rivta.call(bp20, sample_payload(bp20), logical_address="SE1234567890-LA01", label="bp20")
        unrouted = rivta.call(bp20, sample_payload(bp20), logical_address=None, label="bp20 without To")
    assert b"<wsa:To>SE1234567890-LA01</wsa:To>" in routed.request_body
    assert routed.status == 200
    assert bp20.schema.validate(routed.envelope.payload) == []
    assert unrouted.status == 500
    assert "wsa:To header is missing" in unrouted.envelope.fault.string
