"""Inera's XSLT 2 Schematron files, compiled once and run in saxonche (thin adapter).

Route from docs/schematron.md: lxml's ISO skeleton (include, abstract expand, SVRL) turns the
schema into a stylesheet, which saxonche runs as XSLT 2.0 so Inera's XPath 2 tests evaluate.
The stylesheet is stripped of ``svrl:fired-rule``/``active-pattern`` output: only failures
matter here, and on a 1000-engagement Update the fired-rule lines alone cost more than the
rules. Saxon's processor is created once per process and used under a lock (it is not
safe to drive from several threads at once).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import lxml
import saxonche
from lxml import etree

from harness import xmlsafe
from harness.errors import ConfigError, HarnessError

_SVRL = "http://purl.oclc.org/dsdl/svrl"
_XSL = "http://www.w3.org/1999/XSL/Transform"
_SKELETON = "isoschematron/resources/xsl/iso-schematron-xslt1"
_LOCK = threading.Lock()
_STEPS: list[etree.XSLT] = []
_PROCESSOR: list[saxonche.PySaxonProcessor] = []


@dataclass(frozen=True, slots=True)
class SchematronFinding:
    """One failed assertion (or fired report)."""

    pattern: str
    context: str
    test: str
    text: str
    location: str

    def __str__(self) -> str:
        return f"{self.text} (at {self.location})"


def _steps() -> list[etree.XSLT]:
    if not _STEPS:
        folder = Path(lxml.__file__).parent / _SKELETON  # a real path: the SVRL step imports the skeleton
        for name in ("iso_dsdl_include.xsl", "iso_abstract_expand.xsl", "iso_svrl_for_xslt1.xsl"):
            _STEPS.append(etree.XSLT(etree.parse(str(folder / name))))
    return _STEPS


def _processor() -> saxonche.PySaxonProcessor:
    if not _PROCESSOR:
        _PROCESSOR.append(saxonche.PySaxonProcessor(license=False))
    return _PROCESSOR[0]


class Schematron:
    """A compiled Schematron schema; ``validate`` returns its failed assertions."""

    def __init__(self, name: str, executable: saxonche.PyXsltExecutable) -> None:
        self.name = name
        self._executable = executable

    def validate(self, document: etree._Element | bytes) -> list[SchematronFinding]:
        """Failed assertions for ``document`` (an element or serialized XML)."""
        return validate_all([self], document)[0]


def validate_all(schemas: Sequence[Schematron], document: etree._Element | bytes) -> list[list[SchematronFinding]]:
    """Each schema's failed assertions, with the document parsed into Saxon only once."""
    data = document if isinstance(document, bytes) else etree.tostring(document)
    with _LOCK:
        node = _processor().parse_xml(xml_text=data.decode("utf-8"))
        outputs = [schema._executable.transform_to_string(xdm_node=node) for schema in schemas]
    return [_findings(output.encode("utf-8")) for output in outputs]


def _findings(svrl: bytes) -> list[SchematronFinding]:
    root = etree.fromstring(svrl)
    found = []
    pattern = ""
    for element in root.iter(f"{{{_SVRL}}}*"):
        name = xmlsafe.local_name(element)
        if name == "active-pattern":
            pattern = element.get("id") or element.get("name") or ""
        elif name in ("failed-assert", "successful-report"):
            text = " ".join("".join(element.itertext()).split())
            found.append(SchematronFinding(pattern, "", element.get("test", ""), text, element.get("location", "")))
    return found


def compile_schematron(source: Path | bytes, *, name: str) -> Schematron:
    """Compile a Schematron file (Inera's ``queryBinding="xslt2"``) for repeated use."""
    data = source if isinstance(source, bytes) else source.read_bytes()
    try:
        schema = xmlsafe.parse(data, source=name)
    except HarnessError as exc:
        raise ConfigError(f"{name}: not a usable Schematron file ({exc})") from None
    schema.set("queryBinding", "xslt")  # the skeleton copies expressions verbatim; saxon runs them as XPath 2
    include, expand, svrl = _steps()
    stylesheet = svrl(expand(include(schema)))
    top = stylesheet.getroot()
    if top is None:
        raise ConfigError(f"{name}: not a Schematron schema (the compiler produced nothing)")
    top.set("version", "2.0")
    for element in list(top.iter(f"{{{_SVRL}}}fired-rule")):
        element.getparent().remove(element)
    for element in top.iter(f"{{{_XSL}}}apply-templates"):
        if element.get("mode") == "schematron-get-full-path":
            element.set("mode", "schematron-get-full-path-2")  # /urn1:Update/urn1:engagementTransaction[3]/...
    with _LOCK:
        processor = _processor()
        compiler = processor.new_xslt30_processor()
        try:
            node = processor.parse_xml(xml_text=etree.tostring(top).decode("utf-8"))
            executable = compiler.compile_stylesheet(stylesheet_node=node)
        except saxonche.PySaxonApiError as exc:
            raise ConfigError(f"{name}: Schematron does not compile ({' '.join(str(exc).split())[:200]})") from None
    return Schematron(name, executable)
