"""Requests that differ from a valid one in one controlled way, derived from the contract's XSD.

Negative variants (a mandatory element removed, a value of the wrong type) and the
forward-compatibility variant (an unknown element at the ``xs:any ##other`` extension
point). Each variant is checked against the schema before it is sent: a negative variant
that happens to validate, or an extension that breaks validity, would make the harness
blame the producer for the harness's own mistake.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from lxml import etree
from xmlschema.validators import XsdAnyElement, XsdElement, XsdGroup

from harness.contracts.model import Contract
from harness.contracts.sample import MessageBuilder

EXTENSION_NAMESPACE = "urn:riv:rivta-harness:extension:1"
_WRONG_VALUES = ("not-a-valid-value", "x" * 300, "-1", "")


@dataclass(frozen=True, slots=True)
class RequestVariant:
    """One request derived from a valid one, and what was changed."""

    name: str
    description: str
    payload: etree._Element


def _children_with_declarations(
    element: etree._Element, declaration: XsdElement
) -> Iterator[tuple[etree._Element, XsdElement]]:
    content = getattr(declaration.type, "content", None)
    if not isinstance(content, XsdGroup):
        return
    by_name = {decl.name: decl for decl in content.iter_elements() if isinstance(decl, XsdElement)}
    for child in element:
        if isinstance(child.tag, str) and child.tag in by_name:
            yield child, by_name[child.tag]


def _walk(element: etree._Element, declaration: XsdElement) -> Iterator[tuple[etree._Element, XsdElement]]:
    for child, child_declaration in _children_with_declarations(element, declaration):
        yield child, child_declaration
        yield from _walk(child, child_declaration)


def _path(element: etree._Element, root: etree._Element) -> str:
    names = []
    while element is not root:
        names.append(etree.QName(element).localname)
        element = element.getparent()
    return "/".join(reversed(names))


def invalid_variants(contract: Contract, overrides: Mapping[str, str]) -> list[RequestVariant]:
    """A request with a mandatory element removed, and one with a wrongly typed value (each proven invalid)."""
    builder = MessageBuilder(contract)
    valid = builder.build(contract.operation.request_element, overrides)
    root_declaration = contract.schema.model.maps.elements[contract.operation.request_element]
    variants = []
    for element, declaration in _walk(valid, root_declaration):
        if declaration.min_occurs >= 1:
            candidate = copy.deepcopy(valid)
            target = candidate.find(_relative_xpath(element, valid))
            target.getparent().remove(target)
            if contract.schema.validate(candidate):
                description = f"mandatory element {_path(element, valid)} removed"
                variants.append(RequestVariant("missing-mandatory", description, candidate))
                break
    wrong_type = _wrong_type_in(contract, valid, root_declaration) or _wrong_type_added(contract, builder, overrides)
    if wrong_type is not None:
        variants.append(wrong_type)
    return variants


def _wrong_type_in(contract: Contract, valid: etree._Element, root_declaration: XsdElement) -> RequestVariant | None:
    """Break a typed value the valid request already carries."""
    for element, declaration in _walk(valid, root_declaration):
        simple = declaration.type if declaration.type.is_simple() else None
        wrong = next((v for v in _WRONG_VALUES if simple is not None and not simple.is_valid(v)), None)
        if wrong is None:
            continue
        candidate = copy.deepcopy(valid)
        candidate.find(_relative_xpath(element, valid)).text = wrong
        if contract.schema.validate(candidate):
            description = f"{_path(element, valid)} set to {wrong[:20]!r}, which its type forbids"
            return RequestVariant("wrong-type", description, candidate)
    return None


def _wrong_type_added(
    contract: Contract, builder: MessageBuilder, overrides: Mapping[str, str]
) -> RequestVariant | None:
    """Add an optional typed element with a value its type forbids (when the minimal request has none)."""
    element = contract.operation.request_element
    for value_path in builder.value_paths(element):
        if not value_path.holds_value or value_path.path in overrides or "@" in value_path.path:
            continue
        for wrong in _WRONG_VALUES[:1]:
            candidate = builder.build(element, {**overrides, value_path.path: wrong})
            if any(f.path.endswith("/" + value_path.path) for f in contract.schema.validate(candidate)):
                description = f"{value_path.path} set to {wrong!r}, which its type forbids"
                return RequestVariant("wrong-type", description, candidate)
    return None


def _relative_xpath(element: etree._Element, root: etree._Element) -> str:
    steps = []
    while element is not root:
        parent = element.getparent()
        same = [c for c in parent if c.tag == element.tag]
        steps.append(
            f"{{{etree.QName(element).namespace or ''}}}{etree.QName(element).localname}[{same.index(element) + 1}]"
        )
        element = parent
    return "./" + "/".join(reversed(steps))


def with_extension(contract: Contract, valid: etree._Element) -> RequestVariant | None:
    """The valid request with an unknown foreign element at the root's ##other wildcard, if it has one."""
    model = contract.schema.model
    content = getattr(model.maps.elements[contract.operation.request_element].type, "content", None)
    if not isinstance(content, XsdGroup):
        return None
    wildcards = [p for p in content.iter_model() if isinstance(p, XsdAnyElement)]
    if not wildcards or not wildcards[-1].is_matching(f"{{{EXTENSION_NAMESPACE}}}futureElement"):
        return None
    candidate = copy.deepcopy(valid)
    etree.SubElement(candidate, f"{{{EXTENSION_NAMESPACE}}}futureElement").text = "added in a later minor version"
    if contract.schema.validate(candidate):
        return None
    return RequestVariant(
        "extension", f"unknown element {{{EXTENSION_NAMESPACE}}}futureElement at the extension point", candidate
    )
