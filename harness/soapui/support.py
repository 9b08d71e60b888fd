"""Inera's SoapUI support library (``soapui-support-N.N.NN.jar``), executed natively.

Most Groovy in the TK projects only constructs the support library's helpers and calls them
with literals, data.xml values and context values. ``analyse`` reads a script as a sequence
of statements (a small lexer for strings, brackets and comments, not a Groovy interpreter) and
recognises exactly these call shapes; everything else makes the script *not understood* and
it is never passed: the caller reports it as manual with the script text as evidence.

The meaning of each method below is reconstructed from how the corpus's projects call it and
from the projects' generated ``-doc.html`` (which says what each test case verifies); each
docstring states the reconstruction. Records are the elements the project property
``RecordElementPath`` selects in the response (``//urn:careDocumentation``); record paths such
as ``/urn:careDocumentation/urn1:header/...`` are evaluated with the record as document root,
with the prefixes the project declares as ``xmlns:<prefix>`` properties.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lxml import etree

from harness.errors import SoapUIError
from harness.soapui.closure import Condition, Unsupported, compile_condition
from harness.soapui.expansion import Scope, Unexpandable
from harness.soapui.outcome import Outcome, Status
from harness.soapui.xpath import as_text, evaluate

if TYPE_CHECKING:
    from harness.testdata import SuiteData

# -- the script model ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Ref:
    """An argument read at run time: ``context.X`` (kind "context"), ``context.expand('…')`` ("expand"),
    the running case's name ("case"), a script variable ("var")."""

    kind: str
    value: str


@dataclass(frozen=True, slots=True)
class Call:
    """One recognised support-library call; ``target`` is the context/variable name it assigns."""

    method: str
    args: tuple[Any, ...] = ()
    target: str = ""


@dataclass(frozen=True, slots=True)
class Script:
    """A Groovy script as the harness understands it: ``calls`` in order, or why it is not understood."""

    text: str
    calls: tuple[Call, ...]
    not_understood: str = ""

    @property
    def understood(self) -> bool:
        """True when every statement was recognised (the script can run natively)."""
        return not self.not_understood


# -- lexer: statements, with comments removed and strings/brackets respected -----------------


_CONTINUED_END = ("&&", "||", "+", "-", "*", "=", ",", "(", "?", ":", "->")
_CONTINUED_START = (".", "&&", "||", "?", ":")


def _continues(line: str, rest: str) -> bool:
    """Groovy carries a statement over a newline after a binary operator or before ``.method``."""
    return line.rstrip().endswith(_CONTINUED_END) or rest.lstrip().startswith(_CONTINUED_START)


def statements(text: str) -> list[str]:
    """Split Groovy source into top-level statements (newline or ``;`` outside brackets and strings)."""
    out: list[str] = []
    current: list[str] = []
    depth = 0
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char in "'\"":
            triple = text[i : i + 3] in ("'''", '"""')
            quote = text[i : i + 3] if triple else char
            end = i + len(quote)
            while end < n and text[end : end + len(quote)] != quote:
                end += 2 if text[end] == "\\" else 1
            current.append(text[i : end + len(quote)])
            i = end + len(quote)
            continue
        if text.startswith("//", i):
            while i < n and text[i] != "\n":
                i += 1
            continue
        if text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = n if close < 0 else close + 2
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth = max(0, depth - 1)
        if depth == 0 and char in "\n;" and not (char == "\n" and _continues("".join(current), text[i + 1 :])):
            out.append("".join(current))
            current = []
        else:
            current.append(char)
        i += 1
    out.append("".join(current))
    return [s.strip() for s in out if s.strip()]


# -- recognition -------------------------------------------------------------------------------

