"""ISO Schematron (``queryBinding="xslt2"``) compiled to XSLT with lxml's skeleton, run in Saxon.

Inera's rule files use abstract patterns, ``let`` and XPath 2 functions, which lxml's own
XPath 1 ``isoschematron`` cannot evaluate. lxml still ships the ISO skeleton (include,
abstract-expand, SVRL) and copies ``context``/``test`` expressions verbatim into the
stylesheet it generates, so we compile with the binding read as ``xslt`` and run the result
as an XSLT 2.0 stylesheet in SaxonC-HE (XPath 3.1), which evaluates the expressions as
written.

Saxon's processor is costly to create, so one lives for the whole process. Saxon documents
``PyXsltExecutable`` as not thread-safe (an executable keeps parameters and error state), and
checks call ``validate`` from several threads: every Saxon call therefore runs under one
lock. A transform takes well under a millisecond, so the lock costs nothing measurable.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import saxonche
from lxml import etree

from harness import xmlsafe
from harness.errors import ConfigError, HarnessError

ISO_NS = "http://purl.oclc.org/dsdl/schematron"
XSLT_NS = "http://www.w3.org/1999/XSL/Transform"
SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
_SKELETON = Path(etree.__file__).parent / "isoschematron" / "resources" / "xsl" / "iso-schematron-xslt1"
_XPATH_BINDINGS = {"", "xslt", "xslt1", "xslt2", "xslt3", "xpath", "xpath2", "xpath3", "xpath31"}

SAXON_LOCK = threading.Lock()
_saxon: saxonche.PySaxonProcessor | None = None
_steps: tuple[etree.XSLT, etree.XSLT, etree.XSLT] | None = None


def saxon() -> saxonche.PySaxonProcessor:
    """The process-wide Saxon processor (created on first use; call with SAXON_LOCK held)."""
    global _saxon  # noqa: PLW0603 - one costly native processor per process, by design
    if _saxon is None:
        _saxon = saxonche.PySaxonProcessor(license=False)
    return _saxon


def _skeleton_steps() -> tuple[etree.XSLT, etree.XSLT, etree.XSLT]:
    """The three ISO skeleton stylesheets, with file and network access denied to them."""
    global _steps  # noqa: PLW0603 - compiled once per process
    if _steps is None:
        deny = etree.XSLTAccessControl.DENY_ALL
        _steps = tuple(  # type: ignore[assignment]
            etree.XSLT(etree.parse(str(_SKELETON / name)), access_control=deny)
            for name in ("iso_dsdl_include.xsl", "iso_abstract_expand.xsl", "iso_svrl_for_xslt1.xsl")
        )
    assert _steps is not None
    return _steps


def _read_schema(content: bytes, name: str) -> etree._Element:
    try:
        root = xmlsafe.parse(content, source=name)
    except HarnessError as exc:
        raise ConfigError(str(exc)) from None
    if not isinstance(root.tag, str) or xmlsafe.namespace(root) != ISO_NS or xmlsafe.local_name(root) != "schema":
        raise ConfigError(
            f"{name}: not ISO Schematron (root element {root.tag!r})",
            hint=f"the root must be <schema xmlns='{ISO_NS}'>",
        )
    binding = (root.get("queryBinding") or "").strip().lower()
    if binding not in _XPATH_BINDINGS:
        raise ConfigError(f"{name}: queryBinding {binding!r} is not supported", hint="use xslt2 (or xslt, xpath2)")
    return root


def generate_stylesheet(content: bytes, name: str) -> str:
    """The XSLT 2.0 text that validates against ``content`` and writes SVRL."""
    root = _read_schema(content, name)
    root.set("queryBinding", "xslt")
    include, expand, compile_svrl = _skeleton_steps()
    try:
        expanded = expand(include(root))
        generated = compile_svrl(expanded)
    except etree.XSLTApplyError as exc:
        raise ConfigError(f"{name}: the ISO Schematron skeleton cannot compile it ({exc})") from None
    stylesheet = generated.getroot()
    if stylesheet is None or stylesheet.tag != f"{{{XSLT_NS}}}stylesheet":
        messages = "; ".join(" ".join(str(e.message).split()) for e in compile_svrl.error_log) or "no stylesheet"
        raise ConfigError(f"{name}: the ISO Schematron skeleton cannot compile it ({messages})")
    stylesheet.set("version", "2.0")
    _slim(stylesheet)
    return etree.tostring(stylesheet, encoding="unicode")


def _slim(stylesheet: etree._Element) -> None:
    """Keep the SVRL small: the rule context moves onto each failed assert, no fired-rule per node.

    The skeleton writes one ``svrl:fired-rule`` for every node a rule matches (every element of
    the answer, for Inera's ``//*`` non-empty rule) and indents the output; producing and
    re-reading that costs more than evaluating the rules.
    """
    for fired in stylesheet.iter(f"{{{SVRL_NS}}}fired-rule"):
        template = fired.getparent()
        context = (fired.get("context") or "").replace("{", "{{").replace("}", "}}")
        for result in template.iter(f"{{{SVRL_NS}}}failed-assert", f"{{{SVRL_NS}}}successful-report"):
            result.set("context", context)
    for fired in list(stylesheet.iter(f"{{{SVRL_NS}}}fired-rule")):
        fired.getparent().remove(fired)
    for output in stylesheet.iter(f"{{{XSLT_NS}}}output"):
        output.set("indent", "no")


def compile_stylesheet(text: str, name: str) -> saxonche.PyXsltExecutable:
    """Compile the generated stylesheet in Saxon; an XPath that does not compile names the file."""
    with SAXON_LOCK:
        processor = saxon().new_xslt30_processor()
        try:
            return processor.compile_stylesheet(stylesheet_text=text)
        except saxonche.PySaxonApiError as exc:
            detail = " ".join(str(exc).split()).replace(" of file:///", " of generated stylesheet; ")
            detail = detail.split(" of generated stylesheet;")[0]
            raise ConfigError(
                f"{name}: an expression does not compile as XPath 2 ({detail})",
                hint="fix the context/test/value expression in the Schematron file",
            ) from None


def run_all(executables: Sequence[saxonche.PyXsltExecutable], document: str, name: str) -> list[bytes]:
    """Apply several compiled rule sets to one document, parsed into Saxon once; SVRL of each."""
    with SAXON_LOCK:
        processor = saxon()
        try:
            node = processor.parse_xml(xml_text=document)
            return [executable.transform_to_string(xdm_node=node).encode("utf-8") for executable in executables]
        except saxonche.PySaxonApiError as exc:
            raise HarnessError(
                f"{name}: Schematron evaluation failed ({' '.join(str(exc).split())})",
                hint="a rule raised a dynamic XPath error; the rule file may not fit this message",
            ) from None
