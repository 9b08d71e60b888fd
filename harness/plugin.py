"""pytest plugin: ``pytest testsuites --producer-url ... --contract ...`` runs conformance checks.

Glue only. Options become ``RunOptions`` (bad values stop the run at once with one line);
tests that use the ``rivta`` fixture are parametrized over the selected contracts; each
check's verdict and evidence are attached to its report, so they cross pytest-xdist's
process boundary intact; the controller collects them and writes the self-declaration.
The plugin is inert in test runs that never request the ``rivta`` fixture.
"""

from __future__ import annotations

import hashlib
from collections.abc import Generator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from harness.checks.catalogue import CATALOGUE, CheckSpec, Level, Suite, spec_of
from harness.contracts import Contract
from harness.errors import ConfigError, HarnessError
from harness.plan import suite_plan, unused_testdata
from harness.preflight import error_block, preflight
from harness.producer.service import REFERENCE_LOGICAL_ADDRESS
from harness.report.bundle import write_bundle
from harness.report.model import Form, Outcome, RunFacts, outcome_line
from harness.results import CheckFailed, Manual, NotApplicable, NotTested, Verdict, exchange_record
from harness.run import RunOptions, RunSession, build_options, options_from_file
from harness.suite import ErrorCalls, Rivta

OPTIONS_KEY = pytest.StashKey[RunOptions]()
SESSION_KEY = pytest.StashKey[RunSession]()
ERRORS_KEY = pytest.StashKey[ErrorCalls]()
EXCHANGES_KEY = pytest.StashKey[Rivta]()
pytest_plugins = ("harness.soapui.pytest_plugin",)  # Inera's SoapUI projects as checks (--soapui-project)
# Dynamic checks (e.g. imported SoapUI cases) carry their spec here instead of a rivta_check marker,
# and their contract here instead of the ``rivta`` parameter.
SPEC_KEY = pytest.StashKey[CheckSpec]()
CONTRACT_KEY = pytest.StashKey[Contract]()
WORKER_PLANNED_KEY = "rivta_planned"
"""Key of an xdist worker's output naming its checks: [node id, spec record, contract] each."""
# Tables other parts of the run add to the report (e.g. the EI mock's link to its own declaration).
OBSERVATIONS_KEY = pytest.StashKey[list[dict[str, Any]]]()
# Verdict records other parts of the run add (e.g. the EI mock's answers), each carrying its spec.
EXTRA_RESULTS_KEY = pytest.StashKey[list[dict[str, Any]]]()


def item_spec(item: pytest.Item) -> CheckSpec | None:
    """The check an item performs: its stashed spec, or the catalogue entry its marker names."""
    stashed = item.stash.get(SPEC_KEY, None)
    if stashed is not None:
        return stashed
    marker = item.get_closest_marker("rivta_check")
    return None if marker is None else CATALOGUE[marker.args[0]]


def planned_checks(items: list[pytest.Item]) -> dict[str, tuple[CheckSpec, str]]:
    """The collected items that are checks (a spec and a contract), by node id, in collection order."""
    found = {}
    for item in items:
        spec, contract = item_spec(item), _item_contract(item)
        if spec is not None and contract is not None:
            found[item.nodeid] = (spec, contract)
    return found


def _item_contract(item: pytest.Item) -> str | None:
    """The key of the contract an item checks (None for items of a contract not in this run)."""
    contract = getattr(getattr(item, "callspec", None), "params", {}).get("rivta") or item.stash.get(CONTRACT_KEY, None)
    return None if contract is None else contract.key