_STR = r"""(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\$]|\\.)*")"""
_CA = r"(?:ca|contentAssertions)"
_INERT = [
    re.compile(p)
    for p in (
        r"import [\w.*]+( as \w+)?",
        r"import static [\w.*]+",
        r"def \w+ = new (com\.eviware\.soapui\.support\.)?GroovyUtils\( ?context ?\)",
        rf"def {_CA} = new (se\.skl\.rivta\.tksupport\.soapui\.)?ContentAssertions\( ?context, ?messageExchange(, ?log)? ?\)",
        r"def \w+ = new ContextHelper(TK)?\( ?context ?\)",
        r"def \w+ = new SchematronValidator\( ?\)",
        r"def constraintsPath = [\w.]+\.getPropertyValue\( ?" + _STR + r" ?\)",
        r"def dataFile = new File\( ?utils\.projectPath \+ " + _STR + r" ?\)",
        r"def source = new XmlDataReader\( ?context, ?dataFile ?\)",
        r"log\.(info|debug|warn|error)\s*\(?.*\)?",
        r"failures\.each \{ ?failure ?-> ?log\.\w+ ?\(.*\) ?\}",
        r"return( true)?",
        r"new ContextHelperTK\( ?context, ?messageExchange, ?log ?\)\.logTestData\(\)",
    )
]
_CA_CALL = re.compile(rf"{_CA}\.(\w+)\((.*)\)", re.S)
_CA_STORE = re.compile(rf"context\.(\w+) = {_CA}\.getContentRecords\(\)")
_LOAD = re.compile(r"source\.load\((.*)\)")
_VALIDATE = re.compile(
    r"def failures = validator\.validateMessage\( ?messageExchange\.response\.(?:responseContent|getResponseContent\(\)), ?"
    r"new File\((.*)\)\)"
)
_FAILURES = [
    re.compile(r"assert ?\(? ?failures\.isEmpty\(\) ?\)?"),
    re.compile(r"failures\.each ?\{ ?failure ?-> ?contextHelper\.fail\( ?failure\.text ?\) ?\}"),
]
_SET_PROPERTY = re.compile(
    r"(?:testRunner|context)\.testCase(\.testSuite(\.project)?)?\.setPropertyValue\( ?(" + _STR + r") ?, ?(.*?) ?\)"
)
_CONTEXT_SET = re.compile(r"context\.(\w+) = (" + _STR + r"|-?\d+|context\.\w+)")
_SLEEP = re.compile(r"(?:Thread\.)?sleep\(? ?(\d+) ?\)?")
_HOLDER = re.compile(
    r"def (\w+) = (?:new XmlHolder\( ?messageExchange\.(?:response\.)?responseContent(?:AsXml)? ?\)"
    r"|\w+\.getXmlHolder\( ?(" + _STR + r") ?\))"
)
_HOLDER_NS = re.compile(
    r"(\w+)\.(?:namespaces\[ ?(" + _STR + r") ?\] = |declareNamespace\( ?(" + _STR + r") ?, ?)(.+?)"
)
_HOLDER_VALUE = re.compile(r"def (\w+) = (\w+)(?:\.getNodeValue\( ?(" + _STR + r") ?\)|\[ ?(" + _STR + r") ?\])")
_DEF_VALUE = re.compile(r"def (\w+) ?= ?(.+)", re.S)
_ASSERT_EQUALS = re.compile(r"assert ?\(? ?(\w+) ?(==|!=) ?(.+?) ?\)?")


def _literal(text: str) -> str:
    body = text[1:-1]
    return re.sub(r"\\(.)", r"\1", body)


def _argument(text: str, names: frozenset[str] = frozenset()) -> Any:
    """One call argument, or raise ValueError when it is not a plain value or a known script variable."""
    text = text.strip()
    if text in names:
        return Ref("var", text)
    if re.fullmatch(_STR, text):
        return _literal(text)
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if match := re.fullmatch(r"context\.(\w+)", text):
        return Ref("context", match.group(1))
    if match := re.fullmatch(r"context\.expand\( ?(" + _STR + r") ?\)", text):
        return Ref("expand", _literal(match.group(1)))
    if re.fullmatch(r"testRunner\.testCase\.(name|getName\(\))", text):
        return Ref("case", "")
    if text.startswith("[") and text.endswith("]"):
        return tuple(_argument(part, names) for part in _split_args(text[1:-1]) if part.strip())
    raise ValueError(text)


