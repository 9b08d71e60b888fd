"""The harness as engagement index: judges a vendor's EI Update 1.0 calls and writes that self-declaration.

A source system that makes data findable calls ``itintegration:engagementindex`` Update as a
consumer. ``start_ei_mock`` serves Update 1.0 (and answers ProcessNotification 1.0) over mutual
TLS; each call is judged at once against the EI contract, the general and the domains'
Schematron rules and the rules between calls, and the run ends with a self-declaration for
Update 1.0 (``write_ei_report``) in the same report format as a producer's.
"""

from __future__ import annotations

from harness.ei.mock import EiMock, EiSettings
from harness.ei.questions import Question
from harness.ei.rules import RuleSet, load_rules
from harness.ei.server import RunningEiMock, start_ei_mock

__all__ = ["EiMock", "EiSettings", "Question", "RuleSet", "RunningEiMock", "load_rules", "start_ei_mock"]
