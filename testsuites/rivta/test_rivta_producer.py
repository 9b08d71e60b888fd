"""Generic RIVTA producer suite: the rules every service producer must follow, for any contract.

Run: ``pytest testsuites --producer-url https://... --contract PATH --logical-address HSA-ID --cert ... --key ...``
(without --producer-url the embedded reference producer is used). Each test is one check of
the catalogue (``harness.checks.catalogue``); the rule text and references live there.
"""

from __future__ import annotations

import statistics

import pytest

from harness.bundled import ping_contract
from harness.checks import answers, faults
from harness.checks.compare import differences
from harness.contracts import load_contracts
from harness.contracts.sample import sample_payload
from harness.contracts.variants import with_extension
from harness.results import Manual, NotApplicable
from harness.suite import Rivta
from harness.transport.problems import ProblemKind

CONCURRENT_CALLS = 10
SLA_SAMPLE_CALLS = 3


def _valid_answer(rivta: Rivta, label: str = "valid request"):
    return rivta.answered(rivta.call(label=label))


@pytest.mark.rivta_check("rivta.mutual-tls")
def test_mutual_tls_is_required(rivta: Rivta) -> None:
    if rivta.session.options.via_ntjp:
        raise NotApplicable("not applicable: with --via-ntjp the platform, not the producer, terminates TLS")
    _valid_answer(rivta, "valid request with our function certificate")
    anonymous = rivta.session.client_with(None)
    unrelated = rivta.session.client_with(rivta.session.unrelated_credentials())
    findings = []
    for client, what in (
        (anonymous, "without a client certificate"),
        (unrelated, "with a certificate from an unrelated CA"),
    ):
        with client:
            exchange = rivta.call(label=f"call {what}", client=client)
        refused_at_handshake = exchange.problem is not None and exchange.problem.kind is ProblemKind.TLS_CLIENT_REJECTED
        if not refused_at_handshake and exchange.status not in (401, 403):
            findings.append(f"a call {what} was not refused (HTTP {exchange.status}, {exchange.problem or 'answered'})")
    rivta.expect(findings, "the producer accepts callers it cannot authenticate")


@pytest.mark.rivta_check("rivta.response-envelope")
def test_valid_request_gets_one_soap11_body_element(rivta: Rivta) -> None:
    exchange = _valid_answer(rivta)
    rivta.expect(
        answers.response_envelope_findings(exchange), "the answer to a valid request is not a proper SOAP 1.1 answer"
    )


@pytest.mark.rivta_check("rivta.response-encoding")
def test_content_type_charset_agrees_with_the_prolog(rivta: Rivta) -> None:
    exchange = _valid_answer(rivta)
    rivta.expect(answers.encoding_findings(exchange), "the answer's character encoding is declared wrongly")


@pytest.mark.rivta_check("rivta.response-schema")
def test_answer_is_the_exact_contract_version_and_schema_valid(rivta: Rivta) -> None:
    exchange = _valid_answer(rivta)
    rivta.expect(
        answers.response_schema_findings(rivta.contract, exchange),
        f"the answer does not follow {rivta.contract.key}",
    )


@pytest.mark.rivta_check("rivta.invalid-request")
def test_schema_invalid_request_gets_an_error(rivta: Rivta) -> None:
    invalid, _, notes = rivta.error_calls()
    findings = [f"{e.label}: {finding}" for e in invalid for finding in answers.error_answer_findings(e)]
    rivta.expect(findings, "schema-invalid requests get normal answers" + (f" ({notes[0]})" if notes else ""))


@pytest.mark.rivta_check("rivta.missing-logical-address")
def test_request_without_routing_header_gets_an_error(rivta: Rivta) -> None:
    _, missing, _ = rivta.error_calls()
    findings = [finding for e in missing for finding in answers.error_answer_findings(e)]
    rivta.expect(findings, "a request without the routing header is answered as if it were valid")


@pytest.mark.rivta_check("rivta.fault-format")
def test_faults_follow_the_rules(rivta: Rivta) -> None:
    invalid, missing, _ = rivta.error_calls()
    findings = []
    for exchange in (*invalid, *missing):
        if not exchange.answered:
            continue
        if exchange.envelope is None or exchange.envelope.version is None:
            described = exchange.outcome.detail if exchange.outcome else "a non-SOAP answer"
            findings.append(f"{exchange.label}: error answered with {described} instead of a SOAP Fault")
        else:
            findings += faults.fault_format_findings(exchange)
    rivta.expect(findings, "SOAP faults break the rules for faults")