def _split_args(text: str) -> list[str]:
    parts, depth, current, quote = [], 0, [], ""
    for char in text:
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _recognise(statement: str, raw: str, names: frozenset[str]) -> Call | None:
    if any(p.fullmatch(statement) for p in _INERT):
        return Call("inert")
    if match := _CA_STORE.fullmatch(statement):
        return Call("getContentRecords", target=match.group(1))
    if match := _DEF_VALUE.fullmatch(raw):
        value = match.group(2).strip()
        if value.startswith("{"):
            condition = compile_condition(value, set(names), statements)
            return Call("setVariable", (condition,), target=match.group(1))
        literal = re.fullmatch(r"(?:sprintf\( ?(" + _STR + r") ?\)|(" + _STR + r"))", value)
        if literal:
            return Call("setVariable", (_literal(literal.group(1) or literal.group(2)),), target=match.group(1))
    if match := _CA_CALL.fullmatch(raw.strip()):
        method = match.group(1)
        if method == "assertForAnyRecord":
            condition, *message = _split_args(match.group(2))
            text = condition.strip()
            compiled = Ref("var", text) if text in names else compile_condition(text, set(names), statements)
            return Call(method, (compiled, _argument(message[0], names) if message else ""))
        if method not in CONTENT_ASSERTIONS:
            return None
        args = tuple(_argument(a, names) for a in _split_args(" ".join(match.group(2).split())) if a.strip())
        return Call(method, args)
    if match := _LOAD.fullmatch(statement):
        return Call("XmlDataReader.load", (_argument(match.group(1)),))
    if match := _VALIDATE.fullmatch(statement):
        names = re.findall(_STR, match.group(1))
        file_name = _literal(names[-1]).lstrip("/\\") if names else "constraints.xml"
        return Call("SchematronValidator.validateMessage", (file_name,), target="failures")
    if any(p.fullmatch(statement) for p in _FAILURES):
        return Call("assertNoFailures")
    if match := _SET_PROPERTY.fullmatch(statement):
        level = "Project" if match.group(2) else "TestSuite" if match.group(1) else "TestCase"
        return Call("setPropertyValue", (level, _literal(match.group(3)), _argument(match.group(4))))
    if match := _CONTEXT_SET.fullmatch(statement):
        return Call("setContext", (_argument(match.group(2)),), target=match.group(1))
    if match := _SLEEP.fullmatch(statement):
        return Call("sleep", (int(match.group(1)),))
    if match := _HOLDER.fullmatch(statement):
        source = _literal(match.group(2)) if match.group(2) else ""
        return Call("XmlHolder", (source,), target=match.group(1))
    if match := _HOLDER_NS.fullmatch(statement):
        prefix = match.group(2) or match.group(3)
        uri = match.group(4)
        uri = uri[:-1].rstrip() if match.group(3) and uri.endswith(")") else uri
        return Call("XmlHolder.namespace", (match.group(1), _literal(prefix), _argument(uri)))
    if match := _HOLDER_VALUE.fullmatch(statement):
        path = match.group(3) or match.group(4)
        return Call("XmlHolder.getNodeValue", (match.group(2), _literal(path)), target=match.group(1))
    if match := _ASSERT_EQUALS.fullmatch(statement):
        expected = match.group(3)
        value = None if expected == "null" else _argument(expected, names)
        return Call("assertValue", (Ref("var", match.group(1)), match.group(2), value))
    return None


@lru_cache(maxsize=8192)
def analyse(text: str) -> Script:
    """The recognised calls of a script, or the first statement that is not understood."""
    calls: list[Call] = []
    names: set[str] = set()
    for raw in statements(text):
        statement = " ".join(raw.split())
        try:
            call = _recognise(statement, raw, frozenset(names))
        except (ValueError, Unsupported):
            call = None
        if call is None:
            return Script(text=text, calls=(), not_understood=statement)
        if call.method != "inert":
            calls.append(call)
        if call.target:
            names.add(call.target)
    return Script(text=text, calls=tuple(calls))


# -- execution ---------------------------------------------------------------------------------


@dataclass
class Message:
    """``messageExchange`` as assertion scripts see it: the step's response, headers and status."""

    response: bytes
    headers: tuple[tuple[str, str], ...] = ()
    status: int | None = None
    _document: etree._Element | None = field(default=None, repr=False)
    records: dict[str, list[etree._ElementTree]] = field(default_factory=dict, repr=False)  # by record path

    def document(self) -> etree._Element:
        """The parsed response; an answer that is not XML fails the assertion (``AssertionFailure``)."""
        if self._document is None:
            try:
                self._document = etree.fromstring(
                    self.response, etree.XMLParser(resolve_entities=False, no_network=True)
                )
            except etree.XMLSyntaxError as exc:
                raise AssertionFailure(f"the response is not XML ({exc.msg})") from None
        return self._document


class AssertionFailure(Exception):
    """A recognised call found the rule broken (the script's ``assert`` would have thrown)."""