_OPTIONS: tuple[tuple[tuple[str, ...], dict[str, Any]], ...] = (
    (("--producer-url",), {"help": "https URL of the producer (omitted: the embedded reference producer)"}),
    (("--contract",), {"action": "append", "dest": "contracts", "metavar": "PATH[::Name]", "help": "contract package, zip or WSDL (repeatable)"}),
    (("--logical-address",), {"help": "LogicalAddress header value (HSA-id)"}),
    (("--consumer-hsaid",), {"help": "x-rivta-original-serviceconsumer-hsaid (default: serialNumber of the client certificate)"}),
    (("--cert",), {"help": "client function certificate PEM"}),
    (("--key",), {"help": "private key PEM for --cert"}),
    (("--pkcs12",), {"help": "client certificate and key as PKCS#12"}),
    (("--cert-password-env",), {"metavar": "VAR", "help": "environment variable holding the key/PKCS#12 password"}),
    (("--ca-bundle",), {"action": "append", "metavar": "PEM", "help": "CA bundle for the producer's certificate (repeatable)"}),
    (("--schematron",), {"action": "append", "metavar": "FILE", "help": "ISO Schematron applied to every data answer (repeatable; a release's constraints.xml is found by itself)"}),
    (("--testdata",), {"help": "test data TOML ([request], [tk.<Contract>]) or a TK suite's data.xml"}),
    (("--set",), {"action": "append", "dest": "overrides", "metavar": "PATH=VALUE", "help": "request value (repeatable)"}),
    (("--declaration",), {"help": "self-declaration TOML (organisation, products, capabilities, deviations)"}),
    (("--report-dir",), {"help": "where the self-declaration is written (default reports/)"}),
    (("--sla-seconds",), {"type": float, "help": "answer time limit per call (default 27)"}),
    (("--via-ntjp",), {"action": "store_true", "default": None, "help": "the URL is the NTjP platform, not the producer"}),
    (("--lang",), {"choices": ("sv", "en"), "help": "report language (default sv)"}),
    (("--mask-personal-ids",), {"action": "store_true", "default": None, "help": "mask personnummer/samordningsnummer in evidence"}),
    (("--pattern-anchors",), {"action": "store_true", "default": None, "help": "treat ^/$ in xs:pattern as anchors (contract defect workaround)"}),
    (("--embedded-fault",), {"metavar": "NAME", "help": "start the embedded producer with one rule broken"}),
    (("--embedded-latency",), {"type": int, "dest": "embedded_latency_ms", "metavar": "MS", "help": "delay every answer of the embedded producer (benchmarks)"}),
    (("--read-timeout",), {"type": float, "help": "seconds of silence allowed in an answer (default 30)"}),
    (("--no-verify-hostname",), {"action": "store_false", "dest": "verify_hostname", "default": None, "help": "skip the host name check (IP-only test hosts)"}),
    (("--load",), {"action": "store_true", "default": None, "help": "run the TF 6.x load profiles (also: -m load)"}),
    (("--load-scale",), {"type": float, "metavar": "F", "help": "shorten every load duration by F in (0, 1] (e.g. 0.05 for CI)"}),
    (("--load-workers",), {"type": int, "metavar": "N", "help": "Locust worker processes (with --load-master-bind: remote workers to wait for)"}),
    (("--load-master-bind",), {"metavar": "HOST:PORT", "help": "let workers on other machines join (rivta-harness load worker --master HOST:PORT)"}),
    (("--load-ui",), {"action": "store_true", "default": None, "help": "Locust's web UI on http://127.0.0.1:8089 during load runs"}),
    (("--load-profile",), {"action": "append", "dest": "load_profiles", "metavar": "NAME", "help": "only these profiles: basic, endurance, recovery"}),
    (("--no-preflight",), {"action": "store_false", "dest": "preflight", "default": None, "help": "skip the setup test (certificates, trust, reachability) before the checks"}),
    (("--rivta-config",), {"metavar": "TOML", "help": "read the options above from a TOML file (secrets only via env vars)"}),
)  # fmt: skip


def pytest_addoption(parser: pytest.Parser) -> None:
    """All options in one ``rivta`` group."""
    group = parser.getgroup("rivta", "RIVTA conformance (rivta-harness)")
    for names, kwargs in _OPTIONS:
        group.addoption(*names, **kwargs)
    parser.addini(
        "rivta_suite",
        "this folder holds conformance suites: load the run before collecting",
        type="bool",
        default=False,
    )


def pytest_configure(config: pytest.Config) -> None:
    """Register markers, and check option values for form before anything runs."""
    config.addinivalue_line("markers", "rivta_check(id): the catalogue id of the check this test performs")
    config.addinivalue_line(
        "markers",
        "rivta_contract(name, major=None): run this test only for contracts with this name (and major version)",
    )
    config.addinivalue_line("markers", "load: a TF 6.x load profile (runs with --load or -m load)")
    names = [kwargs.get("dest") or names[0].lstrip("-").replace("-", "_") for names, kwargs in _OPTIONS]
    given = {name: config.getoption(name) for name in names if name != "rivta_config"}
    if "load" in (config.getoption("markexpr", "") or "").replace("(", " ").replace(")", " ").split():
        given["load"] = given["load"] or "not load" not in config.getoption("markexpr")
    try:
        file_path = config.getoption("rivta_config")
        file_values = options_from_file(Path(file_path)) if file_path else None
        config.stash[OPTIONS_KEY] = build_options(given, file_values)
    except ConfigError as exc:
        raise pytest.UsageError(str(exc)) from None
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(_Recorder(config), "rivta-recorder")


