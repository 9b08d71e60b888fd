"""Run one SoapUI test case natively: its steps in order, over the harness's transport.

The caller supplies how to send (``Sender``: the run's mTLS client to ``--producer-url``, never
the project's endpoint), which contract an interface means, where data.xml is and how to run
Schematron. Request steps keep the project's HTTP headers (expanded) and add the harness's
own; assertions are judged on the recorded exchange. A step that needs a human (a manual
step, a script the harness does not understand) makes the case manual and stops it, since
later steps depend on what that step would have done; a failed assertion makes it failed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from lxml import etree

from harness.errors import HarnessError, SoapUIError
from harness.soapui.assertions import LOAD_TEST_TYPES, Checked, check
from harness.soapui.doc import manual_cases
from harness.soapui.expansion import Scope, StepRecord, Unexpandable
from harness.soapui.outcome import Outcome, Status, case_status
from harness.soapui.project import Project, Step, TestCase, TestSuite
from harness.soapui.support import Message, NotRunnable, ScriptEnv, outcome_for
from harness.soapui.xpath import as_text, evaluate
from harness.testdata import SuiteData, load_testdata

if TYPE_CHECKING:
    from harness.contracts import Contract
    from harness.transport.exchange import Exchange

_MAX_CALL_DEPTH = 5
# Released projects carry a literal backslash-r between tags (a Windows line-end export artefact);
# sent as is it would be text inside the envelope, so it is removed there and nowhere else.
_LITERAL_CR = re.compile(r">(?:\\r|\s)*<")
LOAD_TEST_REASON = "load test: run by the harness's load profiles, not by the SoapUI import"


class Sender(Protocol):
    """Sends one request step's envelope with the given headers and returns the recorded exchange."""

    def __call__(self, contract: Contract | None, body: bytes, headers: dict[str, str], *, label: str) -> Exchange: ...


@dataclass
class CaseResult:
    """A case's outcomes (one per assertion and per step that needed one) and its exchanges."""

    suite: str
    case: str
    outcomes: list[Outcome] = field(default_factory=list)
    exchanges: list[Exchange] = field(default_factory=list)
    review: str = ""  # Inera's own words when its documentation says a human judges this case

    @property
    def status(self) -> Status:
        """The case's verdict (see ``outcome.case_status``); a case Inera leaves to a human is manual
        whatever its assertions said, unless it could not run at all."""
        status = case_status(self.outcomes)
        if self.review and status in (Status.PASSED, Status.FAILED, Status.MANUAL):
            return Status.MANUAL
        return status


def schematron_failures(path: Path, document: bytes) -> list[str]:
    """Failed asserts of a Schematron file on a document, one sentence each (harness.schematron)."""
    try:
        from harness.schematron import compile_schematron
    except ImportError:
        raise NotRunnable("no Schematron engine in this installation (harness.schematron)") from None
    try:
        return [str(f) for f in compile_schematron(path, name=str(path)).validate(document)]
    except HarnessError as exc:
        raise SoapUIError(str(exc)) from None