class NotRunnable(Exception):
    """A recognised call cannot run here (e.g. no Schematron engine); the script becomes manual."""


@dataclass
class ScriptEnv:
    """What a script's calls reach: the case's scope, the step's message, data.xml, Schematron, time."""

    scope: Scope
    message: Message | None
    data: Callable[[], SuiteData]
    schematron: Callable[[Path], list[str]]
    sleep: Callable[[float], None] = time.sleep
    variables: dict[str, Any] = field(default_factory=dict)

    def value(self, argument: Any) -> Any:
        """A call argument's run-time value."""
        if isinstance(argument, tuple):
            return [self.value(a) for a in argument]
        if not isinstance(argument, Ref):
            return argument
        if argument.kind == "context":
            if argument.value not in self.scope.context:
                raise Unexpandable(
                    argument.value,
                    f"context.{argument.value} has no value",
                    hint=f"add <{argument.value}> to data.xml for this test case",
                )
            return self.scope.context[argument.value]
        if argument.kind == "expand":
            return self.scope.expand(argument.value)
        if argument.kind == "var":
            return self.variables.get(argument.value)
        return self.scope.case.name

    def records(self) -> list[etree._ElementTree]:
        """The response's records, each as its own document (see the module docstring)."""
        path = self.scope.project_properties.get("RecordElementPath", "")
        if not path:
            raise SoapUIError(
                f"project {self.scope.project.name!r} has no RecordElementPath property",
                hint="the support library needs it to find the records; add it to the project's properties",
            )
        if self.message is None:
            raise SoapUIError("ContentAssertions used outside a request step's assertion")
        if path not in self.message.records:
            found = evaluate(path, self.message.document(), self.scope.namespaces)
            self.message.records[path] = [
                etree.ElementTree(etree.fromstring(etree.tostring(e))) for e in found if isinstance(e, etree._Element)
            ]
        return self.message.records[path]

    def values(self, record: etree._ElementTree, path: str) -> list[str]:
        """Text of every node ``path`` selects in ``record`` (relative paths read from the record root)."""
        path = path if path.startswith("/") else "/" + path
        return [as_text(v).strip() for v in evaluate(path, record, self.scope.namespaces)]


# -- ContentAssertions: one function per method --------------------------------------------------


def assert_non_empty_response(env: ScriptEnv) -> str:
    """``assertNonEmptyResponse()``: the response holds at least one record.

    Used in every positive TK case (1.1.1 Personnummer, 3.x, 4.x, 5.x): "the producer returns
    records for the test data's patient".
    """
    count = len(env.records())
    if count == 0:
        raise AssertionFailure("the response holds no records")
    return f"{count} records"


def assert_exact_number_of_records(env: ScriptEnv, expected: Any) -> str:
    """``assertExactNumberOfRecords(n)``: exactly ``n`` records (0 in the "non-existing patient" and
    "empty date period" cases, the expected count in filter cases)."""
    count, wanted = len(env.records()), int(env.value(expected))
    if count != wanted:
        raise AssertionFailure(f"expected {wanted} records, the response holds {count}")
    return f"{count} records"


def assert_specific_value_in_any_record(env: ScriptEnv, path: Any, value: Any) -> str:
    """``assertSpecificValueInAnyRecord(path, value)``: at least one record has ``value`` at ``path``
    (cases 5.5-5.13: "the producer can return a record of this kind")."""
    wanted, where = str(env.value(value)), env.value(path)
    if not any(wanted in env.values(r, where) for r in env.records()):
        raise AssertionFailure(f"no record has {wanted!r} at {where}")
    return f"a record has {wanted!r} at {where}"


def assert_specific_value_in_all_records(env: ScriptEnv, path: Any, value: Any) -> str:
    """``assertSpecificValueInAllRecords(path, value)``: every record has ``value`` at ``path``
    (filter cases: "only records of the requested patient / care unit / source system"). Like
    Groovy's ``every``, no records pass; the projects pair it with ``assertNonEmptyResponse``."""
    wanted, where = str(env.value(value)), env.value(path)
    offending = [i + 1 for i, r in enumerate(env.records()) if wanted not in env.values(r, where)]
    if offending:
        raise AssertionFailure(f"records {offending[:10]} do not have {wanted!r} at {where}")
    return f"every record has {wanted!r} at {where}"


