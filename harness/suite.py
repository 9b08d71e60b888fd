"""What a check in a test suite works with: the contract, the run, and recorded calls.

Suites stay short and declarative: build a request from the contract and the test data,
call, hand the exchange to a rule from ``harness.checks``, and ``expect`` no findings.
Every call made through ``Rivta`` is kept as evidence for the check that made it.
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from lxml import etree

from harness.contracts import Contract
from harness.contracts.model import Profile
from harness.contracts.sample import MessageBuilder
from harness.contracts.variants import invalid_variants
from harness.errors import ConfigError, PlatformFault, TransportError
from harness.results import CheckFailed, Manual, NotApplicable, NotTested
from harness.run import RunSession
from harness.transport.client import FROM_CERTIFICATE, FROM_CONTRACT, RivtaClient, require_answer
from harness.transport.exchange import Exchange
from harness.transport.problems import ProblemKind

_DEFAULT = object()
# Independent calls of one check in flight at once (the client's keep-alive pool holds 20).
PARALLEL_CALLS = 8
# Without these the producer was never reached: the harness could not run, whatever the check.
UNREACHABLE = frozenset(
    {
        ProblemKind.DNS,
        ProblemKind.REFUSED,
        ProblemKind.CONNECT_TIMEOUT,
        ProblemKind.UNREACHABLE,
        ProblemKind.TLS_UNTRUSTED,
        ProblemKind.TLS_HOSTNAME,
        ProblemKind.TLS_EXPIRED,
    }
)


# data.xml keys every Inera TK suite uses, and the request paths they fill where the contract has them.
_SUITE_KEYS = {
    "patientId": ("patientId/extension", "patientId/id"),
    "patientIdType": ("patientId/root", "patientId/type"),
}


# The cases of Inera's TK suites whose data names several patients for calls in parallel.
_LOAD_CASES = ("6.1 Loadtest", "6.2 Recovery")


def _suite_request_values(globaldata: Mapping[str, str], known: set[str]) -> dict[str, str]:
    """The generic checks' request values from a TK suite's globaldata (patient and id type)."""
    values = {}
    for key, paths in _SUITE_KEYS.items():
        value = (globaldata.get(key) or "").strip()
        path = next((p for p in paths if p in known), None)
        if value and path:
            values[path] = value
    return values


class ErrorCalls:
    """The calls that must produce errors, made once per contract and process and shared by checks."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._done: dict[str, tuple[list[Exchange], list[Exchange], list[str]]] = {}

    def get(self, rivta: Rivta) -> tuple[list[Exchange], list[Exchange], list[str]]:
        """(invalid-request exchanges, missing-logical-address exchanges, notes about what was not possible)."""
        key = rivta.contract.key
        with self._lock:
            if key not in self._done:
                self._done[key] = rivta._make_error_calls()
            return self._done[key]


