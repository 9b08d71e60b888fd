"""What a check in a test suite works with: the contract, the run, and recorded calls.

Suites stay short and declarative: build a request from the contract and the test data,
call, hand the exchange to a rule from ``harness.checks``, and ``expect`` no findings.
Every call made through ``Rivta`` is kept as evidence for the check that made it.
"""

from __future__ import annotations

import concurrent.futures
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from lxml import etree

from harness.contracts import Contract
from harness.contracts.model import Profile
from harness.contracts.sample import MessageBuilder
from harness.contracts.variants import invalid_variants
from harness.errors import ConfigError, TransportError
from harness.results import CheckFailed, NotApplicable, NotTested
from harness.run import RunSession
from harness.transport.client import FROM_CERTIFICATE, RivtaClient, require_answer
from harness.transport.exchange import Exchange
from harness.transport.problems import ProblemKind

_DEFAULT = object()
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

    def __init__(self, session: RunSession, contract: Contract, errors: ErrorCalls) -> None:
        self.session = session
        self.contract = contract
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
        shared = {**self.session.testdata.request, **self.session.overrides}
        applicable = {path: value for path, value in shared.items() if path in known}
        testdata = self.session.testdata
        return {**applicable, **testdata.per_contract.get(self.contract.name, {}), **(extra or {})}

    def request(self, extra: Mapping[str, str] | None = None) -> etree._Element:
        """A valid request from the contract, the test data and ``extra``; proven valid before use."""
        payload = self._builder.build(self.contract.operation.request_element, self.overrides(extra))
        findings = self.contract.schema.validate(payload)
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
    ) -> Exchange:
        """Send and record one call (``payload`` defaults to the test-data request)."""
        address = self.session.logical_address if logical_address is _DEFAULT else logical_address
        exchange = (client or self.session.start()).call(
            self.contract,
            self.request() if payload is None else payload,
            logical_address=address,
            label=label,
            consumer_hsa_id=consumer_hsa_id,
            profile=profile,
        )
        self.record(exchange)
        return exchange

    def record(self, *exchanges: Exchange) -> None:
        """Keep exchanges as this check's evidence; stop with an error if the producer was not reached."""
        self.exchanges.extend(exchanges)
        self.session.log_calls(*exchanges)
        for exchange in exchanges:
            problem = exchange.problem
            if exchange.status is None and problem is not None and problem.kind in UNREACHABLE:
                raise TransportError(f"{exchange.label}: {problem.explanation}", hint=problem.fix)

    def answered(self, exchange: Exchange) -> Exchange:
        """The exchange if an HTTP answer came; otherwise the harness could not run (an error, not a verdict)."""
        return require_answer(exchange)

    def call_concurrently(self, payloads: Sequence[etree._Element], *, label: str) -> list[Exchange]:
        """Every payload sent at once, each on its own thread (shared keep-alive pool)."""
        client = self.session.start()
        bodies = [etree.tostring(payload) for payload in payloads]

        def one(index: int) -> Exchange:
            return client.call(
                self.contract,
                etree.fromstring(bodies[index]),
                logical_address=self.session.logical_address,
                label=f"{label} #{index + 1}",
            )

        with concurrent.futures.ThreadPoolExecutor(max_workers=len(bodies)) as pool:
            exchanges = list(pool.map(one, range(len(bodies))))
        self.record(*exchanges)
        return exchanges

    def variants(self) -> list[tuple[str, str]]:
        """(path, value) pairs of distinct request values from the test data that fit this contract."""
        known = {p.path for p in self._builder.value_paths(self.contract.operation.request_element)}
        return [
            (path, value)
            for path, values in self.session.testdata.variants.items()
            if path in known
            for value in values
        ]

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
        client = self.session.start()
        address = self.session.logical_address
        invalid = [
            client.call(
                self.contract, variant.payload, logical_address=address, label=f"invalid request: {variant.description}"
            )
            for variant in variants
        ]
        missing = [
            client.call(self.contract, self.request(), logical_address=None, label="request without routing header")
        ]
        return invalid, missing, notes

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
        """Fail the check with ``summary`` when there are findings."""
        if findings:
            raise CheckFailed(summary, list(findings))
