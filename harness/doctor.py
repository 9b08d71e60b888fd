"""The communication test, step by step: DNS, TCP, TLS, client certificate, HTTP, SOAP, one real call.

Each step either passes with the facts it established or fails with a classified problem
and its fix; later steps are skipped after the first failure because they cannot say
anything true. The TLS step uses a raw handshake with OpenSSL's message callback, which is
the only way to know whether the producer *asked* for a client certificate at all. The last
step calls the selected contract with the given logical address, since PingForConfiguration
answering says nothing about whether the contract is routed and served. The whole run has
one bound (``deadline``): a producer that drips bytes cannot hold it, and the report names
the step that hit the bound.
"""

from __future__ import annotations

import re
import socket
import ssl
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from harness.bundled import bundled
from harness.certs import ClientCredentials, load_ca_bundle
from harness.contracts import Contract, load_contracts
from harness.contracts.sample import sample_payload
from harness.errors import HarnessError
from harness.transport.client import RivtaClient, TransportSettings
from harness.transport.problems import Problem, ProblemKind, classify_exception, problem
from harness.transport.tls import client_context, describe_chain


@dataclass(frozen=True, slots=True)
class Step:
    """One preflight step: passed or not, what was seen, and the problem when it failed."""

    name: str
    passed: bool
    facts: tuple[str, ...] = ()
    problem: Problem | None = None


@dataclass(slots=True)
class DoctorReport:
    """All steps run, in order; ``ok`` only when every step passed."""

    url: str
    steps: list[Step] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every step ran and passed."""
        return bool(self.steps) and all(step.passed for step in self.steps) and len(self.steps) == len(STEP_NAMES)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form for ``doctor --json``."""
        return {
            "url": self.url,
            "ok": self.ok,
            "steps": [
                {
                    "step": step.name,
                    "passed": step.passed,
                    "facts": list(step.facts),
                    "problem": None
                    if step.problem is None
                    else {
                        "kind": step.problem.kind.value,
                        "explanation": step.problem.explanation,
                        "fix": step.problem.fix,
                        "detail": step.problem.detail,
                    },
                }
                for step in self.steps
            ],
        }


STEP_NAMES = ("url", "dns", "tcp", "tls", "client certificate", "http", "soap call", "contract call")
DEFAULT_DEADLINE = 30.0


@dataclass(frozen=True, slots=True)
class DoctorInput:
    """What the preflight needs to know."""

    url: str
    credentials: ClientCredentials | None
    ca_bundle: Sequence[Path]
    contract: Contract | None
    logical_address: str | None
    settings: TransportSettings
    deadline: float = DEFAULT_DEADLINE


StepRun = Callable[[DoctorInput, dict[str, object]], Step]


FILES_STEP = "certificate files"


def load_files(
    load: Callable[[], ClientCredentials | None], ca_bundle: Sequence[Path]
) -> tuple[ClientCredentials | None, Step]:
    """Load our credentials and read the CA bundle; a failure is a step with the error's text and hint."""
    try:
        credentials = load()
        if ca_bundle:
            load_ca_bundle(ca_bundle)
    except HarnessError as exc:
        failure = problem(ProblemKind.LOCAL_FILES, explanation=exc.message, fix=exc.hint or "check the files")
        return None, Step(FILES_STEP, False, problem=failure)
    facts = (f"client certificate {credentials.leaf_info.subject}",) if credentials else ()
    return credentials, Step(FILES_STEP, True, facts)


def report_lines(report: DoctorReport) -> list[str]:
    """The steps as ``doctor`` prints them: a mark per step, its facts, and the problem with its fix."""
    lines = []
    for step in report.steps:
        lines.append(f"  {'✓' if step.passed else '✗'} {step.name}")
        lines += [f"      {fact}" for fact in step.facts]
        if step.problem is not None:
            lines.append(f"      problem: {step.problem.explanation}")
            lines.append(f"      fix:     {step.problem.fix}")
            if step.problem.detail:
                lines.append(f"      detail:  {step.problem.detail}")
    return lines


def run_doctor(given: DoctorInput, names: Sequence[str] = STEP_NAMES) -> DoctorReport:
    """Run the named steps (all by default) in order, stopping at the first failure or at the run's bound."""
    report = DoctorReport(given.url)
    state: dict[str, object] = {}
    runs: list[StepRun] = [_url, _dns, _tcp, _tls, _client_certificate, _http, _soap_call, _contract_call]
    steps = dict(zip(STEP_NAMES, runs, strict=True))
    ends = time.monotonic() + given.deadline
    for name in names:
        step = _bounded(name, steps[name], given, state, ends)
        report.steps.append(step)
        if not step.passed:
            break
    return report


