"""SoapUI's built-in assertions, evaluated on one recorded exchange.

Type ids are SoapUI's own, including its historic naming: ``SOAP Fault Assertion`` asserts the
answer is *not* a SOAP Fault (SoapUI shows it as "Not SOAP Fault"), and ``Not SOAP Fault
Assertion`` asserts it *is* one. XPath Match uses XPath 3.1 (elementpath); XQuery Match uses
saxonche's XQuery when it is installed and otherwise evaluates the query as XPath 3.1 (which
covers the queries that are plain expressions). Load-test assertions (Step Status, Max Errors)
belong to load tests, which this package does not run.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from lxml import etree

from harness.errors import SoapUIError
from harness.soapui.expansion import Unexpandable
from harness.soapui.outcome import Outcome, Status
from harness.soapui.project import Assertion
from harness.soapui.support import AssertionFailure, Message, ScriptEnv, outcome_for
from harness.soapui.xpath import as_text, evaluate

if TYPE_CHECKING:
    from harness.contracts import Contract

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"
LOAD_TEST_TYPES = frozenset(
    {"Step Status", "Max Errors", "Max Errors Assertion", "Test Step Average", "Step TPS", "Step Maximum"}
)


@dataclass
class Checked:
    """What a built-in assertion sees: the exchange's message, its time, the contract, the script env."""

    message: Message
    total_ms: float | None
    contract: Contract | None
    env: ScriptEnv

    def body_child(self) -> etree._Element | None:
        """The first element in the SOAP Body (None when there is no SOAP 1.1 Body or it is empty)."""
        body = self.message.document().find(f"{{{SOAP11}}}Body")
        if body is None:
            return None
        return next((c for c in body if isinstance(c.tag, str)), None)

    def fault(self) -> etree._Element | None:
        """The SOAP 1.1 Fault element, if the answer is one."""
        child = self.body_child()
        return child if child is not None and child.tag == f"{{{SOAP11}}}Fault" else None


def _flag(assertion: Assertion, name: str) -> bool:
    return assertion.config.get(name, "false").strip().lower() == "true"


def soap_response(a: Assertion, c: Checked) -> str:
    """``SOAP Response``: the answer is a SOAP envelope with a Body."""
    root = c.message.document()
    if root.tag not in (f"{{{SOAP11}}}Envelope", f"{{{SOAP12}}}Envelope"):
        raise AssertionFailure(f"the answer is not a SOAP envelope (root {root.tag})")
    if root.find(f"{{{SOAP11}}}Body") is None and root.find(f"{{{SOAP12}}}Body") is None:
        raise AssertionFailure("the SOAP envelope has no Body")
    return "a SOAP envelope"


def not_soap_fault(a: Assertion, c: Checked) -> str:
    """``SOAP Fault Assertion`` (shown as "Not SOAP Fault"): the answer is not a SOAP Fault."""
    fault = c.fault()
    if fault is not None:
        raise AssertionFailure(f"the answer is a SOAP Fault: {fault.findtext('faultstring', '').strip()[:200]!r}")
    return "not a SOAP Fault"


def soap_fault(a: Assertion, c: Checked) -> str:
    """``Not SOAP Fault Assertion`` (shown as "SOAP Fault"): the answer is a SOAP Fault."""
    if c.fault() is None:
        raise AssertionFailure("the answer is not a SOAP Fault")
    return "a SOAP Fault"


def schema_compliance(a: Assertion, c: Checked) -> str:
    """``Schema Compliance``: the Body's element is valid against the contract the run loaded
    (a SOAP Fault is checked for the SOAP 1.1 fault structure instead)."""
    fault = c.fault()
    if fault is not None:
        missing = [name for name in ("faultcode", "faultstring") if fault.find(name) is None]
        if missing:
            raise AssertionFailure(f"the SOAP Fault lacks {', '.join(missing)}")
        return "a well-formed SOAP 1.1 Fault"
    if c.contract is None:
        raise SoapUIError("no contract loaded for this interface", hint="give --contract for the project's contract")
    child = c.body_child()
    if child is None:
        raise AssertionFailure("the SOAP Body is empty")
    findings = c.contract.schema.validate(child)
    if findings:
        raise AssertionFailure(f"not valid against {c.contract.key}: " + "; ".join(str(f) for f in findings[:5]))
    return f"valid against {c.contract.key}"