class Rivta:
    """Per-check helper; ``exchanges`` holds everything this check sent and received."""

    def __init__(
        self, session: RunSession, contract: Contract, errors: ErrorCalls, *, judges_content: bool = True
    ) -> None:
        self.session = session
        self.contract = contract
        self.judges_content = judges_content
        self.exchanges: list[Exchange] = []
        self.measurements: dict[str, Any] = {}
        self._errors = errors
        self._builder = MessageBuilder(contract)

    # -- requests ------------------------------------------------------------------------------

    def overrides(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """Request values in rising priority: test data ([request], [request.<Contract>]), --set, ``extra``.

        File-wide values and --set apply to the contracts whose request has that path (a
        patient id means nothing to PingForConfiguration); the run checks up front that each
        one fits at least one selected contract.
        """
        known = {p.path for p in self._builder.value_paths(self.contract.operation.request_element)}
        suite = self.session.testdata.suite(self.contract.name)
        from_suite = {} if suite is None else _suite_request_values(suite.globaldata, known)
        shared = {**self.session.testdata.request, **self.session.overrides}
        applicable = {path: value for path, value in shared.items() if path in known}
        testdata = self.session.testdata
        return {**from_suite, **applicable, **testdata.per_contract.get(self.contract.name, {}), **(extra or {})}

    def request(self, extra: Mapping[str, str] | None = None) -> etree._Element:
        """A valid request from the contract, the test data and ``extra``; proven valid before use."""
        payload = self._builder.build(self.contract.operation.request_element, self.overrides(extra))
        findings = self.contract.schema_findings(payload)
        if findings:
            raise ConfigError(
                f"the request built from the test data does not validate against {self.contract.key}: {findings[0]}",
                hint="correct the value in --testdata or --set",
            )
        return payload

    # -- calls ---------------------------------------------------------------------------------

    def call(
        self,
        payload: etree._Element | bytes | None = None,
        *,
        label: str,
        logical_address: Any = _DEFAULT,
        consumer_hsa_id: Any = FROM_CERTIFICATE,
        client: RivtaClient | None = None,
        profile: Profile | None = None,
        soap_action: Any = FROM_CONTRACT,
        shared: bool = False,
    ) -> Exchange:
        """Send and record one call (``payload`` defaults to the test-data request).

        ``shared``: the answer to exactly this request is one exchange for every check of the run
        that asks (``RunSession.shared_call``); only for checks that judge the answer, not the call.
        """
        address = self.session.logical_address if logical_address is _DEFAULT else logical_address
        if shared and client is None and profile is None and soap_action is FROM_CONTRACT:
            body = etree.tostring(self.request() if payload is None else payload)
            exchange = self.session.shared_call(
                self.contract, body, label=label, logical_address=address, consumer_hsa_id=consumer_hsa_id
            )
            self.record(exchange)
            return exchange
        exchange = (client or self.session.start()).call(
            self.contract,
            self.request() if payload is None else payload,
            logical_address=address,
            label=label,
            consumer_hsa_id=consumer_hsa_id,
            profile=profile,
            soap_action=soap_action,
        )
        self.record(exchange)
        return exchange

    def record(self, *exchanges: Exchange) -> None:
        """Keep exchanges as this check's evidence; stop with an error if the producer was not reached.

        A VP fault is the platform speaking, not the producer: whatever the check expected
        (even an error answer), it cannot judge the producer from it, so the check ends error.
        """
        self.exchanges.extend(exchanges)
        self.session.log_calls(*exchanges)
        for exchange in exchanges:
            problem = exchange.problem
            if exchange.status is None and problem is not None and problem.kind in UNREACHABLE:
                raise TransportError(f"{exchange.label}: {problem.explanation}", hint=problem.fix)
        for exchange in exchanges:
            outcome = exchange.outcome
            if outcome is not None and outcome.kind is ProblemKind.PLATFORM_FAULT:
                raise PlatformFault(
                    f"{exchange.label}: the NTjP platform answered instead of the producer, {outcome.explanation}",
                    hint=outcome.fix,
                )

    def answered(self, exchange: Exchange) -> Exchange:
        """The exchange if an HTTP answer came; otherwise the harness could not run (an error, not a verdict)."""
        return require_answer(exchange)

    def call_concurrently(self, payloads: Sequence[etree._Element], *, label: str) -> list[Exchange]:
        """Every payload sent at once, each on its own thread (shared keep-alive pool)."""
        calls = [(payload, f"{label} #{index + 1}", {}) for index, payload in enumerate(payloads)]
        exchanges = self._send_together(calls, width=len(calls))
        self.record(*exchanges)
        return exchanges

    def call_all(self, calls: Sequence[tuple[etree._Element, str, Mapping[str, Any]]]) -> list[Exchange]:
        """Independent calls (payload, label, call options) in flight together over the shared pool, in order."""
        if len(calls) <= 1:
            return [self.call(payload, label=label, **options) for payload, label, options in calls]
        exchanges = self._send_together(calls, width=PARALLEL_CALLS)
        self.record(*exchanges)
        return exchanges

    def warm(self, calls: Sequence[tuple[etree._Element, str, Mapping[str, Any]]]) -> None:
        """Fetch shared answers (payload, label, options) together now, so the checks that judge them wait less."""
        self._send_together(
            [(p, label, {**options, "shared": True}) for p, label, options in calls], width=PARALLEL_CALLS
        )

    def _send_together(
        self, calls: Sequence[tuple[etree._Element, str, Mapping[str, Any]]], *, width: int
    ) -> list[Exchange]:
        """Calls in flight together, in order; each thread sends its own copy of the payload (lxml trees are
        not to be shared across threads)."""
        bodies = [(etree.tostring(payload), label, options) for payload, label, options in calls]
        with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, min(len(bodies), width))) as pool:
            return list(pool.map(lambda body: self._send(etree.fromstring(body[0]), body[1], body[2]), bodies))

    def _send(self, payload: etree._Element, label: str, options: Mapping[str, Any]) -> Exchange:
        address = options.get("logical_address", self.session.logical_address)
        if options.get("shared"):
            return self.session.shared_call(
                self.contract,
                etree.tostring(payload),
                label=label,
                logical_address=address,
                consumer_hsa_id=options.get("consumer_hsa_id", FROM_CERTIFICATE),
            )
        return self.session.start().call(
            self.contract,
            payload,
            logical_address=address,
            label=label,
            consumer_hsa_id=options.get("consumer_hsa_id", FROM_CERTIFICATE),
        )

    def variants(self) -> list[tuple[str, str]]:
        """(path, value) pairs of distinct request values from the test data that fit this contract.

        ``[variants]`` first; else, from a TK suite's data.xml, the patients of its load cases
        (``6.1 Loadtest`` / ``6.2 Recovery`` patientId1 and patientId2) and its global patient.
        """
        known = {p.path for p in self._builder.value_paths(self.contract.operation.request_element)}
        testdata = self.session.testdata
        found = [(path, value) for path, values in testdata.variants.items() if path in known for value in values]
        suite = testdata.suite(self.contract.name)
        path = next((p for p in _SUITE_KEYS["patientId"] if p in known), None)
        if found or suite is None or path is None:
            return found
        patients = [suite.value(case, key) for case in _LOAD_CASES for key in ("patientId1", "patientId2")]
        patients.append(suite.globaldata.get("patientId"))
        return [(path, value) for value in dict.fromkeys(p.strip() for p in patients if p and p.strip())]

    def error_calls(self) -> tuple[list[Exchange], list[Exchange], list[str]]:
        """The invalid-request and missing-header calls (shared by the error-handling checks)."""
        invalid, missing, notes = self._errors.get(self)
        self.record(*invalid, *missing)
        return invalid, missing, notes

    def _make_error_calls(self) -> tuple[list[Exchange], list[Exchange], list[str]]:
        notes: list[str] = []
        variants = invalid_variants(self.contract, self.overrides())
        if not any(v.name == "wrong-type" for v in variants):
            notes.append("no element of this contract has a type that can be broken; only removal was tried")
        calls = [(variant.payload, f"invalid request: {variant.description}", {}) for variant in variants]
        if not self.session.options.via_ntjp:  # via NTjP the platform, not the producer, answers this call
            calls.append((self.request(), "request without routing header", {"logical_address": None}))
        exchanges = self._send_together(calls, width=PARALLEL_CALLS)
        self.session.log_calls(*exchanges)
        return exchanges[: len(variants)], exchanges[len(variants) :], notes

    # -- verdict helpers -----------------------------------------------------------------------

    def measure(self, name: str, value: Any) -> None:
        """Keep a figure this check measured (JSON-ready); the report shows it with the check."""
        self.measurements[name] = value

    def fact(self, key: str) -> str:
        """A TK fact from the test data, or the check is not tested (naming the missing key)."""
        value = self.session.testdata.fact(self.contract.name, key)
        if value is None or value == "":
            raise NotTested(
                f"not tested: test data lacks {self.session.testdata.describe_key(self.contract.name, key)}"
            )
        return str(value)

    def technical_fault_review(self) -> NoReturn:
        """A technical fault is for a reviewer to judge (TK TF 1.7): manual, with this run's faults attached."""
        invalid, missing, _ = self.error_calls()
        raise Manual(
            "manual: make the producer fail internally (e.g. cut its database connection), call it, and attach the "
            "answer; a reviewer checks it is a SOAP Fault with a log id that cannot be traced to the patient and no "
            f"personal data. The faults of this run's {len(invalid) + len(missing)} invalid requests are attached"
        )

    def unless_not_offered(self, name: str) -> None:
        """Not applicable only when the declaration says the capability is not offered (TK suites: the
        vendor's test data, not the declaration, says "run it")."""
        if self.session.declaration.capability(name) is False:
            raise NotApplicable(f"not applicable: the declaration says {name} is not offered")

    def require_capability(self, name: str) -> None:
        """Not applicable when declared as not offered; not tested when the declaration does not say."""
        offered = self.session.declaration.capability(name)
        if offered is False:
            raise NotApplicable(f"not applicable: the declaration says {name} is not offered")
        if offered is None:
            where = self.session.declaration.source or "a --declaration file"
            raise NotTested(
                f"not tested: the declaration does not say whether {name} is offered ([capabilities] {name} in {where})"
            )

    def expect(self, findings: Sequence[str], summary: str) -> None:
        """Fail the check with ``summary`` when there are findings, or, for a check that judges content
        (TK cases, rivta.response-schema), when the contract's Schematron rules fail on any data answer
        it received (each finding names its call)."""
        rules = self.schematron_findings() if self.judges_content else []
        if findings or rules:
            if not findings:
                summary = "answers break the contract's Schematron rules"
            raise CheckFailed(summary, [*findings, *rules])

    def schematron_findings(self) -> list[str]:
        """Failed Schematron asserts on this check's data answers, labelled with the call."""
        seen: set[int] = set()
        found = []
        for exchange in self.exchanges:
            if id(exchange) not in seen:
                seen.add(id(exchange))
                found += [f"{exchange.label}: {f}" for f in self.session.schematron_findings(self.contract, exchange)]
        return found
