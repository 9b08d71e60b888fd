"""The SoapUI project format, read into plain values: interfaces, suites, cases, steps, assertions.

Only what a run needs is kept (names, order, disabled flags, properties, requests, headers,
assertion configurations, scripts); SoapUI's GUI settings, cached WSDLs and mock services are
ignored. Parsing is one lxml pass per file, so all 89 corpus projects import in well under a
second; the XML is read without network access, DTDs or entity expansion.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from harness.errors import SoapUIError

CON = "http://eviware.com/soapui/config"
_C = f"{{{CON}}}"
_HEADERS_SETTING = "com.eviware.soapui.impl.wsdl.WsdlRequest@request-headers"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, remove_blank_text=False)


@dataclass(frozen=True, slots=True)
class Assertion:
    """One assertion as configured: ``type`` is SoapUI's type id, ``config`` its configuration fields."""

    type: str
    name: str
    disabled: bool
    config: dict[str, str]

    @property
    def label(self) -> str:
        """How findings name it: ``name (type)``, or the type alone when unnamed."""
        return self.type if not self.name or self.name == self.type else f"{self.name} ({self.type})"


@dataclass(frozen=True, slots=True)
class Transfer:
    """One property transfer: value at ``source_path`` of ``source_step``'s ``source_type`` → the target."""

    name: str
    source_step: str
    source_type: str
    source_path: str
    target_step: str
    target_type: str
    target_path: str
    disabled: bool


@dataclass(frozen=True, slots=True)
class Step:
    """One test step; fields beyond ``type``/``name`` are filled for the step types that use them."""

    type: str
    name: str
    disabled: bool
    interface: str = ""
    operation: str = ""
    endpoint: str = ""
    request: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    assertions: tuple[Assertion, ...] = ()
    script: str = ""
    delay_ms: int = 0
    target_case: str = ""
    transfers: tuple[Transfer, ...] = ()
    properties: dict[str, str] = field(default_factory=dict)
    description: str = ""
    expected: str = ""


@dataclass(frozen=True, slots=True)
class TestCase:
    """One test case: steps in project order, its own properties, and load tests defined on it."""

    __test__ = False  # not a pytest class

    id: str
    name: str
    disabled: bool
    steps: tuple[Step, ...]
    properties: dict[str, str]
    load_tests: tuple[str, ...] = ()
    load_assertions: tuple[Assertion, ...] = ()


@dataclass(frozen=True, slots=True)
class TestSuite:
    """One test suite of a project."""

    __test__ = False

    name: str
    disabled: bool
    cases: tuple[TestCase, ...]
    properties: dict[str, str]


@dataclass(frozen=True, slots=True)
class Interface:
    """One WSDL binding the project calls: its operations and their SOAPAction."""

    name: str
    binding: str
    operations: dict[str, str]


@dataclass(frozen=True, slots=True)
class Project:
    """A whole SoapUI project file."""

    path: Path
    name: str
    properties: dict[str, str]
    interfaces: tuple[Interface, ...]
    suites: tuple[TestSuite, ...]

    @property
    def folder(self) -> Path:
        """Where SoapUI's ``projectPath`` points: data.xml and constraints.xml live here."""
        return self.path.parent

    def cases(self) -> list[tuple[TestSuite, TestCase]]:
        """Every (suite, case) pair in project order."""
        return [(suite, case) for suite in self.suites for case in suite.cases]

    def case_by_id(self, case_id: str) -> tuple[TestSuite, TestCase] | None:
        """The case a call-test-case step targets (by SoapUI id, or by name as a fallback)."""
        for suite, case in self.cases():
            if case_id in (case.id, case.name):
                return suite, case
        return None


def _text(element: etree._Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path)
    return "" if found is None or found.text is None else found.text


def _flag(element: etree._Element) -> bool:
    return element.get("disabled", "false") == "true"


def _properties(owner: etree._Element) -> dict[str, str]:
    table = owner.find(f"{_C}properties")
    if table is None:
        return {}
    return {_text(p, f"{_C}name"): _text(p, f"{_C}value") for p in table.findall(f"{_C}property")}


def _assertion(element: etree._Element) -> Assertion:
    config: dict[str, str] = {}
    configuration = element.find(f"{_C}configuration")
    if configuration is not None:
        for child in configuration:
            if isinstance(child.tag, str):
                config[etree.QName(child).localname] = child.text or ""
    return Assertion(type=element.get("type", ""), name=element.get("name", ""), disabled=_flag(element), config=config)


def _headers(request: etree._Element) -> tuple[tuple[str, str], ...]:
    """Request headers: SoapUI stores them as an escaped XML fragment inside a setting."""
    for setting in request.iterfind(f"{_C}settings/{_C}setting"):
        if setting.get("id") == _HEADERS_SETTING and setting.text:
            try:
                fragment = etree.fromstring(setting.text.encode("utf-8"), _PARSER)
            except etree.XMLSyntaxError:
                return ()
            return tuple((e.get("key", ""), e.get("value", "")) for e in fragment.iter(f"{_C}entry"))
    return ()