def _matches(actual: str, expected: str, wildcards: bool) -> bool:
    if wildcards and "*" in expected:
        pattern = ".*".join(re.escape(part) for part in expected.split("*"))
        return re.fullmatch(pattern, actual, re.S) is not None
    if expected.lstrip().startswith("<") and actual.lstrip().startswith("<"):
        return _canonical(actual) == _canonical(expected)
    return actual == expected


def _canonical(text: str) -> str:
    try:
        parser = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
        return etree.tostring(etree.fromstring(text.encode("utf-8"), parser), method="c14n").decode()
    except etree.XMLSyntaxError:
        return text.strip()


def _result_text(result: list[Any], expected: str) -> str:
    if not result:
        return ""
    xml = expected.lstrip().startswith("<")
    return as_text(result[0], xml=xml)


def xpath_match(a: Assertion, c: Checked) -> str:
    """``XPath Match``: the expression's first result equals the expected content (``*`` wildcards if allowed)."""
    path = c.env.scope.expand(a.config.get("path", ""))
    expected = c.env.scope.expand(a.config.get("content", ""))
    actual = _result_text(evaluate(path, c.message.document(), c.env.scope.namespaces), expected)
    if not _matches(actual.strip(), expected.strip(), _flag(a, "allowWildcards")):
        raise AssertionFailure(f"{path} gives {actual[:200]!r}, expected {expected[:200]!r}")
    return f"{path} = {expected[:80]!r}"


def xquery_match(a: Assertion, c: Checked) -> str:
    """``XQuery Match``: the query's result equals the expected content."""
    query = c.env.scope.expand(a.config.get("path", ""))
    expected = c.env.scope.expand(a.config.get("content", ""))
    actual = _xquery(query, c.message.response)
    if actual is None:
        actual = _result_text(evaluate(query, c.message.document(), c.env.scope.namespaces), expected)
    if not _matches(actual.strip(), expected.strip(), _flag(a, "allowWildcards")):
        raise AssertionFailure(f"{query[:120]} gives {actual[:200]!r}, expected {expected[:200]!r}")
    return f"query result = {expected[:80]!r}"


_SAXON: list[Any] = []


def _xquery(query: str, document: bytes) -> str | None:
    """The query's serialized result with saxonche, or None when saxonche is not installed."""
    try:
        from saxonche import PySaxonProcessor  # type: ignore[import-not-found]
    except ImportError:
        return None
    if not _SAXON:
        _SAXON.append(PySaxonProcessor(license=False))
    processor = _SAXON[0]
    xquery = processor.new_xquery_processor()
    xquery.set_property("!omit-xml-declaration", "yes")
    try:
        xquery.set_context(xdm_item=processor.parse_xml(xml_text=document.decode("utf-8")))
        result = xquery.run_query_to_string(query_text=query)
    except Exception as exc:  # saxonche raises its own PySaxonApiError; the first line says what is wrong
        raise SoapUIError(f"XQuery {query[:120]!r} cannot run: {str(exc).strip().splitlines()[-1].strip()}") from None
    return result or ""


def _contains(a: Assertion, c: Checked) -> tuple[bool, str]:
    token = c.env.scope.expand(a.config.get("token", ""))
    content = c.message.response.decode("utf-8", errors="replace")
    flags = re.S | (re.I if _flag(a, "ignoreCase") else 0)
    if _flag(a, "useRegEx"):
        try:
            return re.search(token, content, flags) is not None, token
        except re.error as exc:
            raise SoapUIError(f"regular expression {token!r} does not compile ({exc})") from None
    found = (token.lower() in content.lower()) if _flag(a, "ignoreCase") else (token in content)
    return found, token