@pytest.hookimpl(tryfirst=True)
def pytest_sessionstart(session: pytest.Session) -> None:
    """In conformance runs, load contracts, test data and declaration before collection, so a
    mistake in them stops the run with one line instead of a collection error per file."""
    config = session.config
    explicit = any(
        getattr(config.option, name, None) for name in ("producer_url", "contracts", "testdata", "declaration")
    )
    if config.getini("rivta_suite") or explicit:
        _session(config)
        if not hasattr(config, "workerinput") and config.stash[OPTIONS_KEY].preflight:
            failed = preflight(config.stash[OPTIONS_KEY])
            if failed is not None:
                raise pytest.UsageError(error_block(failed))


def pytest_collection_finish(session: pytest.Session) -> None:
    """On an xdist worker: name the collected checks for the controller (it receives node ids only)."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        planned = planned_checks(session.items)
        output[WORKER_PLANNED_KEY] = [
            [nodeid, spec.to_record(), contract] for nodeid, (spec, contract) in planned.items()
        ]


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    """What this run talks to, before anything is called."""
    session = config.stash.get(SESSION_KEY, None)
    if session is None:
        return None
    options = session.options
    producer = options.producer_url or "embedded reference producer (test PKI)"
    identity = options.pkcs12 or options.cert or ("generated test certificate" if options.embedded else "none")
    return [
        f"rivta: producer {producer}{' via NTjP' if options.via_ntjp else ''}",
        f"rivta: contracts {', '.join(c.key for c in session.contracts)}",
        f"rivta: client certificate {identity}; report to {options.report_dir}",
    ]


def _session(config: pytest.Config) -> RunSession:
    """The run's session, prepared on first need (contracts, test data and declaration loaded)."""
    if SESSION_KEY not in config.stash:
        try:
            config.stash[SESSION_KEY] = RunSession.prepare(config.stash[OPTIONS_KEY])
        except HarnessError as exc:
            raise pytest.UsageError(str(exc)) from None
        config.stash[ERRORS_KEY] = ErrorCalls()
    return config.stash[SESSION_KEY]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every ``rivta`` test once per selected contract (or the contracts its marker names)."""
    if "rivta" not in metafunc.fixturenames:
        return
    contracts = list(_session(metafunc.config).contracts)
    marker = metafunc.definition.get_closest_marker("rivta_contract")
    if marker is not None:
        major = marker.kwargs.get("major")
        contracts = [c for c in contracts if c.name in marker.args and major in (None, c.major)]
    if contracts:
        metafunc.parametrize("rivta", contracts, ids=[c.key for c in contracts], indirect=True)
    else:
        metafunc.parametrize("rivta", [None], ids=["no-selected-contract"], indirect=True)


# Generic checks whose rule covers the answer's content, so the contract's Schematron judges them too.
CONTENT_CHECKS = frozenset({"rivta.response-schema"})
# Checks that judge the calls of the whole run go last.
RUN_WIDE_CHECKS = frozenset({"rivta.sla"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Drop contract-specific suites whose contract is not part of this run; run-wide checks last."""
    kept, dropped = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("rivta", object()) is None:
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    kept.sort(key=lambda item: (spec := item_spec(item)) is not None and spec.id in RUN_WIDE_CHECKS)
    items[:] = kept


@pytest.fixture
def rivta(request: pytest.FixtureRequest, rivta_session: RunSession) -> Rivta:
    """The contract under test, the run, and recorded calls (see ``harness.suite.Rivta``)."""
    config = request.config
    spec = item_spec(request.node)
    judges_content = spec is not None and (spec.suite is Suite.TK or spec.id in CONTENT_CHECKS)
    helper = Rivta(rivta_session, request.param, config.stash[ERRORS_KEY], judges_content=judges_content)
    request.node.stash[EXCHANGES_KEY] = helper
    return helper


