"""Test data for the producer under test: request values and TK-suite facts, from TOML or data.xml.

Request values start from the generated sample request; the ``[request]`` table overrides
them for every contract, ``[request.<Contract>]`` for one contract, and ``--set`` wins over
both. TK suites read their facts (which patient has notes in two care units, which consumer
is blocked, ...) from ``[tk.<Contract>]``; a missing fact makes the check "not tested" with
the key named, never passed.

Inera's TK suites ship their test data as ``data.xml`` (``<testsuite>`` with ``<globaldata>``
and one ``<testcase id="1.1.2 Samordningsnummer"><data>`` of overrides per case). Vendors
already fill that file in, so ``--testdata data.xml`` reads it unchanged into a ``SuiteData``;
the TOML form of the same content is ``[tk.<Contract>.globaldata]`` plus
``[tk.<Contract>.testcase."<case id>"]`` tables, which ``rivta-harness testdata convert`` writes.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from harness import xmlsafe
from harness.errors import ConfigError, HarnessError
from harness.tomlfile import read_toml

_SUITE_TABLES = ("globaldata", "testcase", "descriptions")
_SUITE_ID = "suite-id"
_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")
_ID_WITH_VERSION = re.compile(r"^([A-Za-z][A-Za-z0-9_]*)(?: [0-9]+(?:\.[0-9]+)*)?$")


@dataclass(frozen=True, slots=True)
class SuiteData:
    """One TK suite's data: global values and each test case's own overrides, all as text."""

    contract: str
    suite_id: str
    globaldata: dict[str, str] = field(default_factory=dict)
    cases: dict[str, dict[str, str]] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)

    def value(self, case_id: str, key: str) -> str | None:
        """The case's own value, else the global one, else None."""
        own = self.cases.get(case_id, {})
        return own[key] if key in own else self.globaldata.get(key)

    def has_case(self, case_id: str) -> bool:
        """Whether the data names this test case (supplying it is how a vendor says "run it")."""
        return case_id in self.cases

    def case_values(self, case_id: str) -> dict[str, str]:
        """Global values with the case's overrides applied."""
        return {**self.globaldata, **self.cases.get(case_id, {})}