def _transfer(element: etree._Element) -> Transfer:
    return Transfer(
        name=_text(element, f"{_C}name"),
        source_step=_text(element, f"{_C}sourceStep"),
        source_type=_text(element, f"{_C}sourceType"),
        source_path=_text(element, f"{_C}sourcePath"),
        target_step=_text(element, f"{_C}targetStep"),
        target_type=_text(element, f"{_C}targetType"),
        target_path=_text(element, f"{_C}targetPath"),
        disabled=_flag(element),
    )


def _step(element: etree._Element) -> Step:
    kind = element.get("type", "")
    name = element.get("name", "")
    config = element.find(f"{_C}config")
    common = {"type": kind, "name": name, "disabled": _flag(element)}
    if kind in ("request", "restrequest", "httprequest"):
        request = None
        if config is not None and kind == "httprequest":
            request = config
        elif config is not None:
            request = config.find(f"{_C}restRequest" if kind == "restrequest" else f"{_C}request")
        return Step(
            **common,
            interface=_text(config, f"{_C}interface"),
            operation=_text(config, f"{_C}operation"),
            endpoint=_text(request, f"{_C}endpoint"),
            request=_text(request, f"{_C}request"),
            headers=() if request is None else _headers(request),
            assertions=() if request is None else tuple(_assertion(a) for a in request.findall(f"{_C}assertion")),
        )
    if kind == "groovy":
        return Step(**common, script=_text(config, "script"))
    if kind == "delay":
        delay = _text(config, "delay").strip()
        return Step(**common, delay_ms=int(delay) if delay.isdigit() else 0, script=delay)
    if kind == "calltestcase":
        return Step(**common, target_case=_text(config, f"{_C}targetTestCase"))
    if kind == "transfer":
        transfers = () if config is None else tuple(_transfer(t) for t in config.findall(f"{_C}transfers"))
        return Step(**common, transfers=transfers)
    if kind == "properties":
        return Step(**common, properties=_properties(config) if config is not None else {})
    if kind == "assertionteststep":
        found = () if config is None else tuple(_assertion(a) for a in config.iter(f"{_C}assertion"))
        return Step(**common, assertions=found)
    if kind == "manualTestStep":
        return Step(
            **common,
            description=_text(element, f"{_C}description"),
            expected=_text(config, f"{_C}expectedResult"),
        )
    return Step(**common)


def _case(element: etree._Element) -> TestCase:
    return TestCase(
        id=element.get("id", ""),
        name=element.get("name", ""),
        disabled=_flag(element),
        steps=tuple(_step(s) for s in element.findall(f"{_C}testStep")),
        properties=_properties(element),
        load_tests=tuple(lt.get("name", "") for lt in element.findall(f"{_C}loadTest")),
        load_assertions=tuple(_assertion(a) for a in element.iterfind(f"{_C}loadTest/{_C}assertion")),
    )


def _interface(element: etree._Element) -> Interface:
    operations = {op.get("name", ""): op.get("action", "") for op in element.findall(f"{_C}operation")}
    return Interface(name=element.get("name", ""), binding=element.get("bindingName", ""), operations=operations)


def load_project(path: Path) -> Project:
    """Read one SoapUI project; ``SoapUIError`` names the file when it is not a SoapUI project."""
    try:
        root = etree.parse(str(path), _PARSER).getroot()
    except OSError as exc:
        raise SoapUIError(f"SoapUI project {path}: cannot be read ({exc.strerror or exc})") from None
    except etree.XMLSyntaxError as exc:
        raise SoapUIError(
            f"SoapUI project {path}: not well-formed XML ({exc.msg})", hint="give the -soapui-project.xml file"
        ) from None
    if root.tag != f"{_C}soapui-project":
        raise SoapUIError(
            f"SoapUI project {path}: not a SoapUI project (root element {etree.QName(root).localname!r})",
            hint="give the <Contract>-soapui-project.xml file from the release's test-suite folder",
        )
    return Project(
        path=path,
        name=root.get("name", path.stem),
        properties=_properties(root),
        interfaces=tuple(_interface(i) for i in root.findall(f"{_C}interface")),
        suites=tuple(
            TestSuite(
                name=s.get("name", ""),
                disabled=_flag(s),
                cases=tuple(_case(c) for c in s.findall(f"{_C}testCase")),
                properties=_properties(s),
            )
            for s in root.findall(f"{_C}testSuite")
        ),
    )


def find_projects(paths: list[Path]) -> list[Path]:
    """SoapUI project files given directly or found under folders (``*soapui-project*.xml``), sorted."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += sorted(p for p in path.rglob("*soapui-project*.xml") if p.is_file())
        else:
            found.append(path)
    return found
