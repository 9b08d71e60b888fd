"""Minimal schema-valid messages generated from a contract's XSD, with values set by path.

Every request the harness sends starts here: the mandatory elements of the request element,
each filled with a value its simple type accepts, plus whatever the caller sets with
``PATH=VALUE`` overrides. PATH is slash-separated local names below the message's root
(``patientId/extension``, ``datePeriod/start``, ``patientId/@root`` for an attribute); an
override may name an optional element, which is then created in schema order.

Values are chosen so that a RIVTA reader recognises them: the Skatteverket test personnummer
191212121212, test HSA-ids, YYYYMMDD dates. Every candidate is checked against its simple
type; the first one the type accepts is used.
"""

from __future__ import annotations

import difflib
import random
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import rstr
from lxml import etree
from xmlschema.validators import XsdAnyElement, XsdAttribute, XsdElement, XsdGroup

from harness.contracts.model import Contract
from harness.errors import ConfigError, ContractError
from harness.namespaces import split_clark

TEST_PERSONNUMMER = "191212129819"
PERSONNUMMER_ROOT = "1.2.752.129.2.1.3.1"
SAMORDNINGSNUMMER_ROOT = "1.2.752.129.2.1.3.3"
HSA_ID_ROOT = "1.2.752.129.2.1.4.1"
TEST_HSA_ID = "SE1234567890-HRN2"
MAX_DEPTH = 12

_PRIMITIVE_DEFAULTS = {
    "string": "example",
    "normalizedString": "example",
    "token": "example",
    "boolean": "true",
    "decimal": "1",
    "float": "1.0",
    "double": "1.0",
    "date": "2024-01-01",
    "dateTime": "2024-01-01T12:00:00",
    "time": "12:00:00",
    "anyURI": "urn:example:1",
    "base64Binary": "ZXhhbXBsZQ==",
    "hexBinary": "00",
    "duration": "P1D",
    "gYear": "2024",
    "gYearMonth": "2024-01",
    "QName": "example",
}


@dataclass(frozen=True, slots=True)
class ValuePath:
    """One settable place in a message: a path and whether it holds a value."""

    path: str
    holds_value: bool
    mandatory: bool


def parse_overrides(items: Iterable[str], *, option: str = "--set") -> dict[str, str]:
    """``["a/b=1", ...]`` → ``{"a/b": "1"}``; a malformed item is a one-line ConfigError."""
    overrides: dict[str, str] = {}
    for item in items:
        path, sep, value = item.partition("=")
        path = path.strip().strip("/")
        if not sep or not path:
            raise ConfigError(f"{option} {item!r}: expected PATH=VALUE, e.g. patientId/extension={TEST_PERSONNUMMER}")
        overrides[path] = value
    return overrides


def _about_person(name: str) -> bool:
    return any(word in name for word in ("patient", "person", "subjectofcare", "citizen", "resident"))


def _identifies_patient(path: str) -> bool:
    """``patientId/extension`` and its kin: optional in some schemas, yet every useful request has it."""
    parts = path.lower().split("/")
    return len(parts) >= 2 and _about_person(parts[-2]) and parts[-1] in ("id", "extension")


def _is_mandatory(particle: XsdElement | XsdGroup, inside_mandatory: bool) -> bool:
    return inside_mandatory and particle.min_occurs >= 1


