"""pytest collection of SoapUI projects: ``pytest testsuites --soapui-project FILE.xml``.

Each project file becomes a collector, each test suite a collector inside it, each test case
one item named exactly as in the project (``-k "1.2"`` selects by TF number), in project order.
An item is one check (``soapui.<project>.<case>``, TF from the case name, suite TK) that runs
the case natively over the run's mTLS client and ends in one of the harness's verdicts; every
assertion's outcome is a finding naming the step and the assertion (name and type).

With a release folder as ``--contract`` and no ``--soapui-project``, the release's
``test-suite/<Contract>/<Contract>-soapui-project.xml`` is used for each selected contract.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from harness.checks.catalogue import CheckSpec, Level, Suite
from harness.contracts.package import read_release_file
from harness.errors import HarnessError, SoapUIError
from harness.results import CheckFailed, Manual, NotTested
from harness.soapui.outcome import Status
from harness.soapui.project import Project, TestCase, TestSuite, load_project
from harness.soapui.run import CaseResult, CaseRunner
from harness.transport.client import CONSUMER_HSA_HEADER

if TYPE_CHECKING:
    from harness.contracts import Contract
    from harness.transport.exchange import Exchange

PROJECTS_KEY = pytest.StashKey[list[Path]]()
LOADED_KEY = pytest.StashKey[dict[Path, Project]]()
AUTO_KEY = pytest.StashKey[bool]()  # the projects came from the --contract release, none was named
_OURS = frozenset({"content-type", "soapaction", CONSUMER_HSA_HEADER.lower()})
RUNNERS_KEY = pytest.StashKey[dict[Path, CaseRunner]]()
_MAX_EVIDENCE_SCRIPT = 4000


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--soapui-project`` joins the ``rivta`` option group."""
    group = parser.getgroup("rivta", "RIVTA conformance (rivta-harness)")
    group.addoption(
        "--soapui-project",
        action="append",
        dest="soapui_projects",
        metavar="FILE.xml",
        help="run an Inera SoapUI TK project natively (repeatable); --testdata may name its data.xml",
    )


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Queue the projects for collection (each read now, so a bad file stops the run with one line)."""
    projects = [Path(p) for p in config.getoption("soapui_projects") or []]
    for project in projects:
        if not project.is_file():
            raise pytest.UsageError(f"--soapui-project {project}: no such file")
    try:
        config.stash[LOADED_KEY] = {p.resolve(): load_project(p) for p in projects}
    except SoapUIError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.stash[PROJECTS_KEY] = projects
    config.args.extend(str(p) for p in projects)


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """With a release as --contract and no project named, queue the release's projects."""
    config = session.config
    if config.stash.get(PROJECTS_KEY, None) or not config.getoption("contracts"):
        return
    from harness.plugin import _session

    workdir = Path(tempfile.mkdtemp(prefix="rivta-soapui-"))
    config.add_cleanup(lambda: shutil.rmtree(workdir, ignore_errors=True))
    found = release_projects(_session(config).contracts, workdir)
    config.stash[PROJECTS_KEY] = found
    config.stash[AUTO_KEY] = True
    try:
        config.stash[LOADED_KEY] = {p.resolve(): load_project(p) for p in found}
    except SoapUIError as exc:
        raise pytest.UsageError(str(exc)) from None
    config.args.extend(str(p) for p in found)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A release project found on its own does not duplicate a native TK suite of the same contract.

    Its cases are left out of the run (not deselected: nothing was asked for); name the project
    with --soapui-project to run it beside the native suite.
    """
    if not config.stash.get(AUTO_KEY, False):
        return
    from harness.plugin import item_spec

    native = set()
    for item in items:
        spec = item_spec(item)
        contract = getattr(getattr(item, "callspec", None), "params", {}).get("rivta")
        if spec is not None and spec.suite is Suite.TK and contract is not None and not isinstance(item, SoapUICase):
            native.add(contract.name)
    items[:] = [item for item in items if not (isinstance(item, SoapUICase) and item.contract_name in native)]


def release_projects(contracts: Sequence[Contract], workdir: Path) -> list[Path]:
    """``test-suite/<Contract>/<Contract>-soapui-project.xml`` of each contract's release, where present.

    From a release zip the project, its data.xml and constraints.xml are copied to ``workdir``
    (SoapUI's ``projectPath`` must be a folder).
    """
    found: list[Path] = []
    for contract in contracts:
        folder = f"test-suite/{contract.name}"
        name = f"{contract.name}-soapui-project.xml"
        if contract.package.is_file():
            content = read_release_file(contract.package, f"{folder}/{name}")
            if content is None:
                continue
            target = workdir / contract.name
            target.mkdir(parents=True, exist_ok=True)
            for extra in ("data.xml", "constraints.xml", f"{contract.name}-doc.html"):
                data = read_release_file(contract.package, f"{folder}/{extra}")
                if data is not None:
                    (target / extra).write_bytes(data)
            (target / name).write_bytes(content)
            found.append(target / name)
            continue
        for parent in (contract.package, *contract.package.parents):
            candidate = parent / folder / name
            if candidate.is_file():
                if candidate not in found:
                    found.append(candidate)
                break
    return found


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    """A queued project file becomes a ``ProjectFile`` collector."""
    loaded = parent.config.stash.get(LOADED_KEY, None)
    if not file_path.name.endswith(".xml") or not loaded:
        return None
    if file_path.resolve() in loaded:
        return ProjectFile.from_parent(parent, path=file_path, nodeid=_nodeid(file_path, parent.config.rootpath))
    return None


def _nodeid(path: Path, root: Path) -> str:
    """The project's path from the rootdir (``../`` steps for a release folder elsewhere): unique per file."""
    return Path(os.path.relpath(path.resolve(), root.resolve())).as_posix()


def slug(text: str, *, keep: str = ".") -> str:
    """Lowercase id part: letters, digits and ``keep`` kept (åäö folded), everything else one hyphen."""
    folded = text.lower().translate(str.maketrans("åäöéü", "aaoeu"))
    return re.sub(rf"[^a-z0-9{re.escape(keep)}]+", "-", folded).strip("-")


def tf_number(case_name: str) -> str:
    """The TF number a case name starts with (``1.2.1 datePeriod`` → ``1.2.1``), or ""."""
    match = re.match(r"\s*(\d+(?:\.\d+)*)", case_name)
    return match.group(1) if match else ""


class ProjectFile(pytest.File):
    """One SoapUI project: its test suites."""

    def collect(self) -> Iterator[pytest.Collector]:
        loaded = self.config.stash[LOADED_KEY]
        try:
            project = loaded.get(self.path.resolve()) or load_project(self.path)
        except SoapUIError as exc:
            raise self.CollectError(str(exc)) from None
        for suite in project.suites:
            yield SuiteNode.from_parent(self, name=suite.name, project=project, suite=suite)


class SuiteNode(pytest.Collector):
    """One test suite: its test cases as items, in project order."""

    def __init__(self, *, project: Project, suite: TestSuite, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.project = project
        self.suite = suite

    def collect(self) -> Iterator[pytest.Item]:
        from harness.plugin import CONTRACT_KEY, SESSION_KEY, SPEC_KEY

        session = self.config.stash.get(SESSION_KEY, None)
        contract = None if session is None else project_contract(session.contracts, self.project)
        for case in self.suite.cases:
            item = SoapUICase.from_parent(self, name=case.name, callobj=_case_function(self.project, self.suite, case))
            item.stash[SPEC_KEY] = check_spec(self.project, case)
            if contract is not None:
                item.stash[CONTRACT_KEY] = contract
            yield item


class SoapUICase(pytest.Function):
    """One SoapUI test case as a pytest item (a function so the run's fixtures reach it)."""

    @property
    def contract_name(self) -> str | None:
        """The name of the run's contract this case tests, if the run has it."""
        from harness.plugin import CONTRACT_KEY

        contract = self.stash.get(CONTRACT_KEY, None)
        return None if contract is None else contract.name

    def reportinfo(self) -> tuple[Path, int | None, str]:
        assert isinstance(self.parent, SuiteNode)
        return self.parent.project.path, None, f"{self.parent.suite.name} / {self.name}"

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        """The case's findings, not a traceback through the harness: the project is the "source" here."""
        if isinstance(excinfo.value, (CheckFailed, HarnessError)):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)


def _case_function(project: Project, suite: TestSuite, case: TestCase) -> Any:
    def run_soapui_case(request: pytest.FixtureRequest, rivta_session: Any) -> None:
        _run(request.node, rivta_session, project, suite, case)

    return run_soapui_case


def check_spec(project: Project, case: TestCase) -> CheckSpec:
    """The case's catalogue entry: id from project and case name, TF number, level mandatory, suite TK."""
    return CheckSpec(
        id=f"soapui.{slug(project.name, keep='')}.{slug(case.name)}",
        title_sv=case.name,
        title_en=case.name,
        rule=f"Inera's SoapUI TK project {project.name}, test case {case.name!r}",
        source=f"TK {project.name} ({project.path.name})",
        level=Level.MANDATORY,
        sjd_section="",
        tf=tf_number(case.name),
        suite=Suite.TK,
    )


def project_contract(contracts: Sequence[Contract], project: Project) -> Contract | None:
    """The run's contract this project tests (by its interfaces' binding namespace, else operation name)."""
    for interface in project.interfaces:
        for contract in contracts:
            if interface.binding.startswith(f"{{{contract.wsdl_namespace}}}"):
                return contract
    for interface in project.interfaces:
        for contract in contracts:
            if contract.operation.name in interface.operations:
                return contract
    return None


def _run(item: pytest.Item, session: Any, project: Project, suite: TestSuite, case: TestCase) -> None:
    from harness import plugin
    from harness.suite import Rivta

    contract = project_contract(session.contracts, project)
    if contract is None:
        raise SoapUIError(
            f"project {project.name!r}: none of the run's contracts is the one its interfaces call",
            hint="give the contract with --contract (the release folder, zip or WSDL)",
        )
    helper = Rivta(session, contract, item.config.stash[plugin.ERRORS_KEY])
    item.stash[plugin.EXCHANGES_KEY] = helper
    if suite.disabled or case.disabled:
        raise NotTested("not tested: disabled in the project")
    result = runner(item.config, project, session, helper).run(suite, case)
    helper.measure("assertions", [str(o) for o in result.outcomes])
    verdict(result)


def runner(config: pytest.Config, project: Project, session: Any, helper: Any) -> CaseRunner:
    """The project's runner for this run (shared by its cases, so project properties carry over)."""
    runners = config.stash.setdefault(RUNNERS_KEY, {})
    key = project.path.resolve()
    if key not in runners:
        contract = helper.contract
        runners[key] = CaseRunner(
            project=project,
            send=_sender(session, helper),
            contract_for=lambda interface, operation: contract,
            suite_data=session.testdata.suites.get(contract.name),
            defaults={"logicalAddress": session.logical_address},
        )
    current = runners[key]
    current.send = _sender(session, helper)
    return current


def _sender(session: Any, helper: Any) -> Any:
    """Send over the run's client to --producer-url: the project's headers kept, the client's own
    Content-Type, SOAPAction and correlation id, the consumer header from the project when it sets one."""

    def send(contract: Contract | None, body: bytes, headers: dict[str, str], *, label: str) -> Exchange:
        if contract is None:
            raise SoapUIError("no contract for this request step", hint="give --contract")
        kept = {k: v for k, v in headers.items() if k.lower() not in _OURS}  # Content-Type, SOAPAction: ours
        consumer = next((v for k, v in headers.items() if k.lower() == CONSUMER_HSA_HEADER.lower()), None)
        exchange = session.start().call(
            contract,
            body,
            logical_address=None,
            label=label,
            extra_headers=kept,
            **({"consumer_hsa_id": consumer} if consumer else {}),
        )
        helper.record(exchange)
        return exchange

    return send


def verdict(result: CaseResult) -> None:
    """Raise the harness's verdict for a finished case (passing returns)."""
    findings = [str(o) for o in result.outcomes]
    status = result.status
    if status is Status.PASSED:
        return
    if not result.outcomes:
        raise NotTested(f"not tested: {result.case!r} has no assertion that could show a rule broken")
    if status is Status.FAILED:
        failed = [str(o) for o in result.outcomes if o.status is Status.FAILED]
        raise CheckFailed(f"{len(failed)} of {len(result.outcomes)} assertions failed in {result.case!r}", findings)
    first = next((o for o in result.outcomes if o.status is status), result.outcomes[0])
    if status is Status.ERROR:
        raise SoapUIError(f"{first.where}: {first.message}")
    if status is Status.NOT_TESTED:
        raise NotTested(f"not tested: {first.where}: {first.message}")
    if result.review:
        raise Manual(
            f"manual: Inera's TK documentation leaves this case to a human ({result.review}); "
            "judge the recorded answers and the assertion outcomes"
        )
    evidence = f"\n{first.evidence[:_MAX_EVIDENCE_SCRIPT]}" if first.evidence else ""
    raise Manual(f"manual: {first.where}: {first.message}{evidence}")