@pytest.fixture(scope="session")
def rivta_session(request: pytest.FixtureRequest) -> Generator[RunSession, None, None]:
    """The run's shared session; stops the embedded producer at the end."""
    session = _session(request.config)
    yield session
    session.close()


def _verdict(report: pytest.TestReport, call: pytest.CallInfo[None]) -> tuple[Verdict, str]:
    if report.passed:
        return Verdict.PASSED, ""
    excinfo = call.excinfo
    message = str(excinfo.value) if excinfo is not None else ""
    if report.skipped:
        for kind, verdict in ((NotApplicable, Verdict.NOT_APPLICABLE), (Manual, Verdict.MANUAL)):
            if excinfo is not None and excinfo.errisinstance(kind):
                return verdict, message
        if excinfo is not None and excinfo.errisinstance(NotTested):
            return Verdict.NOT_TESTED, message
        return Verdict.NOT_TESTED, f"not tested: skipped ({message})"
    if excinfo is not None and excinfo.errisinstance(HarnessError):
        return Verdict.ERROR, f"the harness could not run this check: {message}"
    if report.when == "call" and excinfo is not None and excinfo.errisinstance(AssertionError):
        return Verdict.FAILED, message
    return Verdict.ERROR, message


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, Any]:
    """Attach the verdict, the check's catalogue entry and its evidence to the report."""
    report: pytest.TestReport = yield
    helper = item.stash.get(EXCHANGES_KEY, None)
    spec = item_spec(item)
    if helper is None or spec is None or (report.when == "teardown" and report.passed):
        return report
    if report.when == "call" or not report.passed:
        verdict, message = _verdict(report, call)
        findings = call.excinfo.value.findings if call.excinfo and call.excinfo.errisinstance(CheckFailed) else []
        session = helper.session
        deviation = session.declaration.deviation_for(spec.id)
        report.rivta = {  # type: ignore[attr-defined]
            "check": spec.id,
            "spec": spec.to_record(),
            "contract": helper.contract.key,
            "verdict": verdict.value,
            "message": message,
            "findings": findings,
            "duration": report.duration,
            "nodeid": report.nodeid,
            "declared_deviation": None if deviation is None else deviation.status,
            "measurements": dict(helper.measurements),
            "exchanges": [
                exchange_record(e, mask_personal_ids=session.options.mask_personal_ids) for e in helper.exchanges
            ],
        }
        _pytest_html_extras(item, report)
        if report.failed and call.excinfo is not None and _explained(call.excinfo):
            report.longrepr = f"{spec.id} [{helper.contract.key}]: {verdict.value}: {message}"
    return report


def _explained(excinfo: pytest.ExceptionInfo[BaseException]) -> bool:
    """Findings and harness errors are shown as their message; only a bug in a check keeps its traceback."""
    return excinfo.errisinstance((CheckFailed, HarnessError, AssertionError))


def pytest_report_teststatus(report: pytest.TestReport, config: pytest.Config) -> tuple[str, str, str] | None:
    """pytest's counts in the verdict vocabulary, so its summary line agrees with the RIVTA verdicts."""
    record = getattr(report, "rivta", None)
    if record is None or (report.when != "call" and report.passed):
        return None
    letters = {"error": "E", "not tested": "t", "not applicable": "n", "manual": "m"}
    verdict = record["verdict"]
    if verdict not in letters:
        return None
    return verdict, letters[verdict], verdict.upper()


def _pytest_html_extras(item: pytest.Item, report: pytest.TestReport) -> None:
    """Exchanges as pytest-html extras, when pytest-html is writing a report."""
    if not item.config.pluginmanager.hasplugin("html") or not item.config.getoption("htmlpath", None):
        return
    from pytest_html import extras

    blocks = []
    for record in report.rivta["exchanges"]:  # type: ignore[attr-defined]
        body = record["response_body"].get("text", "(binary)")
        blocks.append(f"{record['label']}: HTTP {record['status']} in {record['timing_ms']['total']} ms\n{body[:4000]}")
    report.extras = [*getattr(report, "extras", []), *(extras.text(block, name="exchange") for block in blocks)]  # type: ignore[attr-defined]