def _bounded(name: str, run: StepRun, given: DoctorInput, state: dict[str, object], ends: float) -> Step:
    """Run one step with the time left; a step still running at the bound is left behind, named."""
    left = max(ends - time.monotonic(), 0.001)
    limits = given.settings
    capped = replace(
        given,
        settings=replace(
            limits,
            connect_timeout=min(limits.connect_timeout, left),
            read_timeout=min(limits.read_timeout, left),
            deadline=min(limits.deadline, left),
        ),
    )
    outcome: list[Step | BaseException] = []

    def work() -> None:
        try:
            outcome.append(run(capped, state))
        except BaseException as exc:  # handed to the caller's thread below
            outcome.append(exc)

    worker = threading.Thread(target=work, name=f"doctor {name}", daemon=True)
    worker.start()
    worker.join(left)
    if not outcome:
        return Step(
            name,
            False,
            problem=problem(
                ProblemKind.DEADLINE,
                f"bound of the whole doctor run: {given.deadline:g} s (--deadline)",
                explanation=f"the doctor run reached its bound of {given.deadline:g} s during the {name} step",
                fix="the producer is too slow or drips its answer; look at its log, or raise --deadline",
            ),
        )
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _url(given: DoctorInput, state: dict[str, object]) -> Step:
    parts = urlsplit(given.url)
    if parts.scheme != "https" or not parts.hostname:
        return Step(
            "url",
            False,
            problem=problem(
                ProblemKind.TLS_FAILED,
                given.url,
                explanation="the producer URL must be https://host[:port]/path",
                fix="RIVTA requires HTTPS with mutual TLS; give the producer's https URL",
            ),
        )
    state["host"], state["port"] = parts.hostname, parts.port or 443
    facts = [f"host {parts.hostname}, port {parts.port or 443}"]
    if given.contract is not None:
        facts += [f"warning: {c}" for c in url_contradictions(parts.path, given.contract)]
    return Step("url", True, tuple(facts))


def url_contradictions(path: str, contract: Contract) -> list[str]:
    """Where the URL path contradicts the contract (RIVTA BP 2.1 rule 19: ``.../<Contract>/<major>/rivtabp21``)."""
    found = []
    segments = [s for s in path.split("/") if s]
    lowered = [s.lower() for s in segments]
    for index, segment in enumerate(lowered[:-1]):
        following = segments[index + 1]
        if segment == contract.name.lower() and following.isdigit() and int(following) != contract.major:
            found.append(
                f"the URL path names major version {following} of {contract.name}; the contract is {contract.version}"
            )
    profiles = [s for s in lowered if re.fullmatch(r"rivtabp2[01]", s)]
    if profiles and profiles[-1] != contract.profile.value.lower():
        found.append(
            f"the URL path says {profiles[-1]}, but {contract.key} is {contract.profile.label} "
            f"(the URL would end in {contract.profile.value.lower()})"
        )
    return found


def _dns(given: DoctorInput, state: dict[str, object]) -> Step:
    try:
        infos = socket.getaddrinfo(str(state["host"]), int(str(state["port"])), type=socket.SOCK_STREAM)
    except OSError as exc:
        return Step("dns", False, problem=classify_exception(exc))
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    state["address"] = infos[0][4]
    return Step("dns", True, (f"{state['host']} → {', '.join(addresses)}",))


def _tcp(given: DoctorInput, state: dict[str, object]) -> Step:
    started = time.perf_counter()
    try:
        with socket.create_connection(state["address"][:2], timeout=given.settings.connect_timeout):  # type: ignore[index]
            pass
    except TimeoutError:
        return Step("tcp", False, problem=problem(ProblemKind.CONNECT_TIMEOUT))
    except OSError as exc:
        return Step("tcp", False, problem=classify_exception(exc))
    return Step("tcp", True, (f"connected in {(time.perf_counter() - started) * 1000:.1f} ms",))


