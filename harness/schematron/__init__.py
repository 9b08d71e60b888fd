"""Inera's Schematron rule files (TK suites' ``constraints.xml``, EI Update rules) as findings.

    compile_schematron(source, name=...) -> Schematron      compiled once per process per content
    Schematron.validate(document) -> list[SchematronFinding]
    release_schematron(release, contract_name) -> bytes | None

A document may be a whole SOAP envelope or a bare payload element: Inera writes contexts such
as ``soapenv:Body/urn:GetCareDocumentationResponse//*`` because SoapUI applies the rules to the
envelope, so a bare payload is wrapped in a SOAP 1.1 envelope before validation.
"""

from __future__ import annotations

import copy
import hashlib
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from harness import xmlsafe
from harness.contracts.package import read_release_file
from harness.errors import ConfigError
from harness.namespaces import SOAP11_ENV
from harness.schematron.compiler import SVRL_NS, compile_stylesheet, generate_stylesheet, run_all

__all__ = ["Schematron", "SchematronFinding", "compile_schematron", "release_schematron", "validate_all"]

_STEP = re.compile(r"\*\[local-name\(\)='([^']*)' and namespace-uri\(\)='[^']*'\]")


@dataclass(frozen=True, slots=True)
class SchematronFinding:
    """One failed assert (or fired report): the rule's own text and where in the document."""

    pattern: str | None
    context: str
    test: str
    text: str
    location: str

    def __str__(self) -> str:
        return f"{self.text} (at {self.location})"


class Schematron:
    """One compiled rule file; ``validate`` is safe to call from several threads."""

    def __init__(self, name: str, executable: object) -> None:
        self.name = name
        self._executable = executable

    def __repr__(self) -> str:
        return f"Schematron({self.name!r})"

    def validate(self, document: etree._Element | bytes) -> list[SchematronFinding]:
        """Every failed assert and fired report, in document order of the rules."""
        return validate_all([self], document)[0]


def validate_all(schemas: Sequence[Schematron], document: etree._Element | bytes) -> list[list[SchematronFinding]]:
    """Each rule file's findings for one document, which is serialised and parsed only once.

    Several rule files apply to one message (EI Update: the general and the domains' rules).
    """
    if isinstance(document, bytes):
        document = xmlsafe.parse(document, source="document under Schematron validation")
    name = ", ".join(schema.name for schema in schemas)
    outputs = run_all([schema._executable for schema in schemas], _as_envelope(document), name)
    return [_findings(etree.fromstring(svrl, xmlsafe.parser())) for svrl in outputs]


_cache: dict[str, object] = {}
_cache_lock = threading.Lock()


def compile_schematron(source: Path | bytes, *, name: str) -> Schematron:
    """Compile a rule file once per process (keyed by the sha256 of its content).

    ``name`` is what error messages and findings call the file. Raises ConfigError (one line)
    when the file is not XML, not ISO Schematron, or an expression does not compile.
    """
    if isinstance(source, Path):
        try:
            content = source.read_bytes()
        except OSError as exc:
            raise ConfigError(f"{name}: cannot read ({exc.strerror or exc})") from None
    else:
        content = source
    digest = hashlib.sha256(content).hexdigest()
    with _cache_lock:
        executable = _cache.get(digest)
        if executable is None:
            executable = compile_stylesheet(generate_stylesheet(content, name), name)
            _cache[digest] = executable
    return Schematron(name, executable)


def release_schematron(package: Path, contract_name: str) -> bytes | None:
    """``test-suite/<Contract>/constraints.xml`` of a domain release folder or zip, or None."""
    if not package.exists():
        return None
    return read_release_file(package, f"test-suite/{contract_name}/constraints.xml")


def _as_envelope(document: etree._Element) -> str:
    if xmlsafe.namespace(document) == SOAP11_ENV and xmlsafe.local_name(document) == "Envelope":
        return etree.tostring(document, encoding="unicode")
    envelope = etree.Element(f"{{{SOAP11_ENV}}}Envelope", nsmap={"soapenv": SOAP11_ENV})
    etree.SubElement(envelope, f"{{{SOAP11_ENV}}}Body").append(copy.deepcopy(document))
    return etree.tostring(envelope, encoding="unicode")


def _findings(svrl: etree._Element) -> list[SchematronFinding]:
    findings: list[SchematronFinding] = []
    pattern: str | None = None
    for element in svrl:
        kind = xmlsafe.local_name(element) if xmlsafe.namespace(element) == SVRL_NS else ""
        if kind == "active-pattern":
            pattern = element.get("id") or element.get("name")
        elif kind in ("failed-assert", "successful-report"):
            text = element.find(f"{{{SVRL_NS}}}text")
            findings.append(
                SchematronFinding(
                    pattern=pattern,
                    context=element.get("context", ""),
                    test=element.get("test", ""),
                    text=" ".join("".join(text.itertext() if text is not None else ()).split()),
                    location=readable_location(element.get("location", "")),
                )
            )
    return findings


def readable_location(location: str) -> str:
    """``/*[local-name()='Body' and namespace-uri()='...']`` steps shortened to ``/Body``."""
    return _STEP.sub(r"\1", location)
