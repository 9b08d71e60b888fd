"""Generic RIVTA producer suite: the rules every service producer must follow, for any contract.

Run: ``pytest testsuites --producer-url https://... --contract PATH --logical-address HSA-ID --cert ... --key ...``
(without --producer-url the embedded reference producer is used). Each test is one check of
the catalogue (``harness.checks.catalogue``); the rule text and references live there.
"""

from __future__ import annotations

import concurrent.futures

import pytest
from lxml import etree

from harness.bundled import ping_contract
from harness.checks import access, addressing, answers, faults
from harness.checks.compare import differences
from harness.checks.timing import latency_figures
from harness.contracts import load_contracts
from harness.contracts.sample import sample_payload
from harness.contracts.variants import with_extension
from harness.results import NotApplicable, NotTested
from harness.suite import Rivta

CONCURRENT_CALLS = 10


def _valid_answer(rivta: Rivta):
    """The answer to the test data's valid request: one exchange, judged by every check that needs it."""
    return rivta.answered(rivta.call(label="valid request", shared=True))


@pytest.mark.rivta_check("rivta.mutual-tls")
def test_mutual_tls_is_required(rivta: Rivta) -> None:
    if rivta.session.options.via_ntjp:
        raise NotApplicable("not applicable: with --via-ntjp the platform, not the producer, terminates TLS")
    _valid_answer(rivta)
    callers = [
        ("without a client certificate", None),
        ("with a certificate from an unrelated CA", rivta.session.unrelated_credentials()),
        *rivta.session.unacceptable_credentials(),
    ]

    def attempt(caller: tuple[str, object]) -> tuple[str, object]:
        what, credentials = caller
        with rivta.session.client_with(credentials) as client:
            return what, rivta.call(label=f"call {what}", client=client)

    with concurrent.futures.ThreadPoolExecutor(max_workers=len(callers)) as pool:
        attempts = list(pool.map(attempt, callers))
    findings = [finding for what, exchange in attempts for finding in access.acceptance_findings(exchange, what)]
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
    if rivta.session.options.via_ntjp:
        raise NotApplicable("not applicable: with --via-ntjp the platform routes on the header and answers VP003")
    _, missing, _ = rivta.error_calls()
    findings = [finding for e in missing for finding in answers.error_answer_findings(e)]
    rivta.expect(findings, "a request without the routing header is answered as if it were valid")


@pytest.mark.rivta_check("rivta.soap-action")
def test_wrong_or_missing_soap_action_gets_an_error(rivta: Rivta) -> None:
    action = rivta.contract.operation.soap_action
    if not action:
        raise NotApplicable("not applicable: the contract's WSDL gives this operation no soapAction")
    wrong = f"{action.rpartition(':')[0]}:NoSuchOperation"
    findings = []
    for sent, what in ((wrong, f"SOAPAction {wrong!r}"), (None, "no SOAPAction header")):
        exchange = rivta.answered(rivta.call(label=f"valid request with {what}", soap_action=sent))
        if answers.error_answer_findings(exchange) and (exchange.status or 0) < 400:
            findings.append(f"{exchange.label}: a normal answer (HTTP {exchange.status}), not a fault or HTTP error")
    rivta.expect(findings, "the producer does not check the SOAPAction of the operation")


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
            findings += faults.fault_format_findings(exchange, expected_code="Client")
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
    rivta.technical_fault_review()


@pytest.mark.rivta_check("rivta.forward-compatibility")
def test_unknown_extension_element_gets_the_same_answer(rivta: Rivta) -> None:
    variant = with_extension(rivta.contract, rivta.request())
    if variant is None:
        raise NotApplicable("not applicable: the request element has no xs:any ##other extension point")
    plain = _valid_answer(rivta)
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
    """Judges every answered call of the run (this check runs last), faults apart from data answers."""
    limit = rivta.session.options.sla_seconds
    rivta.answered(rivta.call(label="timed call"))
    calls = [e for e in rivta.session.calls() if e.status is not None]
    faults = [e for e in calls if e.envelope is not None and e.envelope.fault is not None]
    data = [e for e in calls if e not in faults]
    figures = {"answers": latency_figures(_seconds(data), limit), "faults": latency_figures(_seconds(faults), limit)}
    for name, value in figures.items():
        rivta.measure(name, value)
    late = [e for e in calls if e.timing.total_ms / 1000 > limit]
    rivta.record(*[e for e in late if e not in rivta.exchanges])
    answers = figures["answers"]
    rivta.expect(
        [f"{e.label}: {e.timing.total_ms / 1000:.2f} s" for e in late],
        f"{len(late)} of {len(calls)} answers slower than the SLA of {limit:g} s (data answers: average "
        f"{answers['average_s']} s, 95th percentile {answers['p95_s']} s, max {answers['max_s']} s)",
    )