@dataclass(frozen=True, slots=True)
class TestData:
    """Parsed test data; empty when no file is given."""

    __test__ = False

    source: Path | None = None
    request: dict[str, str] = field(default_factory=dict)
    per_contract: dict[str, dict[str, str]] = field(default_factory=dict)
    facts: dict[str, dict[str, object]] = field(default_factory=dict)
    suites: dict[str, SuiteData] = field(default_factory=dict)
    variants: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def overrides_for(self, contract_name: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        """Request values for one contract in rising priority: file-wide, per contract, ``extra``."""
        return {**self.request, **self.per_contract.get(contract_name, {}), **(extra or {})}

    def fact(self, contract_name: str, key: str) -> object | None:
        """``[tk.<Contract>] key`` (else the suite's global value), or None when the file does not say."""
        value = self.facts.get(contract_name, {}).get(key)
        if value is None and contract_name in self.suites:
            return self.suites[contract_name].globaldata.get(key)
        return value

    def suite(self, contract_name: str) -> SuiteData | None:
        """The TK suite data for one contract, from data.xml or the structured TOML tables."""
        return self.suites.get(contract_name)

    def describe_key(self, contract_name: str, key: str) -> str:
        """Where a missing fact belongs, for "not tested" messages."""
        where = str(self.source) if self.source else "a --testdata file"
        if self.source is not None and self.source.suffix.lower() == ".xml":
            return f"<globaldata> <{key}> in {where}"
        return f"[tk.{contract_name}] {key} in {where}"


def _strings(table: Mapping[str, object], where: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, dict):
            continue
        if not isinstance(value, str):
            raise ConfigError(f"{where} {key!r}: request values must be strings (quote numbers: '\"{value}\"')")
        values[key.strip("/")] = value
    return values


def load_testdata(path: Path | None) -> TestData:
    """Read a test-data TOML file or Inera's data.xml; one-line errors name the file and the key."""
    if path is None:
        return TestData()
    if path.suffix.lower() == ".xml":
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise ConfigError(f"--testdata {path}: cannot read ({exc.strerror or exc})") from None
        in_release = path.parent.parent.name.lower() == "test-suite"
        suite = read_suite_xml(content, source=str(path), folder_name=path.parent.name if in_release else None)
        return TestData(path, suites={suite.contract: suite})
    data = read_toml(path, option="--testdata")
    unknown = set(data) - {"request", "tk", "variants"}
    if unknown:
        raise ConfigError(
            f"{path}: unknown top-level key(s) {', '.join(sorted(unknown))}",
            hint="use [request], [variants] and [tk.<Contract>]",
        )
    request = data.get("request", {})
    per_contract = {
        name: _strings(table, f"{path} [request.{name}]") for name, table in request.items() if isinstance(table, dict)
    }
    tk = data.get("tk", {})
    if not all(isinstance(table, dict) for table in tk.values()):
        raise ConfigError(f"{path}: [tk] must hold one table per contract, e.g. [tk.GetClinicalNotes]")
    facts = {
        name: {k: v for k, v in table.items() if k not in (*_SUITE_TABLES, _SUITE_ID)} for name, table in tk.items()
    }
    suites = {
        name: _suite_from_toml(name, table, path)
        for name, table in tk.items()
        if any(key in table for key in (*_SUITE_TABLES, _SUITE_ID))
    }
    return TestData(path, _strings(request, f"{path} [request]"), per_contract, facts, suites, _variants(data, path))


def _variants(data: Mapping[str, object], path: Path) -> dict[str, tuple[str, ...]]:
    """``[variants] "patientId/extension" = ["...", "..."]``: distinct values for concurrent calls."""
    table = data.get("variants", {})
    variants: dict[str, tuple[str, ...]] = {}
    for key, values in table.items() if isinstance(table, dict) else ():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ConfigError(f'{path} [variants] {key!r}: expected a list of strings, e.g. ["191212129819"]')
        variants[key.strip("/")] = tuple(dict.fromkeys(values))
    return variants


# -- data.xml ------------------------------------------------------------------------------------


def read_suite_xml(content: bytes, *, source: str, folder_name: str | None = None) -> SuiteData:
    """Inera's data.xml, unchanged: comments ignored, CDATA kept verbatim.

    The contract is ``<contractName>``; older files lack it, so then the ``test-suite/<Contract>/``
    folder the file sits in (``folder_name``, given by the caller), else the first word of ``<id>``.
    """
    try:
        root = xmlsafe.parse(content, source=source)
    except HarnessError as exc:
        raise ConfigError(f"--testdata {exc}") from None
    if root.tag != "testsuite":
        raise ConfigError(
            f"--testdata {source}: no <testsuite> root element (found <{xmlsafe.local_name(root)}>)",
            hint="give a TK suite's data.xml or a TOML test-data file",
        )
    suite_id = _child_text(root, "id")
    contract = _child_text(root, "contractName") or _contract_from(folder_name, suite_id)
    if not contract:
        raise ConfigError(f"--testdata {source}: <testsuite> names no contract", hint="add <contractName>")
    globaldata = _values(root.find("globaldata"), f"{source} <globaldata>")
    cases: dict[str, dict[str, str]] = {}
    descriptions: dict[str, str] = {}
    for case in root.iter("testcase"):
        case_id = (case.get("id") or "").strip()
        if not case_id:
            raise ConfigError(f"--testdata {source}, line {case.sourceline}: <testcase> without an id")
        if case_id in cases:
            raise ConfigError(f"--testdata {source}, line {case.sourceline}: test case {case_id!r} appears twice")
        cases[case_id] = _values(case.find("data"), f'{source} <testcase id="{case_id}">')
        description = case.find("description")
        if description is not None:
            descriptions[case_id] = " ".join("".join(description.itertext()).split())
    return SuiteData(contract, suite_id or contract, globaldata, cases, descriptions)


def _child_text(element: etree._Element, name: str) -> str:
    child = element.find(name)
    return " ".join((child.text or "").split()) if child is not None else ""


def _contract_from(folder_name: str | None, suite_id: str) -> str:
    if folder_name and _BARE_KEY.match(folder_name):
        return folder_name
    named = _ID_WITH_VERSION.match(suite_id)
    return named.group(1) if named else ""


def _values(holder: etree._Element | None, where: str) -> dict[str, str]:
    values: dict[str, str] = {}
    if holder is None:
        return values
    for element in holder:
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions
        key = xmlsafe.local_name(element)
        if len(element):
            raise ConfigError(f"--testdata {where}, line {element.sourceline}: <{key}> must hold text, not elements")
        if key in values:
            raise ConfigError(f"--testdata {where}, line {element.sourceline}: <{key}> appears twice")
        values[key] = element.text or ""
    return values


# -- TOML form -----------------------------------------------------------------------------------


def _suite_from_toml(contract: str, table: Mapping[str, object], path: Path) -> SuiteData:
    where = f"{path} [tk.{contract}"
    suite_id = table.get(_SUITE_ID, contract)
    if not isinstance(suite_id, str):
        raise ConfigError(f"{where}] {_SUITE_ID}: expected a string")
    globaldata = _typed_table(table.get("globaldata", {}), f"{where}.globaldata]")
    testcases = table.get("testcase", {})
    if not isinstance(testcases, dict):
        raise ConfigError(f'{where}.testcase]: expected one table per test case, e.g. [tk.{contract}.testcase."1.3"]')
    cases = {
        case_id: _typed_table(values, f"{where}.testcase.{_toml_key(case_id)}]")
        for case_id, values in testcases.items()
    }
    descriptions = _typed_table(table.get("descriptions", {}), f"{where}.descriptions]")
    return SuiteData(contract, suite_id, globaldata, cases, descriptions)


def _typed_table(table: object, where: str) -> dict[str, str]:
    if not isinstance(table, dict):
        raise ConfigError(f"{where}: expected a table of values")
    values: dict[str, str] = {}
    for key, value in table.items():
        if isinstance(value, bool):
            values[key] = "true" if value else "false"
        elif isinstance(value, int | str):
            values[key] = str(value)
        else:
            raise ConfigError(f"{where} {key}: expected a string, integer or boolean, got {_shown(value)}")
    return values


def _shown(value: object) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def _toml_key(key: str) -> str:
    return key if _BARE_KEY.match(key) else _toml_string(key)


def _toml_string(value: str) -> str:
    """A TOML basic string; json's escapes are valid TOML except that TOML has no ``\\/``."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def suite_to_toml(suite: SuiteData) -> str:
    """The TOML form of one suite's data (what ``rivta-harness testdata convert`` prints)."""
    base = f"tk.{_toml_key(suite.contract)}"
    lines = [f"[{base}]", f"{_SUITE_ID} = {_toml_string(suite.suite_id)}", "", f"[{base}.globaldata]"]
    lines += [f"{_toml_key(key)} = {_toml_string(value)}" for key, value in suite.globaldata.items()]
    for case_id, values in suite.cases.items():
        lines += ["", f"[{base}.testcase.{_toml_key(case_id)}]"]
        lines += [f"{_toml_key(key)} = {_toml_string(value)}" for key, value in values.items()]
    if suite.descriptions:
        lines += ["", f"[{base}.descriptions]"]
        lines += [f"{_toml_key(key)} = {_toml_string(value)}" for key, value in suite.descriptions.items()]
    return "\n".join(lines) + "\n"


# -- typed validation ----------------------------------------------------------------------------

_TYPE_WORDS = {str: "a string", int: "an integer", bool: "a boolean (true or false)", float: "a number"}


@dataclass(frozen=True, slots=True)
class CaseSchema:
    """What one TK suite accepts: global keys, each case's own keys, keys allowed anywhere, with types.

    A case may also override any global key (data.xml's patientId per case), so a case key is
    known when it is in ``anywhere``, ``globaldata`` or that case's own entry in ``cases``.
    Types are ``str``, ``int``, ``bool`` or ``float``; values stay text and are checked to parse.
    """

    globaldata: Mapping[str, type] = field(default_factory=dict)
    cases: Mapping[str, Mapping[str, type]] = field(default_factory=dict)
    anywhere: Mapping[str, type] = field(default_factory=dict)

    def global_keys(self) -> dict[str, type]:
        return {**self.anywhere, **self.globaldata}

    def case_keys(self, case_id: str) -> dict[str, type]:
        return {**self.anywhere, **self.globaldata, **self.cases.get(case_id, {})}


def validate_suite_data(data: SuiteData, schema: CaseSchema, *, where: str) -> None:
    """Check every key and value before any call; ConfigError names the key and the test case.

    ``where`` names the file; the table is written in the form of that file (TOML tables, or
    data.xml's elements when ``where`` ends in ``.xml``).
    """
    xml = where.lower().endswith(".xml")
    base = f"{where} [tk.{_toml_key(data.contract)}"
    _check_values(data.globaldata, schema.global_keys(), f"{where} <globaldata>" if xml else f"{base}.globaldata]")
    for case_id, values in data.cases.items():
        place = f'{where} <testcase id="{case_id}">' if xml else f"{base}.testcase.{_toml_key(case_id)}]"
        if schema.cases and case_id not in schema.cases:
            raise ConfigError(f"{place} unknown test case{_did_you_mean(case_id, schema.cases)}")
        _check_values(values, schema.case_keys(case_id), place)


def _check_values(values: Mapping[str, str], known: Mapping[str, type], place: str) -> None:
    for key, value in values.items():
        expected = known.get(key)
        if expected is None:
            raise ConfigError(f"{place} unknown key {key!r}{_did_you_mean(key, known)}")
        if not _parses(value, expected):
            raise ConfigError(f"{place} {key}: expected {_TYPE_WORDS[expected]}, got {_toml_string(value)}")


def _parses(value: str, expected: type) -> bool:
    text = value.strip()
    if expected is bool:
        return text in ("true", "false", "1", "0")
    if expected is int:
        return re.fullmatch(r"[+-]?[0-9]+", text) is not None
    if expected is float:
        return re.fullmatch(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?", text) is not None
    return True


def _did_you_mean(name: str, known: Mapping[str, object]) -> str:
    folded = {key.casefold(): key for key in known}
    close = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.6)
    return f" (did you mean {folded[close[0]]}?)" if close else ""
