"""One contract's schema set, compiled once: lxml for the verdict, xmlschema for the detail.

libxml2 (through lxml) validates a 10 MB response in a fraction of a second, so it answers
"valid or not" on every call. When it says "not valid", xmlschema explains each violation
with the element path, source line and reason a vendor can act on. xmlschema also gives the
component model the sample generator walks; it is compiled lazily, once per process.
Both compilers read only from the package snapshot.
"""

from __future__ import annotations

import email.message
import io
import itertools
import re
import threading
import urllib.request
import warnings
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote, urlsplit
from urllib.response import addinfourl

import xmlschema
from lxml import etree

from harness.contracts.package import ContractPackage
from harness.errors import ContractDefect, ContractError
from harness.namespaces import XSD

MAX_FINDINGS = 50
DETAIL_LIMIT = 20_000
_QUALIFIER = re.compile(r"\{[^}]*\}|[A-Za-z_][\w.-]*:(?=[A-Za-z_])")


@dataclass(frozen=True, slots=True)
class Finding:
    """One schema violation: where it is and why it is wrong."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = f"{self.path} (line {self.line})" if self.line else self.path
        return f"{where}: {self.reason}"


def _wrapper(imports: tuple[tuple[str, str], ...], as_url: bool) -> bytes:
    """A schema that only imports the contract's schemas: the WSDL types section, standalone."""
    lines = [f'<xs:schema xmlns:xs="{XSD}">']
    for namespace, path in imports:
        location = "file://" + quote(path) if as_url else path
        ns = f' namespace="{namespace}"' if namespace else ""
        lines.append(f'  <xs:import{ns} schemaLocation="{location}"/>')
    lines.append("</xs:schema>")
    return "\n".join(lines).encode()


class _SnapshotResolver(etree.Resolver):
    """lxml resolver that serves imports from the snapshot; never lets libxml2 touch the disk."""

    def __init__(self, package: ContractPackage) -> None:
        super().__init__()
        self._package = package

    def resolve(self, system_url: str, public_id: str, context: object) -> Any:
        path = unquote(urlsplit(system_url).path if "://" in system_url else system_url)
        key = self._package.lookup(path)
        if key is None:
            return self.resolve_string(b"<unresolvable/>", context)
        return self.resolve_string(self._package.read(key), context, base_url=key)


class _SnapshotHandler(urllib.request.BaseHandler):
    """urllib handler through which xmlschema opens ``file:`` URLs, answered from the snapshot."""

    def __init__(self, package: ContractPackage) -> None:
        self._package = package

    def file_open(self, request: urllib.request.Request) -> addinfourl:
        path = unquote(urlsplit(request.full_url).path)
        key = self._package.lookup(path)
        if key is None:
            raise ContractError(f"{path}: not in contract package {self._package.origin}")
        return addinfourl(io.BytesIO(self._package.read(key)), email.message.Message(), request.full_url)


class ContractSchema:
    """The compiled schemas of one contract; ``validate`` is safe to call from many threads."""

    def __init__(self, package: ContractPackage, imports: tuple[tuple[str, str], ...], label: str) -> None:
        self._package = package
        self._imports = imports
        self._label = label
        self._lxml_lock = threading.Lock()
        self._model_lock = threading.Lock()
        self._model: xmlschema.XMLSchema | None = None
        self._lxml = self._compile_lxml()

    def _compile_lxml(self) -> etree.XMLSchema:
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        parser.resolvers.add(_SnapshotResolver(self._package))
        document = etree.fromstring(_wrapper(self._imports, as_url=False), parser, base_url=self._package.root)
        try:
            return etree.XMLSchema(document)
        except etree.XMLSchemaParseError as exc:
            entry = exc.error_log.last_error if exc.error_log else None
            where = f"{self._package.relative(entry.filename)}, line {entry.line}" if entry and entry.filename else ""
            reason = entry.message if entry else str(exc)
            raise ContractDefect(
                f"{self._label}: schema does not compile ({where + ': ' if where else ''}{reason})",
                hint="the contract is defective; report it to the contract owner",
            ) from None

    @property
    def model(self) -> xmlschema.XMLSchema:
        """The xmlschema component model (compiled on first use, then shared)."""
        with self._model_lock:
            if self._model is None:
                self._model = self._compile_model()
            return self._model

    def _compile_model(self) -> xmlschema.XMLSchema:
        opener = urllib.request.OpenerDirector()
        opener.add_handler(_SnapshotHandler(self._package))
        source = _wrapper(self._imports, as_url=True).decode()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                schema = xmlschema.XMLSchema(
                    source, base_url="file://" + quote(self._package.root), opener=opener, defuse="never"
                )
            except xmlschema.XMLSchemaException as exc:
                reason = " ".join(str(exc).split())[:300]
                raise ContractDefect(
                    f"{self._label}: schema does not compile with xmlschema ({reason})",
                    hint="the contract is defective; report it to the contract owner",
                ) from None
        problems = [str(w.message) for w in caught if issubclass(w.category, xmlschema.XMLSchemaWarning)]
        if problems:
            raise ContractDefect(f"{self._label}: {' '.join(problems[0].split())[:300]}")
        return schema

    def is_valid(self, element: etree._Element) -> bool:
        """Fast path: does ``element`` validate against its global declaration?"""
        with self._lxml_lock:
            return bool(self._lxml.validate(element))

    def validate(self, element: etree._Element) -> list[Finding]:
        """Every violation in ``element`` (empty when valid), each with path, line and reason."""
        with self._lxml_lock:
            if self._lxml.validate(element):
                return []
            fast = [
                Finding(path=_lxml_path(entry.path, element), line=entry.line or None, reason=entry.message)
                for entry in list(self._lxml.error_log)[:MAX_FINDINGS]
            ]
        if _size_hint(element) > DETAIL_LIMIT:
            return fast  # xmlschema would take seconds on a document this large
        return self._detail(element) or fast

    def _detail(self, element: etree._Element) -> list[Finding]:
        findings: list[Finding] = []
        for error in self.model.iter_errors(element):
            if len(findings) == MAX_FINDINGS:
                findings.append(Finding(path="", line=None, reason=f"more than {MAX_FINDINGS} violations; stopped"))
                break
            reason = " ".join((error.reason or error.message).split())
            if isinstance(error.obj, str):
                reason = f"{error.obj!r}: {reason}"
            findings.append(
                Finding(path=_local_path(error.path or ""), line=getattr(error, "sourceline", None), reason=reason)
            )
        return findings


def _size_hint(element: etree._Element) -> int:
    """Number of elements, counted only up to just past the detail limit."""
    return sum(1 for _ in itertools.islice(element.iter(), DETAIL_LIMIT + 1))


def _local_path(path: str) -> str:
    """``/r:A/{ns}b`` → ``/A/b``: findings speak in the local names vendors use in --set paths."""
    return _QUALIFIER.sub("", path)


def _lxml_path(path: str | None, element: etree._Element) -> str:
    if not path:
        return "/" + etree.QName(element).localname
    return re.sub(r"\*\[local-name\(\)\s*=\s*'([^']*)'\]|[\w.-]+:", lambda m: m.group(1) or "", path)