@pytest.mark.rivta_check("rivta.fault-log-id")
def test_faults_carry_a_log_id(rivta: Rivta) -> None:
    invalid, missing, _ = rivta.error_calls()
    with_fault = [e for e in [*invalid, *missing] if faults.fault_text(e)]
    if not with_fault:
        raise NotApplicable("not applicable: no SOAP fault was seen in this run")
    rivta.expect([f for e in with_fault for f in faults.log_id_findings(e)], "faults carry no log id")


@pytest.mark.rivta_check("rivta.technical-fault")
def test_technical_fault_is_judged_by_a_reviewer(rivta: Rivta) -> None:
    invalid, missing, _ = rivta.error_calls()
    raise Manual(
        "manual: provoke a technical error in the producer (e.g. stop its database), call it, and attach the "
        "fault; a reviewer checks it is a SOAP Fault with a log id and no personal data. The client-error faults "
        f"of this run ({len(invalid) + len(missing)} calls) are attached for comparison"
    )


@pytest.mark.rivta_check("rivta.forward-compatibility")
def test_unknown_extension_element_gets_the_same_answer(rivta: Rivta) -> None:
    variant = with_extension(rivta.contract, rivta.request())
    if variant is None:
        raise NotApplicable("not applicable: the request element has no xs:any ##other extension point")
    plain = _valid_answer(rivta, "valid request")
    extended = rivta.answered(rivta.call(variant.payload, label=f"valid request + {variant.description}"))
    plain_payload = plain.envelope.payload if plain.envelope else None
    extended_payload = extended.envelope.payload if extended.envelope else None
    findings = []
    if extended.status != plain.status:
        findings.append(f"HTTP {extended.status} with the extension element, {plain.status} without")
    if plain_payload is None or extended_payload is None:
        if extended_payload is None:
            findings.append(f"no normal answer with the extension element ({extended.outcome})")
    else:
        findings += differences(plain_payload, extended_payload)
    rivta.expect(findings, "an unknown ##other extension element changes the answer")


@pytest.mark.rivta_check("rivta.no-soap12")
def test_no_soap12_answers(rivta: Rivta) -> None:
    invalid, missing, _ = rivta.error_calls()
    valid = _valid_answer(rivta)
    findings = [f for e in (valid, *invalid, *missing) for f in answers.soap12_findings(e)]
    rivta.expect(findings, "the producer answers with SOAP 1.2")


@pytest.mark.rivta_check("rivta.sla")
def test_answers_arrive_within_the_sla(rivta: Rivta) -> None:
    limit = rivta.session.options.sla_seconds
    sample = [_valid_answer(rivta, f"timed call {i + 1}") for i in range(SLA_SAMPLE_CALLS)]
    seconds = [e.timing.total_ms / 1000 for e in sample]
    late = [f"{e.label}: {s:.2f} s" for e, s in zip(sample, seconds, strict=True) if s > limit]
    rivta.expect(
        late,
        f"answers slower than the SLA of {limit:g} s (average {statistics.mean(seconds):.2f} s, max {max(seconds):.2f} s)",
    )


@pytest.mark.rivta_check("rivta.concurrency")
def test_ten_concurrent_calls_are_answered_identically(rivta: Rivta) -> None:
    reference = _valid_answer(rivta, "reference call")
    exchanges = rivta.call_concurrently(rivta.request(), CONCURRENT_CALLS, label="concurrent call")
    findings = []
    reference_payload = reference.envelope.payload if reference.envelope else None
    for exchange in exchanges:
        payload = exchange.envelope.payload if exchange.envelope else None
        if payload is None:
            findings.append(f"{exchange.label}: no normal answer ({exchange.outcome})")
            continue
        schema = answers.response_schema_findings(rivta.contract, exchange)
        findings += [f"{exchange.label}: {f}" for f in schema[:2]]
        if reference_payload is not None:
            findings += [f"{exchange.label} differs: {d}" for d in differences(reference_payload, payload, limit=1)]
    rivta.expect(findings, f"{CONCURRENT_CALLS} concurrent calls are not all answered alike")


@pytest.mark.rivta_check("rivta.ping")
def test_ping_for_configuration(rivta: Rivta) -> None:
    rivta.require_capability("ping_for_configuration")
    (ping,) = load_contracts(ping_contract())
    payload = sample_payload(
        ping,
        {
            "serviceContractNamespace": rivta.contract.responder_namespace,
            "logicalAddress": rivta.session.logical_address,
        },
    )
    client = rivta.session.start()
    exchange = client.call(ping, payload, logical_address=rivta.session.logical_address, label="PingForConfiguration")
    rivta.record(exchange)
    rivta.answered(exchange)
    findings = answers.response_envelope_findings(exchange) or answers.response_schema_findings(ping, exchange)
    rivta.expect(findings, "PingForConfiguration does not answer schema-validly")