def _tls(given: DoctorInput, state: dict[str, object]) -> Step:
    context = client_context(
        credentials=given.credentials, ca_bundle=given.ca_bundle, verify_hostname=given.settings.verify_hostname
    )
    requested: list[bool] = []

    def watch(*event: object) -> None:
        # OpenSSL message callback: (connection, direction, version, content_type, msg_type, data)
        if event[1] == "read" and event[4] == ssl._TLSMessageType.CERTIFICATE_REQUEST:  # type: ignore[attr-defined]
            requested.append(True)

    context._msg_callback = watch  # type: ignore[attr-defined]
    try:
        with (
            socket.create_connection(state["address"][:2], timeout=given.settings.connect_timeout) as raw,  # type: ignore[index]
            context.wrap_socket(raw, server_hostname=str(state["host"])) as tls,
        ):
            chain = describe_chain([tls.getpeercert(binary_form=True) or b""])
            version, cipher = tls.version(), (tls.cipher() or ("",))[0]
    except (ssl.SSLError, OSError) as exc:
        return Step("tls", False, problem=classify_exception(exc))
    state["client_certificate_requested"] = bool(requested)
    leaf = chain[0]
    return Step(
        "tls",
        True,
        (
            f"{version}, {cipher}",
            f"producer certificate: {leaf.subject}",
            f"issued by: {leaf.issuer}; valid to {leaf.not_after}",
            "chain verified against the CA bundle"
            + (" and host name matches" if given.settings.verify_hostname else ""),
        ),
    )


def _client_certificate(given: DoctorInput, state: dict[str, object]) -> Step:
    if not state.get("client_certificate_requested"):
        return Step("client certificate", False, problem=problem(ProblemKind.TLS_NOT_REQUESTED))
    if given.credentials is None:
        return Step(
            "client certificate",
            False,
            problem=problem(
                ProblemKind.TLS_CLIENT_REJECTED,
                explanation="the producer asks for a client certificate, but none is configured",
                fix="pass --cert and --key, or --pkcs12 with --cert-password-env",
            ),
        )
    return Step(
        "client certificate",
        True,
        (f"requested by the producer; sent {given.credentials.leaf_info.subject}",),
    )


def _http(given: DoctorInput, state: dict[str, object]) -> Step:
    with RivtaClient(
        given.url, credentials=given.credentials, ca_bundle=given.ca_bundle, settings=given.settings
    ) as client:
        exchange = client.post(b"", {"Content-Type": "text/xml; charset=UTF-8"}, label="doctor: empty POST")
    if exchange.problem is not None:
        return Step("http", False, problem=exchange.problem)
    return Step(
        "http", True, (f"HTTP answered {exchange.status} in {exchange.timing.total_ms:.0f} ms; certificate accepted",)
    )


def _ping_contract() -> Contract:
    return load_contracts(bundled("contracts") / "itintegration_monitoring")[0]


def _soap_call(given: DoctorInput, state: dict[str, object]) -> Step:
    ping = _ping_contract()
    target_namespace = given.contract.responder_namespace if given.contract else ping.responder_namespace
    address = given.logical_address or "unknown"
    with RivtaClient(
        given.url, credentials=given.credentials, ca_bundle=given.ca_bundle, settings=given.settings
    ) as client:
        payload = sample_payload(ping, {"serviceContractNamespace": target_namespace, "logicalAddress": address})
        exchange = client.call(ping, payload, logical_address=address, label="doctor: PingForConfiguration")
    answer = exchange.envelope.payload if exchange.envelope else None
    if answer is not None and answer.tag == ping.operation.response_element:
        return Step("soap call", True, (f"PingForConfiguration answered in {exchange.timing.total_ms:.0f} ms",))
    outcome = exchange.outcome
    if given.contract is not None and outcome is not None and outcome.kind is ProblemKind.SOAP_FAULT:
        return Step("soap call", True, (f"a SOAP answer, but PingForConfiguration is not offered ({outcome.detail})",))
    return Step(
        "soap call",
        False,
        problem=outcome or problem(ProblemKind.SOAP_FAULT, "unexpected answer to PingForConfiguration"),
    )


def _contract_call(given: DoctorInput, state: dict[str, object]) -> Step:
    contract = given.contract
    if contract is None or not given.logical_address:
        return Step(
            "contract call",
            False,
            problem=problem(
                ProblemKind.SOAP_FAULT,
                explanation="no real call was made: the contract or the logical address is not given",
                fix="pass --contract PATH[::Name] and --logical-address HSA-ID, as for the run",
            ),
        )
    with RivtaClient(
        given.url, credentials=given.credentials, ca_bundle=given.ca_bundle, settings=given.settings
    ) as client:
        label = f"doctor: {contract.operation.name} to {given.logical_address}"
        exchange = client.call(contract, sample_payload(contract), logical_address=given.logical_address, label=label)
    if exchange.outcome is not None:
        return Step("contract call", False, problem=exchange.outcome)
    answer = exchange.envelope.payload if exchange.envelope else None
    if answer is None or answer.tag != contract.operation.response_element:
        return Step(
            "contract call",
            False,
            problem=problem(ProblemKind.SOAP_FAULT, explanation="the answer is not the contract's response element"),
        )
    return Step(
        "contract call",
        True,
        (f"{contract.key} answered for {given.logical_address} in {exchange.timing.total_ms:.0f} ms",),
    )