def assert_element_exists_in_any_record(env: ScriptEnv, path: Any) -> str:
    """``assertElementExistsInAnyRecord(path)``: at least one record has an element at ``path``."""
    where = env.value(path)
    if not any(env.values(r, where) for r in env.records()):
        raise AssertionFailure(f"no record has an element at {where}")
    return f"a record has {where}"


def assert_element_exists_in_all_records(env: ScriptEnv, path: Any) -> str:
    """``assertElementExistsInAllRecords(path)``: every record has an element at ``path``."""
    where = env.value(path)
    offending = [i + 1 for i, r in enumerate(env.records()) if not env.values(r, where)]
    if offending:
        raise AssertionFailure(f"records {offending[:10]} have no element at {where}")
    return f"every record has {where}"


def assert_element_excluded_in_any_record(env: ScriptEnv, path: Any) -> str:
    """``assertElementExcludedInAnyRecord(path)``: at least one record lacks the element at ``path``
    (case 5.2 "unsigned": "the producer can return an unsigned record" — no legalAuthenticator)."""
    where = env.value(path)
    if all(env.values(r, where) for r in env.records()):
        raise AssertionFailure(f"every record has an element at {where}; none without it")
    return f"a record has no {where}"


def assert_schematron_constraints(env: ScriptEnv) -> str:
    """``assertSchematronConstraints()``: the response satisfies the Schematron rules in
    ``constraints.xml`` beside the project (content rules the XML Schema cannot express)."""
    return _schematron(env, "constraints.xml")


def assert_valid_encoding(env: ScriptEnv) -> str:
    """``assertValidEncoding()``: TF 2.1 Encoding_HeaderProlog — the charset of the HTTP Content-Type,
    if given, is UTF-8 or UTF-16; so is the XML prolog's encoding, if given; if both are given they
    are the same."""
    if env.message is None:
        raise SoapUIError("assertValidEncoding used outside a request step's assertion")
    content_type = next((v for k, v in env.message.headers if k.lower() == "content-type"), "")
    header = (re.search(r"charset\s*=\s*\"?([\w-]+)", content_type, re.I) or [None, ""])[1].lower()
    prolog_match = re.match(rb"<\?xml[^>]*encoding\s*=\s*[\"']([\w-]+)", env.message.response.lstrip(b"\xef\xbb\xbf"))
    prolog = prolog_match.group(1).decode("ascii").lower() if prolog_match else ""
    for name, value in (("Content-Type charset", header), ("XML prolog encoding", prolog)):
        if value and value not in ("utf-8", "utf-16"):
            raise AssertionFailure(f"{name} is {value!r}, not UTF-8 or UTF-16")
    if header and prolog and header != prolog:
        raise AssertionFailure(f"Content-Type charset {header!r} and XML prolog encoding {prolog!r} differ")
    return f"charset {header or '(none)'}, prolog {prolog or '(none)'}"


def assert_doc_book_content_in_any_element(env: ScriptEnv, path: Any, allowed: Any) -> str:
    """``assertDocBookContentInAnyElement(path, tags)``: case 5.14 "a correctly formatted DocBook
    note" — some element at ``path`` holds DocBook markup (as child elements or as escaped text)
    that uses only the listed DocBook element names."""
    where, tags = env.value(path), set(env.value(allowed))
    for record in env.records():
        for node in evaluate(where if where.startswith("/") else "/" + where, record, env.scope.namespaces):
            names = _markup_names(node)
            if names and names <= tags:
                return f"DocBook content at {where} ({', '.join(sorted(names))})"
    raise AssertionFailure(f"no element at {where} holds DocBook content made of the allowed elements only")


def _markup_names(node: Any) -> set[str]:
    if not isinstance(node, etree._Element):
        return set()
    children = [c for c in node.iterdescendants() if isinstance(c.tag, str)]
    if not children and node.text and "<" in node.text:
        try:
            fragment = etree.fromstring(f"<r>{node.text}</r>".encode(), etree.XMLParser(resolve_entities=False))
        except etree.XMLSyntaxError:
            return set()
        children = [c for c in fragment.iterdescendants() if isinstance(c.tag, str)]
    return {etree.QName(c).localname for c in children}