def _seconds(exchanges: list) -> list[float]:
    return [e.timing.total_ms / 1000 for e in exchanges]


@pytest.mark.rivta_check("rivta.concurrency")
def test_concurrent_calls_get_their_own_answers(rivta: Rivta) -> None:
    """Distinct requests in flight at once: each answer equals its own request's answer, with no other's data."""
    variants = rivta.variants()
    if len({value for _, value in variants}) < 2:
        raise NotTested(
            "not tested: mixed data needs at least two distinct requests; give them in the test data, e.g. "
            '[variants] "patientId/extension" = ["...", "..."] (with Inera\'s data.xml: 6.1 Loadtest patientId1/2)'
        )
    requests = [(value, rivta.request({path: value})) for path, value in variants]
    references = {value: _valid_answer_to(rivta, payload, f"reference call for {value}") for value, payload in requests}
    distinct = {etree.tostring(answer) if answer is not None else None for answer in references.values()}
    if len(distinct) < 2:
        raise NotTested(
            f"not tested: the {len(requests)} distinct requests of the test data get identical answers when asked "
            "one at a time (e.g. no records for any of them), so mixed data could not show"
        )
    plan = [requests[i % len(requests)] for i in range(CONCURRENT_CALLS)]
    exchanges = rivta.call_concurrently([payload for _, payload in plan], label="concurrent call")
    findings = []
    for (value, _), exchange in zip(plan, exchanges, strict=True):
        payload = exchange.envelope.payload if exchange.envelope is not None else None
        if payload is None or exchange.envelope.fault is not None:
            findings.append(f"{exchange.label} ({value}): no normal answer ({exchange.outcome})")
            continue
        findings += [
            f"{exchange.label} ({value}): {f}" for f in answers.response_schema_findings(rivta.contract, exchange)[:2]
        ]
        texts = {(element.text or "").strip() for element in payload.iter() if isinstance(element.tag, str)}
        strangers = sorted({other for other, _ in requests if other != value and other in texts})
        findings += [f"{exchange.label} for {value} holds data of the request for {other}" for other in strangers]
        reference = references[value]
        if reference is not None:
            findings += [f"{exchange.label} ({value}) differs: {d}" for d in differences(reference, payload, limit=1)]
    rivta.expect(
        findings,
        f"{CONCURRENT_CALLS} concurrent calls with {len(requests)} distinct requests do not each get their own valid answer",
    )


def _valid_answer_to(rivta: Rivta, payload, label: str):
    """The answer to ``payload`` with nothing else in flight: the baseline concurrent answers must equal."""
    exchange = rivta.answered(rivta.call(payload, label=label))
    envelope = exchange.envelope
    return envelope.payload if envelope is not None and envelope.fault is None else None


# A LogicalAddress no producer serves: a valid HSA-id shape under an organisation number nobody has.
UNSERVED_LOGICAL_ADDRESS = "SE0000000000-RIVTAHARNESS"


@pytest.mark.rivta_check("rivta.source-system-addressing")
def test_only_the_addressed_source_systems_records(rivta: Rivta) -> None:
    contract = rivta.contract
    if not addressing.is_source_system_addressed(contract.domain):
        raise NotApplicable(f"not applicable: the TKB of {contract.domain} is not known to prescribe source-system "
                            "addressing (rule R3)")  # fmt: skip
    if rivta.session.options.via_ntjp:
        raise NotApplicable("not applicable: via NTjP a LogicalAddress the producer does not serve never reaches it")
    address = rivta.session.logical_address
    addressed = _valid_answer(rivta)
    payload = addressed.envelope.payload if addressed.envelope is not None else None
    if payload is None or not addressing.source_systems(payload):
        raise NotTested(
            f"not tested: the answer at {address} holds no records naming a source system, so neither rule could "
            "be shown broken; give a patient with records in the test data"
        )
    findings = addressing.foreign_source_systems(payload, address)
    elsewhere = rivta.answered(
        rivta.call(
            label=f"valid request addressed to {UNSERVED_LOGICAL_ADDRESS}", logical_address=UNSERVED_LOGICAL_ADDRESS
        )
    )
    other = elsewhere.envelope.payload if elsewhere.envelope is not None and elsewhere.envelope.fault is None else None
    if other is not None and addressing.source_systems(other):
        systems = sorted(set(addressing.source_systems(other)))
        findings.append(f"a LogicalAddress the producer does not serve got records of {', '.join(systems)}")
    rivta.expect(findings, "the answer holds information of source systems other than the one addressed (TKB R3)")


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