def simple_contains(a: Assertion, c: Checked) -> str:
    """``Simple Contains``: the answer contains the token (or matches the regex)."""
    found, token = _contains(a, c)
    if not found:
        raise AssertionFailure(f"the answer does not contain {token!r}")
    return f"contains {token[:80]!r}"


def simple_not_contains(a: Assertion, c: Checked) -> str:
    """``Simple NotContains``: the answer does not contain the token (or match the regex)."""
    found, token = _contains(a, c)
    if found:
        raise AssertionFailure(f"the answer contains {token!r}")
    return f"does not contain {token[:80]!r}"


def _codes(a: Assertion) -> set[int]:
    return {int(code) for code in re.findall(r"\b(\d{3})\b", a.config.get("codes", ""))}


def valid_status(a: Assertion, c: Checked) -> str:
    """``Valid HTTP Status Codes``: the HTTP status is one of the listed codes."""
    if c.message.status not in _codes(a):
        raise AssertionFailure(f"HTTP status {c.message.status}, expected one of {sorted(_codes(a))}")
    return f"HTTP {c.message.status}"


def invalid_status(a: Assertion, c: Checked) -> str:
    """``Invalid HTTP Status Codes``: the HTTP status is none of the listed codes."""
    if c.message.status in _codes(a):
        raise AssertionFailure(f"HTTP status {c.message.status} is one of the forbidden {sorted(_codes(a))}")
    return f"HTTP {c.message.status}"


def response_sla(a: Assertion, c: Checked) -> str:
    """``Response SLA Assertion``: the answer took at most ``SLA`` milliseconds."""
    limit = float(c.env.scope.expand(a.config.get("SLA", "0")) or 0)
    if c.total_ms is None:
        raise SoapUIError("no answer time was recorded")
    if c.total_ms > limit:
        raise AssertionFailure(f"the answer took {c.total_ms:.0f} ms, over the {limit:.0f} ms SLA")
    return f"{c.total_ms:.0f} ms within {limit:.0f} ms"


BUILT_IN: dict[str, Callable[[Assertion, Checked], str]] = {
    "SOAP Response": soap_response,
    "SOAP Fault Assertion": not_soap_fault,
    "Not SOAP Fault Assertion": soap_fault,
    "Schema Compliance": schema_compliance,
    "XPath Match": xpath_match,
    "XQuery Match": xquery_match,
    "Simple Contains": simple_contains,
    "Simple NotContains": simple_not_contains,
    "Valid HTTP Status Codes": valid_status,
    "Invalid HTTP Status Codes": invalid_status,
    "Response SLA Assertion": response_sla,
}
GROOVY = "GroovyScriptAssertion"


def native(assertion: Assertion) -> bool:
    """True when the harness executes this assertion itself (a Groovy one only if its script is understood)."""
    from harness.soapui.support import analyse

    if assertion.type == GROOVY:
        return analyse(assertion.config.get("scriptText", "")).understood
    return assertion.type in BUILT_IN


def check(assertion: Assertion, where: str, checked: Checked) -> Outcome:
    """One assertion's outcome; project mistakes (bad XPath, unknown property) become an error outcome."""
    run = BUILT_IN.get(assertion.type)
    if run is None and assertion.type != GROOVY:
        return Outcome(
            Status.MANUAL, where, f"assertion type {assertion.type!r} is not executed by the harness; judge it by hand"
        )
    try:
        if run is None:
            return outcome_for(where, assertion.config.get("scriptText", ""), checked.env)
        return Outcome(Status.PASSED, where, run(assertion, checked))
    except AssertionFailure as failure:
        return Outcome(Status.FAILED, where, str(failure))
    except Unexpandable as exc:
        return Outcome(Status.NOT_TESTED, where, str(exc))
    except SoapUIError as exc:
        return Outcome(Status.ERROR, where, str(exc))