class MessageBuilder:
    """Builds messages for one contract; reuses its compiled schema model."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self._model = contract.schema.model
        self._rstr = rstr.Rstr(random.Random(20240101))

    # -- paths -----------------------------------------------------------------------------

    def value_paths(self, element: str) -> list[ValuePath]:
        """Every path an override may name below ``element`` (depth-limited for recursive types)."""
        declaration = self._declaration(element)
        return list(self._walk_paths(declaration, "", 0, set(), inside_mandatory=True))

    def _walk_paths(
        self,
        declaration: XsdElement,
        prefix: str,
        depth: int,
        types_on_path: set[int],
        *,
        inside_mandatory: bool,
    ) -> Iterator[ValuePath]:
        xsd_type = declaration.type
        if depth > MAX_DEPTH or id(xsd_type) in types_on_path:
            return
        for attribute in self._attributes(declaration):
            yield ValuePath(f"{prefix}@{attribute.local_name}", True, inside_mandatory and attribute.use == "required")
        if xsd_type.is_simple() or xsd_type.has_simple_content() or not isinstance(xsd_type.content, XsdGroup):
            return
        for child, mandatory in self._child_elements(xsd_type.content, inside_mandatory):
            path = f"{prefix}{child.local_name}"
            child_type = child.type
            holds_value = child_type.is_simple() or child_type.has_simple_content()
            yield ValuePath(path, holds_value, mandatory)
            yield from self._walk_paths(
                child, path + "/", depth + 1, types_on_path | {id(xsd_type)}, inside_mandatory=mandatory
            )

    def _child_elements(self, group: XsdGroup, inside_mandatory: bool) -> Iterator[tuple[XsdElement, bool]]:
        group_mandatory = _is_mandatory(group, inside_mandatory) and group.model != "choice"
        for particle in group:
            if isinstance(particle, XsdGroup):
                yield from self._child_elements(particle, group_mandatory)
            elif isinstance(particle, XsdElement):
                yield particle, _is_mandatory(particle, group_mandatory)

    def check_overrides(self, element: str, overrides: Mapping[str, str]) -> None:
        """Raise ConfigError for an override path the message cannot hold, naming the nearest valid ones."""
        known = {p.path: p for p in self.value_paths(element)}
        for path in overrides:
            found = known.get(path)
            if found is None:
                nearest = difflib.get_close_matches(path, list(known), n=4, cutoff=0.4) or sorted(known)[:4]
                raise ConfigError(
                    f"unknown path {path!r} in {split_clark(element)[1]}",
                    hint=f"valid paths near it: {', '.join(nearest)}",
                )
            if not found.holds_value:
                children = [p for p in known if p.startswith(path + "/")][:3]
                raise ConfigError(
                    f"path {path!r} in {split_clark(element)[1]} is a structure, not a value",
                    hint=f"set its parts instead, e.g. {', '.join(children)}",
                )

    # -- building --------------------------------------------------------------------------

    def build(self, element: str, overrides: Mapping[str, str] | None = None) -> etree._Element:
        """A schema-valid ``element`` with the mandatory parts and every override."""
        overrides = dict(overrides or {})
        self.check_overrides(element, overrides)
        declaration = self._declaration(element)
        built = self._element(declaration, "", overrides, 0)
        namespaces = [ns for ns in dict.fromkeys(split_clark(str(node.tag))[0] for node in built.iter()) if ns]
        root = etree.Element(
            built.tag,
            built.attrib,
            nsmap={"urn" if i == 0 else f"urn{i}": ns for i, ns in enumerate(namespaces)},
        )
        root.text = built.text
        root.extend(built)
        etree.cleanup_namespaces(root)
        return root

    def _declaration(self, element: str) -> XsdElement:
        declaration = self._model.maps.elements.get(element)
        if declaration is None:
            raise ContractError(f"{self.contract.key}: the schema declares no global element {element}")
        return declaration

    def _element(self, declaration: XsdElement, path: str, overrides: dict[str, str], depth: int) -> etree._Element:
        node = etree.Element(declaration.name)
        prefix = f"{path}/" if path else ""
        for attribute in self._attributes(declaration):
            key = f"{prefix}@{attribute.local_name}"
            if key in overrides or attribute.use == "required":
                node.set(attribute.name, overrides.get(key) or self._value(attribute.type, attribute, path))
        xsd_type = declaration.type
        if xsd_type.is_simple() or xsd_type.has_simple_content():
            simple = xsd_type if xsd_type.is_simple() else xsd_type.content
            node.text = overrides[path] if path in overrides else self._value(simple, declaration, path)
            return node
        if depth > MAX_DEPTH or not isinstance(xsd_type.content, XsdGroup):
            return node
        for child in self._chosen_children(xsd_type.content, prefix, overrides):
            child_path = f"{prefix}{child.local_name}"
            for _ in range(max(child.min_occurs, 1)):
                node.append(self._element(child, child_path, overrides, depth + 1))
        return node

    def _chosen_children(self, group: XsdGroup, prefix: str, overrides: Mapping[str, str]) -> Iterator[XsdElement]:
        particles = [p for p in group if not isinstance(p, XsdAnyElement)]
        if group.model == "choice":
            wanted = [p for p in particles if self._wanted(p, prefix, overrides)]
            particles = wanted[:1] or (particles[:1] if group.min_occurs >= 1 else [])
        for particle in particles:
            if isinstance(particle, XsdGroup):
                if particle.min_occurs >= 1 or self._wanted(particle, prefix, overrides):
                    yield from self._chosen_children(particle, prefix, overrides)
            elif isinstance(particle, XsdElement) and (
                particle.min_occurs >= 1
                or self._wanted(particle, prefix, overrides)
                or _identifies_patient(f"{prefix}{particle.local_name}")
            ):
                yield particle

    def _wanted(self, particle: XsdElement | XsdGroup, prefix: str, overrides: Mapping[str, str]) -> bool:
        if isinstance(particle, XsdGroup):
            return any(self._wanted(p, prefix, overrides) for p in particle if not isinstance(p, XsdAnyElement))
        path = f"{prefix}{particle.local_name}"
        return any(key == path or key.startswith(path + "/") for key in overrides)

    @staticmethod
    def _attributes(declaration: XsdElement) -> list[XsdAttribute]:
        attributes = getattr(declaration.type, "attributes", None)
        if not attributes:
            return []
        return [a for a in attributes.values() if isinstance(a, XsdAttribute)]

    # -- values ----------------------------------------------------------------------------

    def _value(self, simple_type: object, declaration: XsdElement | XsdAttribute, path: str) -> str:
        for candidate in self._candidates(simple_type, declaration, path):
            if candidate is not None and simple_type.is_valid(str(candidate)):  # type: ignore[attr-defined]
                return str(candidate)
        raise ContractError(
            f"{self.contract.key}: cannot generate a value for {path or declaration.local_name}",
            hint=f"set it explicitly with --set {path}=VALUE",
        )

    def _candidates(
        self, simple_type: object, declaration: XsdElement | XsdAttribute, path: str
    ) -> Iterator[str | None]:
        """Values to try, cheapest and most recognisable first; regex generation only if all else fails."""
        yield getattr(declaration, "fixed", None)
        yield getattr(declaration, "default", None)
        yield from getattr(simple_type, "enumeration", None) or []
        yield from self._contextual(path)
        if getattr(simple_type, "patterns", None):
            yield from (TEST_PERSONNUMMER, TEST_HSA_ID, "20240101", "20240101120000", HSA_ID_ROOT)
        yield from self._primitive(simple_type)
        yield from self._from_patterns(simple_type)

    def _contextual(self, path: str) -> list[str]:
        """Values a RIVTA reader expects for well-known element names."""
        parts = [p.lower() for p in path.split("/") if p]
        name = parts[-1] if parts else ""
        parent = parts[-2] if len(parts) > 1 else ""
        about_person = _about_person(parent)
        if about_person and name in ("id", "extension"):
            return [TEST_PERSONNUMMER]
        if about_person and name in ("root", "type", "@root"):
            return [PERSONNUMMER_ROOT]
        if name in ("root", "@root"):
            return [HSA_ID_ROOT]
        if "hsaid" in name or name in ("logicaladdress", "extension"):
            return [TEST_HSA_ID]
        if name == "servicecontractnamespace":
            return [self.contract.responder_namespace]
        if "person" in name or "patient" in name or "resident" in name:
            return [TEST_PERSONNUMMER]
        return []

    def _from_patterns(self, simple_type: object) -> Iterator[str]:
        facets = getattr(simple_type, "patterns", None)
        for compiled in facets.patterns if facets else ():
            for _ in range(3):
                yield self._rstr.xeger(compiled.pattern)

    @staticmethod
    def _primitive(simple_type: object) -> list[str]:
        primitive = getattr(simple_type, "primitive_type", None)
        name = getattr(primitive, "local_name", "") or "string"
        base = _PRIMITIVE_DEFAULTS.get(
            name, "1" if "nteger" in name or name in ("long", "int", "short", "byte") else "x"
        )
        candidates = [base, "1", "0", "x"]
        for attr in ("min_length", "max_length"):
            size = getattr(simple_type, attr, None)
            if size:
                candidates.append("x" * size)
        bound = getattr(simple_type, "min_value", None)
        if bound is not None:
            candidates.append(str(bound))
        return candidates


def sample_payload(contract: Contract, overrides: Mapping[str, str] | None = None) -> etree._Element:
    """The contract's minimal request payload with ``overrides`` applied."""
    return MessageBuilder(contract).build(contract.operation.request_element, overrides)