@dataclass
class CaseRunner:
    """Runs cases of one project; ``project_properties`` is shared by the cases of a run, like SoapUI's."""

    project: Project
    send: Sender
    contract_for: Callable[[str, str], Contract | None]
    data_path: Path | None = None
    suite_data: SuiteData | None = None
    defaults: dict[str, str] = field(default_factory=dict)
    schematron: Callable[[Path, bytes], list[str]] = schematron_failures
    sleep: Callable[[float], None] = time.sleep
    project_properties: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.project_properties = {**self.project.properties, **self.project_properties}
        self.reviewed = manual_cases(self.project.path)

    def data(self) -> SuiteData:
        """The run's TK data for this contract, else the data.xml beside the project (read on first use)."""
        if self.suite_data is None:
            path = self.data_path or self.project.folder / "data.xml"
            if not path.is_file():
                raise Unexpandable(
                    "data.xml",
                    f"project {self.project.name!r}: test data {path}: no such file",
                    hint="give --testdata data.xml (the release's file, adapted to your system)",
                )
            try:
                suites = load_testdata(path).suites
            except HarnessError as exc:
                raise SoapUIError(f"project {self.project.name!r}: {exc}") from None
            if not suites:
                raise Unexpandable("data.xml", f"project {self.project.name!r}: {path} holds no TK suite data")
            self.suite_data = next(iter(suites.values()))
        return self.suite_data

    def run(self, suite: TestSuite, case: TestCase) -> CaseResult:
        """Every step of ``case`` in order; never raises for project or data problems."""
        result = CaseResult(suite.name, case.name, review=self.reviewed.get(case.name, ""))
        if case.load_tests:
            result.outcomes.append(
                Outcome(Status.NOT_TESTED, case.name, f"{LOAD_TEST_REASON} ({', '.join(case.load_tests)})")
            )
            return result
        self._steps(self._scope(suite, case), case, result, depth=0)
        return result

    def _scope(self, suite: TestSuite, case: TestCase) -> Scope:
        """A fresh property scope for one run of ``case`` (also for a case another one calls)."""
        return Scope(
            project=self.project,
            suite=suite,
            case=case,
            project_properties=self.project_properties,
            suite_properties=dict(suite.properties),
            case_properties=dict(case.properties),
            context=dict(self.defaults),
        )

    def _steps(self, scope: Scope, case: TestCase, result: CaseResult, *, depth: int) -> None:
        pending: dict[str, list[tuple[str, str]]] = {}
        for step in case.steps:
            where = f"{case.name} / {step.name}"
            if step.disabled:
                continue
            try:
                stop = self._step(step, where, scope, result, pending=pending, depth=depth)
            except Unexpandable as exc:
                result.outcomes.append(Outcome(Status.NOT_TESTED, where, str(exc)))
                return
            except SoapUIError as exc:
                result.outcomes.append(Outcome(Status.ERROR, where, str(exc)))
                return
            if stop:
                return

    def _step(
        self,
        step: Step,
        where: str,
        scope: Scope,
        result: CaseResult,
        *,
        pending: dict[str, list[tuple[str, str]]],
        depth: int,
    ) -> bool:
        """Run one step; True when the case cannot go on."""
        if step.type == "request":
            return self._request(step, where, scope, result, pending.pop(step.name, []))
        if step.type == "groovy":
            outcome = outcome_for(where, step.script, self._env(scope, None))
            if outcome.status is not Status.PASSED:
                result.outcomes.append(outcome)
            return outcome.status is not Status.PASSED
        if step.type == "delay":
            self.sleep(step.delay_ms / 1000)
            return False
        if step.type == "properties":
            scope.steps[step.name] = StepRecord(
                step.name, properties={k: scope.expand(v) for k, v in step.properties.items()}
            )
            return False
        if step.type == "transfer":
            self._transfer(step, scope, pending)
            return False
        if step.type == "calltestcase":
            return self._call_case(step, where, scope, result, depth)
        if step.type == "assertionteststep":
            return self._assertion_step(step, where, scope, result)
        if step.type == "manualTestStep":
            text = " ".join(step.description.split())
            expected = " ".join(step.expected.split())
            message = f"manual step: {text}" + (f" — expected: {expected}" if expected else "")
            result.outcomes.append(Outcome(Status.MANUAL, where, message, evidence=step.description))
            return True
        result.outcomes.append(
            Outcome(Status.MANUAL, where, f"step type {step.type!r} is not run by the harness; perform it by hand")
        )
        return True

    def _env(self, scope: Scope, message: Message | None) -> ScriptEnv:
        return ScriptEnv(
            scope=scope,
            message=message,
            data=self.data,
            schematron=lambda path: self.schematron(path, message.response if message else b""),
            sleep=self.sleep,
        )

    def _request(
        self, step: Step, where: str, scope: Scope, result: CaseResult, transfers: list[tuple[str, str]]
    ) -> bool:
        body = _LITERAL_CR.sub(lambda m: m.group(0).replace("\\r", ""), scope.expand(step.request))
        if transfers:
            body = _apply_transfers(body, transfers, scope)
        headers = {name: scope.expand(value) for name, value in step.headers if name}
        contract = self.contract_for(step.interface, step.operation)
        exchange = self.send(contract, body.encode("utf-8"), headers, label=f"{scope.case.name}: {step.name}")
        result.exchanges.append(exchange)
        response = exchange.response_body.decode("utf-8", errors="replace")
        scope.steps[step.name] = StepRecord(step.name, request=body, response=response)
        if exchange.status is None:
            problem = exchange.problem.explanation if exchange.problem else "no answer"
            result.outcomes.append(Outcome(Status.ERROR, where, f"no HTTP answer: {problem}"))
            return True
        message = Message(exchange.response_body, tuple(exchange.response_headers), exchange.status)
        checked = Checked(message, exchange.timing.total_ms, contract, self._env(scope, message))
        for assertion in step.assertions:
            if not assertion.disabled:
                result.outcomes.append(check(assertion, f"{where} / {assertion.label}", checked))
        return False

    def _assertion_step(self, step: Step, where: str, scope: Scope, result: CaseResult) -> bool:
        """An assertion test step judges the last request step's answer."""
        last = next((r for r in reversed(result.exchanges)), None)
        if last is None:
            result.outcomes.append(Outcome(Status.ERROR, where, "assertion step before any request step"))
            return True
        message = Message(last.response_body, tuple(last.response_headers), last.status)
        checked = Checked(message, last.timing.total_ms, None, self._env(scope, message))
        for assertion in step.assertions:
            if assertion.type in LOAD_TEST_TYPES or assertion.disabled:
                continue
            result.outcomes.append(check(assertion, f"{where} / {assertion.label}", checked))
        return False

    def _call_case(self, step: Step, where: str, scope: Scope, result: CaseResult, depth: int) -> bool:
        found = self.project.case_by_id(step.target_case)
        if found is None:
            raise SoapUIError(f"{where}: the called test case {step.target_case!r} is not in the project")
        if depth >= _MAX_CALL_DEPTH:
            raise SoapUIError(f"{where}: test cases call each other more than {_MAX_CALL_DEPTH} deep")
        suite, case = found
        inner = self._scope(suite, case)
        before = len(result.outcomes)
        self._steps(inner, case, result, depth=depth + 1)
        return any(o.status is not Status.PASSED for o in result.outcomes[before:])

    def _transfer(self, step: Step, scope: Scope, pending: dict[str, list[tuple[str, str]]]) -> None:
        """Property transfer: source value (XPath on a step's Request/Response, or a property) → target."""
        for transfer in step.transfers:
            if transfer.disabled:
                continue
            value = _source_value(transfer.source_step, transfer.source_type, transfer.source_path, scope)
            target, prop = transfer.target_step, transfer.target_type
            if target.startswith("#") and target.endswith("#"):
                scope.level(target.strip("#"))[prop] = value
            elif prop == "Request" and transfer.target_path:
                pending.setdefault(target, []).append((transfer.target_path, value))
            else:
                scope.steps.setdefault(target, StepRecord(target)).properties[prop] = value