class _Recorder:
    """On the controller: collects verdicts (also from xdist workers), closes the run, writes the report."""

    def __init__(self, config: pytest.Config) -> None:
        self.config = config
        self.started_at = datetime.now(UTC).astimezone()
        self.planned: dict[str, tuple[CheckSpec | None, str | None]] = {}
        self.results: dict[str, dict[str, Any]] = {}
        self.document: dict[str, Any] | None = None
        self.report_error: str | None = None
        self.deselected = 0
        self.left_out: list[tuple[CheckSpec, str]] = []
        self.workers_collected = self.workers_named = 0
        self.worker_checks: dict[str, tuple[CheckSpec | None, str | None]] = {}

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.planned.update(planned_checks(session.items))
        if self.planned:
            self._say_what_runs(list(self.planned.values()))

    def _say_what_runs(self, planned: list[tuple[CheckSpec, str]]) -> None:
        """Up front: per contract the suites that run and those that do not; test data nothing reads.
        Under pytest-xdist only the workers collect, so the controller says it with the verdicts instead."""
        self.plan_said = True
        run = _session(self.config)
        contracts = [c.key for c in run.contracts]
        names = {c.key: c.name for c in run.contracts}
        tk = {names[key] for spec, key in planned if spec.suite is Suite.TK and key in names}
        reporter = self.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is None:
            return
        for line in suite_plan(planned, self.left_out, contracts):
            reporter.write_line(f"rivta: {line}")
        for warning in unused_testdata(run.testdata, names.values(), tk):
            reporter.write_line(f"rivta: warning: {warning}", yellow=True)

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        """Checks left out with -k/-m make this a partial run (not suites for other contracts)."""
        for item in items:
            spec, contract = item_spec(item), _item_contract(item)
            if spec is not None and contract is not None:
                self.deselected += 1
                self.left_out.append((spec, contract))

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_node_collection_finished(self, node: object, ids: list[str]) -> None:
        """Under xdist the controller sees node ids only; until the workers say which are checks, all may be."""
        for nodeid in ids:
            self.planned.setdefault(nodeid, (None, None))
        self.workers_collected += 1

    @pytest.hookimpl(optionalhook=True)
    def pytest_testnodedown(self, node: Any, error: object) -> None:
        """A worker that finished names its checks (``planned_checks``), so other tests are never "not run" checks."""
        named = getattr(node, "workeroutput", {}).get(WORKER_PLANNED_KEY)
        if named is not None:
            self.worker_checks.update(
                {nodeid: (CheckSpec.from_record(spec), contract) for nodeid, spec, contract in named}
            )
            self.workers_named += 1

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        record = getattr(report, "rivta", None)
        if record is not None and record["nodeid"] not in self.results:
            self.results[record["nodeid"]] = record

    def _ordered_results(self, interrupted: bool) -> tuple[list[dict[str, Any]], int]:
        """Results in catalogue order; planned checks without a result become "not tested"."""
        by_function = {nodeid.split("[")[0]: spec_of(r) for nodeid, r in self.results.items()}
        results = list(self.results.values())
        unidentified = 0
        for nodeid, (planned_spec, planned_contract) in self.planned.items():
            if nodeid in self.results:
                continue
            spec = planned_spec or by_function.get(nodeid.split("[")[0])
            contract = planned_contract or (nodeid.rpartition("[")[2].rstrip("]") if "[" in nodeid else None)
            if spec is None or contract is None:
                unidentified += 1
                continue
            reason = "the run was interrupted" if interrupted else "the check did not run"
            results.append(
                {
                    "check": spec.id,
                    "spec": spec.to_record(),
                    "contract": contract,
                    "verdict": Verdict.NOT_TESTED.value,
                    "message": f"not tested: {reason}",
                    "findings": [],
                    "duration": 0.0,
                    "nodeid": nodeid,
                    "exchanges": [],
                    "measurements": {},
                }
            )
        order = {check_id: index for index, check_id in enumerate(CATALOGUE)}
        position = {nodeid: index for index, nodeid in enumerate(self.planned)}
        results.sort(
            key=lambda r: (order.get(r["check"], len(order)), position.get(r["nodeid"], len(position)), r["contract"])
        )
        return results, unidentified

    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        """Write the report; the exit status follows its headline outcome (0 only when it stands)."""
        if self.workers_collected and self.workers_named == self.workers_collected:
            self.planned = {
                nodeid: self.worker_checks[nodeid] for nodeid in self.planned if nodeid in self.worker_checks
            }
        if not self.results and not self.planned:
            return
        interrupted = exitstatus == pytest.ExitCode.INTERRUPTED
        results, unidentified = self._ordered_results(interrupted)
        results += self.config.stash.get(EXTRA_RESULTS_KEY, [])
        self.results_in_order = results
        complete = not interrupted and unidentified == 0 and set(self.planned) <= set(self.results)
        complete = complete and not self.deselected
        interruption = None
        if interrupted:
            interruption = "interrupted (Ctrl-C); checks that did not run are marked not tested"
        elif self.deselected:
            interruption = f"partial run: {self.deselected} checks were deselected (-k/-m)"
        elif not complete:
            interruption = f"{len(self.planned) - len(self.results)} planned checks did not run"
        try:
            self.document = _write_report(self.config, results, complete, interruption, self.started_at)
        except HarnessError as exc:
            self.report_error = str(exc)
            session.exitstatus = pytest.ExitCode.INTERNAL_ERROR
            return
        if exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED):
            stands = Outcome(self.document["outcome"]).passes
            session.exitstatus = pytest.ExitCode.OK if stands else pytest.ExitCode.TESTS_FAILED

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        """Verdict counts, in the vocabulary of the self-declaration, and where the report is."""
        results = getattr(self, "results_in_order", list(self.results.values()))
        if not results:
            return
        counts: dict[str, int] = {}
        for result in results:
            counts[result["verdict"]] = counts.get(result["verdict"], 0) + 1
        terminalreporter.section("RIVTA verdicts")
        if not getattr(self, "plan_said", False):
            self._say_what_runs([(spec_of(r), r["contract"]) for r in results])
        # Worded as pytest words its own summary line ("2 errors"), which counts the same categories.
        terminalreporter.write_line(
            ", ".join(
                f"{counts[v.value]} {v.value}{'s' if v is Verdict.ERROR and counts[v.value] != 1 else ''}"
                for v in Verdict
                if v.value in counts
            )
        )
        for result in results:
            level = spec_of(result).level
            where = f"{result['check']} [{result['contract']}]"
            if result["verdict"] == Verdict.FAILED and level is not Level.MANDATORY:
                terminalreporter.write_line(f"{where} ({level.value}) failed: not blocking")
            elif result["verdict"] == Verdict.NOT_TESTED:
                terminalreporter.write_line(f"{where} not tested: {result['message'].removeprefix('not tested: ')}")
        if self.report_error:
            terminalreporter.write_line(f"report not written: {self.report_error}", red=True)
        elif self.document is not None:
            report_dir = self.config.stash[OPTIONS_KEY].report_dir
            terminalreporter.write_line(
                f"self-declaration: {report_dir / 'self-declaration.html'} (outcome: {outcome_line(self.document)})"
            )
            if self.document["submission"]["test_run"]:
                reasons = ", ".join(self.document["submission"]["test_run_reasons"])
                terminalreporter.write_line(f"not valid for approval — test run ({reasons})", yellow=True)
            for part in self.document["submission"]["missing_verification_object"]:
                terminalreporter.write_line(f"the declaration lacks the verification object's {part}", yellow=True)


def _sha256(path: Path | None) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path is not None and path.is_file() else None


def _write_report(
    config: pytest.Config, results: list[dict[str, Any]], complete: bool, interruption: str | None, started_at: datetime
) -> dict[str, Any]:
    session = _session(config)
    options = session.options
    if options.embedded:
        producer = (
            f"embedded reference producer{f' (fault: {options.embedded_fault})' if options.embedded_fault else ''}"
        )
    else:
        producer = str(options.producer_url)
    facts = RunFacts(
        started_at=started_at,
        finished_at=datetime.now(UTC).astimezone(),
        complete=complete,
        interruption=interruption,
        producer=producer,
        embedded=options.embedded,
        via_ntjp=options.via_ntjp,
        logical_address=options.logical_address or REFERENCE_LOGICAL_ADDRESS,
        sla_seconds=options.sla_seconds,
        language=options.lang,
        testdata=options.testdata,
        testdata_sha256=_sha256(options.testdata),
        declaration_sha256=_sha256(options.declaration),
    )
    form = Form(observations=config.stash.get(OBSERVATIONS_KEY, []))
    return write_bundle(options.report_dir, results, session.contracts, session.declaration, facts, form=form)