def assert_base64_content_in_any_element(env: ScriptEnv, path: Any, *_: Any) -> str:
    """``assertBase64ContentInAnyElement(path, fileName, maxSize)``: case 5.16 "an embedded binary
    file" — some element at ``path`` holds valid, non-empty base64. (SoapUI also saved the file for
    a human to open; the decoded size is reported instead.)"""
    where = env.value(path)
    for record in env.records():
        for text in env.values(record, where):
            try:
                decoded = base64.b64decode("".join(text.split()), validate=True)
            except (binascii.Error, ValueError):
                continue
            if decoded:
                return f"{len(decoded)} bytes of base64 content at {where}"
    raise AssertionFailure(f"no element at {where} holds base64 content")


@dataclass(frozen=True)
class _Record:
    """One record as a closure reads it (``firstElementAt`` / ``allElementsAt``)."""

    env: ScriptEnv
    document: etree._ElementTree

    def first(self, path: str) -> str | None:
        found = self.env.values(self.document, path)
        return found[0] if found else None

    def all(self, path: str) -> list[str]:
        return self.env.values(self.document, path)


def assert_for_any_record(env: ScriptEnv, condition: Any, message: Any) -> str:
    """``assertForAnyRecord(condition, message)``: at least one record satisfies the closure (cases
    such as 5.1 "signed": "a record with signature id and time"); ``message`` is the failure text.
    The closure is compiled by ``harness.soapui.closure`` (a small, checked subset of Groovy)."""
    test: Condition = env.value(condition) if isinstance(condition, Ref) else condition
    variables = {k: v for k, v in env.variables.items() if isinstance(v, str)}
    try:
        satisfied = any(test(_Record(env, record), variables) for record in env.records())
    except (TypeError, AttributeError) as exc:  # e.g. null.size(): Groovy would throw; a human decides
        raise NotRunnable(f"the condition cannot be evaluated on this answer ({exc})") from None
    if satisfied:
        return "a record satisfies the condition"
    raise AssertionFailure(str(env.value(message)) or "no record satisfies the condition")


def get_content_records(env: ScriptEnv, target: str) -> str:
    """``context.X = ca.getContentRecords()``: keep the response's records for later steps."""
    records = env.records()
    env.scope.context[target] = records
    return f"{len(records)} records kept as context.{target}"


CONTENT_ASSERTIONS: dict[str, Callable[..., str]] = {
    "assertNonEmptyResponse": assert_non_empty_response,
    "assertExactNumberOfRecords": assert_exact_number_of_records,
    "assertSpecificValueInAnyRecord": assert_specific_value_in_any_record,
    "assertSpecificValueInAllRecords": assert_specific_value_in_all_records,
    "assertElementExistsInAnyRecord": assert_element_exists_in_any_record,
    "assertElementExistsInAllRecords": assert_element_exists_in_all_records,
    "assertElementExcludedInAnyRecord": assert_element_excluded_in_any_record,
    "assertSchematronConstraints": assert_schematron_constraints,
    "assertValidEncoding": assert_valid_encoding,
    "assertDocBookContentInAnyElement": assert_doc_book_content_in_any_element,
    "assertBase64ContentInAnyElement": assert_base64_content_in_any_element,
}


# -- the other helpers ---------------------------------------------------------------------------


def _schematron(env: ScriptEnv, file_name: str) -> str:
    """``SchematronValidator.validateMessage(response, File)`` and ``assertSchematronConstraints``:
    the rules file sits in the project folder (``constraintsPath`` is a sub-path there)."""
    folder = env.scope.project.folder
    sub = env.scope.project_properties.get("constraintsPath", "").strip("/\\")
    path = folder / sub / file_name if sub and (folder / sub / file_name).is_file() else folder / file_name
    if not path.is_file():
        raise SoapUIError(f"Schematron rules {path} not found", hint="keep constraints.xml beside the project file")
    if env.message is None:
        raise SoapUIError("Schematron validation used outside a request step's assertion")
    failures = env.schematron(path)
    env.variables["failures"] = failures
    if failures:
        raise AssertionFailure(f"{len(failures)} Schematron rules broken: " + "; ".join(failures[:5]))
    return f"the response satisfies {path.name}"


def load_data(env: ScriptEnv, name: Any) -> str:
    """``XmlDataReader.load(testCaseName)``: data.xml's global values, overridden by the case's own,
    become run-context properties (read as ``${name}`` and ``context.name``)."""
    values = env.data().case_values(str(env.value(name)))
    env.scope.context.update(values)
    return f"{len(values)} values from data.xml"