def _source_value(step_name: str, prop: str, path: str, scope: Scope) -> str:
    if step_name.startswith("#") and step_name.endswith("#"):
        table = scope.level(step_name.strip("#"))
        if prop not in table:
            raise Unexpandable(f"{step_name}{prop}", f"property transfer: {step_name}{prop} has no value")
        text = table[prop]
    else:
        text = scope.expand(f"${{{step_name}#{prop}}}")
    if not path:
        return text
    try:
        document = etree.fromstring(text.encode("utf-8"))
    except etree.XMLSyntaxError:
        raise SoapUIError(f"property transfer: {step_name}#{prop} is not XML, the path {path!r} cannot apply") from None
    found = evaluate(scope.expand(path), document, scope.namespaces)
    return as_text(found[0]) if found else ""


def _apply_transfers(body: str, transfers: list[tuple[str, str]], scope: Scope) -> str:
    """Set the text of the nodes each target path selects in the request (SoapUI's transfer into a Request)."""
    try:
        document = etree.fromstring(body.encode("utf-8"))
    except etree.XMLSyntaxError:
        raise SoapUIError("property transfer into a request that is not XML") from None
    for path, value in transfers:
        nodes = [n for n in evaluate(scope.expand(path), document, scope.namespaces) if isinstance(n, etree._Element)]
        if not nodes:
            raise SoapUIError(f"property transfer: target path {path!r} selects nothing in the request")
        for node in nodes:
            node.text = value
    return etree.tostring(document, encoding="unicode")
