"""Inera's SoapUI TK projects, run natively: no SoapUI, no Java, no Groovy.

    load_project(path) -> Project          interfaces, suites, cases, steps in order, assertions
    CaseRunner(project, send=..., contract_for=...).run(suite, case) -> CaseResult
    inspect_paths(paths) -> (tallies, total, problems)       what would run natively

Property expansion (``expansion``), built-in assertions (``assertions``), the RIVTA support
library's calls recognised in Groovy text and executed natively (``support``), data.xml
(``data``) and the pytest collection of a project's cases (``pytest_plugin``).
"""

from harness.soapui.inspect import Tally, inspect_paths, render, tally
from harness.soapui.outcome import Outcome, Status, case_status
from harness.soapui.project import Assertion, Project, Step, TestCase, TestSuite, find_projects, load_project
from harness.soapui.run import LOAD_TEST_REASON, CaseResult, CaseRunner

__all__ = [
    "LOAD_TEST_REASON",
    "Assertion",
    "CaseResult",
    "CaseRunner",
    "Outcome",
    "Project",
    "Status",
    "Step",
    "Tally",
    "TestCase",
    "TestSuite",
    "case_status",
    "find_projects",
    "inspect_paths",
    "load_project",
    "render",
    "tally",
]
