"""Walk a WSDL's import graph inside the package before any library sees it.

zeep, lxml and xmlschema each report a broken import in their own way (a warning, an
"unknown type" far from the cause, or a silent fallback to the filesystem). Walking the
graph ourselves first turns every missing, remote or escaping import into one line that
names the importing file and the import, and yields the parsed trees the defect scan reads.
"""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from harness import xmlsafe
from harness.contracts.package import ContractPackage
from harness.errors import ContractError, HarnessError
from harness.namespaces import WSDL, XSD

_SCHEMA_REFERENCES = {f"{{{XSD}}}import", f"{{{XSD}}}include", f"{{{XSD}}}redefine", f"{{{XSD}}}override"}
_WSDL_IMPORT = f"{{{WSDL}}}import"


@dataclass(frozen=True, slots=True)
class Closure:
    """Everything one WSDL pulls in, in discovery order (the WSDL first)."""

    wsdl: str
    files: tuple[str, ...]
    types_imports: tuple[tuple[str, str], ...]


class ImportGraph:
    """Parses each package file once and resolves its references with package confinement."""

    def __init__(self, package: ContractPackage) -> None:
        self.package = package
        self._trees: dict[str, etree._Element] = {}

    def tree(self, path: str) -> etree._Element:
        """The parsed root of one package file (parsed on first use, then kept)."""
        key = self.package.lookup(path) or path
        found = self._trees.get(key)
        if found is None:
            data = self.package.read(key)
            try:
                found = xmlsafe.parse(data, source=self.package.relative(key), base_url=key)
            except HarnessError as exc:
                raise ContractError(exc.message, hint=exc.hint) from None
            self._trees[key] = found
        return found

    def closure(self, wsdl: str) -> Closure:
        """All files reachable from ``wsdl``; raises ContractError on the first bad reference."""
        order: list[str] = []
        seen: set[str] = set()
        pending = [self.package.lookup(wsdl) or wsdl]
        while pending:
            current = pending.pop(0)
            if current in seen:
                continue
            seen.add(current)
            order.append(current)
            pending.extend(target for _, target in self._references(current))
        return Closure(wsdl=order[0], files=tuple(order), types_imports=self._types_imports(order[0]))

    def _references(self, path: str) -> list[tuple[str, str]]:
        root = self.tree(path)
        found: list[tuple[str, str]] = []
        for element in root.iter(_WSDL_IMPORT, *_SCHEMA_REFERENCES):
            attribute = "location" if element.tag == _WSDL_IMPORT else "schemaLocation"
            location = (element.get(attribute) or "").strip()
            if not location:
                continue
            namespace = element.get("namespace", "")
            found.append((namespace, self.package.resolve(path, location)))
        return found

    def _types_imports(self, wsdl: str) -> tuple[tuple[str, str], ...]:
        """(namespace, file) pairs the WSDL's inline schemas import: what the messages may use."""
        root = self.tree(wsdl)
        pairs: list[tuple[str, str]] = []
        for schema in root.iter(f"{{{XSD}}}schema"):
            for element in schema:
                if element.tag in _SCHEMA_REFERENCES and element.get("schemaLocation"):
                    target = self.package.resolve(wsdl, element.get("schemaLocation", "").strip())
                    pairs.append((element.get("namespace", ""), target))
        for element in root.iter(_WSDL_IMPORT):
            location = (element.get("location") or "").strip()
            if location.lower().endswith(".xsd"):
                pairs.append((element.get("namespace", ""), self.package.resolve(wsdl, location)))
        return tuple(dict.fromkeys(pairs))