def run_script(script: Script, env: ScriptEnv) -> tuple[Status, str]:
    """Execute a recognised script; (passed, what it checked) or (failed, the first broken rule).

    Like Groovy, the first failing call ends the script. ``NotRunnable`` → manual.
    """
    done: list[str] = []
    for call in script.calls:
        try:
            note = _execute(call, env)
        except AssertionFailure as failure:
            return Status.FAILED, f"{call.method}: {failure}"
        except NotRunnable as reason:
            return Status.MANUAL, f"{call.method}: {reason}"
        if note:
            done.append(note)
    return Status.PASSED, "; ".join(done) or "the script only logs or sets up (nothing to judge)"


def _execute(call: Call, env: ScriptEnv) -> str:
    method = call.method
    if method in CONTENT_ASSERTIONS:
        return CONTENT_ASSERTIONS[method](env, *call.args)
    if method == "getContentRecords":
        return get_content_records(env, call.target)
    if method == "XmlDataReader.load":
        return load_data(env, call.args[0])
    if method == "SchematronValidator.validateMessage":
        try:
            return _schematron(env, call.args[0])
        except AssertionFailure as failure:
            env.variables["failure_text"] = str(failure)
            return ""
    if method == "assertNoFailures":
        if env.variables.get("failures"):
            raise AssertionFailure(env.variables.get("failure_text", "Schematron rules broken"))
        return ""
    if method == "setPropertyValue":
        level, name, value = call.args
        env.scope.level(level)[name] = str(env.value(value))
        return f"{level} property {name} set"
    if method == "setVariable":
        env.variables[call.target] = call.args[0]
        return ""
    if method == "assertForAnyRecord":
        return assert_for_any_record(env, *call.args)
    if method == "setContext":
        env.scope.context[call.target] = env.value(call.args[0])
        return ""
    if method == "sleep":
        env.sleep(call.args[0] / 1000)
        return f"waited {call.args[0]} ms"
    if method.startswith("XmlHolder"):
        return _holder(call, env)
    if method == "assertValue":
        return _assert_value(call, env)
    raise NotRunnable(f"no native implementation of {method}")


def _holder(call: Call, env: ScriptEnv) -> str:
    """``XmlHolder`` / ``GroovyUtils.getXmlHolder("Step#Response")``: the response as XML, its declared
    namespaces, and ``getNodeValue(xpath)`` (the first selected value, or null)."""
    if call.method == "XmlHolder":
        source = call.args[0]
        if source:
            step, _, prop = source.partition("#")
            record = env.scope.steps.get(step)
            text = "" if record is None else (record.request if prop == "Request" else record.response)
            document = etree.fromstring(text.encode("utf-8")) if text else None
        else:
            document = env.message.document() if env.message else None
        if document is None:
            raise SoapUIError(f"XmlHolder source {source or 'messageExchange'} has no XML")
        env.variables[call.target] = (document, {})
        return ""
    if call.method == "XmlHolder.namespace":
        holder, prefix, uri = call.args
        env.variables[holder][1][prefix] = str(env.value(uri))
        return ""
    holder, path = call.args
    document, namespaces = env.variables[holder]
    found = evaluate(path, document, {**env.scope.namespaces, **namespaces})
    env.variables[call.target] = as_text(found[0]) if found else None
    return ""


def _assert_value(call: Call, env: ScriptEnv) -> str:
    """``assert value == expected`` / ``!= expected`` on a value read with ``getNodeValue``."""
    variable, operator, expected = call.args
    actual = env.value(variable)
    wanted = None if expected is None else str(env.value(expected))
    holds = (actual == wanted) if operator == "==" else (actual != wanted)
    if not holds:
        raise AssertionFailure(f"{variable.value} is {actual!r}, expected {operator} {wanted!r}")
    return f"{variable.value} {operator} {wanted!r}"


def outcome_for(where: str, script_text: str, env: ScriptEnv) -> Outcome:
    """Run a script if understood; otherwise a manual outcome carrying the script as evidence."""
    script = analyse(script_text)
    if not script.understood:
        return Outcome(
            Status.MANUAL,
            where,
            f"script not executed natively (not understood: {script.not_understood[:120]!r}); review it by hand",
            evidence=script_text,
        )
    status, message = run_script(script, replace(env, variables={}))  # a script's own variables only
    return Outcome(status, where, message, evidence=script_text if status is Status.MANUAL else "")
