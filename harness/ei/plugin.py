"""pytest side of the EI mock: ``--ei-mock EI_RELEASE`` serves it for the whole run.

The vendor's source system calls the printed URL while the producer suite runs; when the
run ends the EI Update self-declaration is written to ``<report-dir>/ei/`` and the producer's
report gets a table of its answers with a link to it. Glue only: the mock, its rules and the
report are ``harness.ei``'s.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.ei.mock import EiSettings
from harness.ei.report import results_for_another_report, write_ei_report
from harness.ei.rules import load_rules
from harness.ei.server import RunningEiMock, start_ei_mock
from harness.errors import HarnessError
from harness.plugin import EXTRA_RESULTS_KEY, OBSERVATIONS_KEY, OPTIONS_KEY, SESSION_KEY
from harness.producer.runtime import ServerCertificates, generated_certificates
from harness.report.bundle import HTML
from harness.report.model import outcome_line

EI_KEY = pytest.StashKey[RunningEiMock]()
EI_OUTCOME_KEY = pytest.StashKey[str]()
EI_FOLDER = "ei"


def pytest_addoption(parser: pytest.Parser) -> None:
    """The EI options, in the ``rivta`` group."""
    group = parser.getgroup("rivta", "RIVTA conformance (rivta-harness)")
    group.addoption("--ei-mock", metavar="EI_RELEASE", help="serve the EI mock for this run (EI release folder)")
    group.addoption(
        "--ei-domain-rules",
        action="append",
        default=[],
        metavar="PATH",
        help="domain release or *_ei_update_constraints.xml for the EI mock (repeatable)",
    )
    group.addoption("--ei-port", type=int, default=0, help="port of the EI mock (default: a free one)")
    group.addoption("--ei-ca-bundle", metavar="PEM", help="CAs the vendor's client certificates chain to")
    group.addoption("--ei-pki-dir", default="certs/pki", help="test PKI for the EI mock (default certs/pki)")  # fmt: skip


@pytest.hookimpl(trylast=True)  # after the main plugin has read the run's options
def pytest_configure(config: pytest.Config) -> None:
    """Start the mock on the controller (never in xdist workers); bad settings stop the run in one line."""
    release = config.getoption("ei_mock", None)
    if not release or hasattr(config, "workerinput"):
        return
    options = config.stash[OPTIONS_KEY]
    try:
        rules = load_rules(Path(release), [Path(p) for p in config.getoption("ei_domain_rules")], option="--ei-mock")
        _, certificates, _ = generated_certificates(Path(config.getoption("ei_pki_dir")), "127.0.0.1")
        vendor_ca = config.getoption("ei_ca_bundle")
        if vendor_ca:
            certificates = ServerCertificates(certificates.cert, certificates.key, Path(vendor_ca))
        config.stash[EI_KEY] = start_ei_mock(
            rules,
            EiSettings(mask_personal_ids=options.mask_personal_ids),
            certificates=certificates,
            port=config.getoption("ei_port"),
        )
    except HarnessError as exc:
        raise pytest.UsageError(str(exc)) from None


def pytest_report_header(config: pytest.Config) -> list[str] | None:
    """Where the vendor's system should send its Updates."""
    running = config.stash.get(EI_KEY, None)
    return None if running is None else [f"rivta: EI mock (Update 1.0) listening on {running.url}"]


@pytest.fixture(scope="session")
def ei_mock(pytestconfig: pytest.Config) -> RunningEiMock:
    """The run's EI mock (tests can mark changes or read what it saw); skipped without --ei-mock."""
    running = pytestconfig.stash.get(EI_KEY, None)
    if running is None:
        pytest.skip("no EI mock in this run (--ei-mock)")
    return running


@pytest.hookimpl(tryfirst=True)
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop the mock, write its declaration; the producer's report gets its answers and a table linking it."""
    config = session.config
    running = config.stash.get(EI_KEY, None)
    if running is None:
        return
    running.stop()
    options = config.stash[OPTIONS_KEY]
    run = config.stash.get(SESSION_KEY, None)
    document = write_ei_report(
        running.mock,
        options.report_dir / EI_FOLDER,
        declaration=None if run is None else run.declaration,
        language=options.lang,
    )
    config.stash[EI_OUTCOME_KEY] = outcome_line(document)
    config.stash[OBSERVATIONS_KEY] = [*config.stash.get(OBSERVATIONS_KEY, []), link_table(document)]
    if run is not None:
        extra = results_for_another_report(running.mock, [contract.key for contract in run.contracts])
        config.stash[EXTRA_RESULTS_KEY] = [*config.stash.get(EXTRA_RESULTS_KEY, []), *extra]


def link_table(document: dict[str, Any]) -> dict[str, Any]:
    """The producer report's EI section: each EI Update answer, and a link to the EI declaration."""
    rows = [
        [a["tf"] or "–", a["question"]["sv"], a["answer"]] for section in document["sjd"] for a in section["answers"]
    ]
    return {
        "id": "ei-update",
        "title": {"sv": "Tester för EI Update", "en": "Tests of EI Update"},
        "columns": [{"sv": "TF", "en": "TF"}, {"sv": "Fråga", "en": "Question"}, {"sv": "Svar", "en": "Answer"}],
        "rows": rows,
        "note": f"outcome: {outcome_line(document)}",
        "link": {"href": f"{EI_FOLDER}/{HTML}",
                 "text": {"sv": "Självdeklaration EI Update 1.0", "en": "Self-declaration EI Update 1.0"}},
    }  # fmt: skip


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    """Where the EI declaration is."""
    outcome = config.stash.get(EI_OUTCOME_KEY, None)
    if outcome is not None:
        report_dir = config.stash[OPTIONS_KEY].report_dir
        terminalreporter.write_line(f"EI Update self-declaration: {report_dir / EI_FOLDER / HTML} (outcome: {outcome})")
