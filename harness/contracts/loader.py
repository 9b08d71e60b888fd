"""Contract package → contract models, cached per process by package content.

The cache key is the package root and the sha256 of every file in it (plus loading options), so a second
load of the same package is a hash and a dictionary lookup, and an edited file is never
served stale.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path

from lxml import etree

from harness.contracts import defects
from harness.contracts.imports import Closure, ImportGraph
from harness.contracts.model import Contract, Operation, Profile
from harness.contracts.package import ContractPackage, open_package
from harness.contracts.schema import ContractSchema
from harness.contracts.wsdl import BoundOperation, read_operations
from harness.errors import ContractDefect, ContractError
from harness.namespaces import LOGICAL_ADDRESS, WSA_TO, WSDL, XSD, split_clark

_WSDL_NAMESPACE = re.compile(r"^urn:riv:(?P<domain>.+):(?P<name>[^:]+):(?P<major>\d+):(?P<profile>rivtabp2[01])$", re.I)
_FILE_VERSION = re.compile(r"_(?P<major>\d+)\.(?P<minor>\d+)_rivtabp2[01]\.wsdl$", re.I)
_RESPONDER_NAMESPACE = re.compile(r"^urn:riv:(?P<domain>.+):(?P<name>[^:]+?)(Responder|Initiator):(?P<major>\d+)$")

_cache: dict[tuple[str, str, bool], tuple[Contract, ...]] = {}
_cache_lock = threading.Lock()


@dataclass(frozen=True, slots=True)
class LoadedPackage:
    """Contracts that loaded, and a one-line problem for each interaction that did not."""

    contracts: tuple[Contract, ...]
    problems: tuple[ContractError, ...]


def load_contracts(path: Path, *, pattern_anchors: bool = False) -> tuple[Contract, ...]:
    """Every contract in a package; raise the first problem if any interaction is unusable."""
    loaded = load_package(path, pattern_anchors=pattern_anchors)
    if loaded.problems:
        raise loaded.problems[0]
    return loaded.contracts


def load_package(path: Path, *, pattern_anchors: bool = False) -> LoadedPackage:
    """Every usable contract in a package plus the problems of the unusable ones (cached)."""
    package = open_package(path)
    key = (package.root, package.digest(), pattern_anchors)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return LoadedPackage(cached, ())
    contracts: list[Contract] = []
    problems: list[ContractError] = []
    graph = ImportGraph(package)
    compiled_from = _anchor_fixed(package, graph) if pattern_anchors else package
    fixed_package: ContractPackage | None = None
    for wsdl in package.wsdls:
        try:
            contract = _load_one(package, compiled_from, graph, wsdl, pattern_anchors)
            if not pattern_anchors and any(w.code == "pattern-anchors" for w in contract.warnings):
                # Compiled a second time with the defect read as anchors, to tell its findings apart.
                fixed_package = fixed_package or _anchor_fixed(package, graph)
                fixed = ContractSchema(fixed_package, graph.closure(wsdl).types_imports, contract.key)
                contract = replace(contract, anchor_fixed_schema=fixed)
            contracts.append(contract)
        except ContractError as exc:
            problems.append(exc)
    result = tuple(contracts)
    if not problems:
        with _cache_lock:
            _cache[key] = result
    return LoadedPackage(result, tuple(problems))


def _anchor_fixed(package: ContractPackage, graph: ImportGraph) -> ContractPackage:
    """A copy of the snapshot whose anchored patterns are rewritten (original bytes stay hashed)."""
    files = {path: package.read(path) for path in package.paths()}
    for path, data in files.items():
        if path.lower().endswith(".xsd"):
            files[path] = defects.rewrite_anchored_patterns(data)
    return ContractPackage(package.origin, package.root, files, list(package.wsdls))


def _load_one(
    package: ContractPackage,
    compiled_from: ContractPackage,
    graph: ImportGraph,
    wsdl: str,
    pattern_anchors: bool,
) -> Contract:
    closure = graph.closure(wsdl)
    root = graph.tree(wsdl)
    shown = package.relative(wsdl)
    _refuse_inline_definitions(shown, root)
    # Compile before zeep reads the WSDL: a broken schema is a contract defect, said as such.
    schema = ContractSchema(compiled_from, closure.types_imports, shown)
    _check_message_parts(shown, root, graph, closure)
    operations = read_operations(package, wsdl)
    first = operations[0]
    target_namespace = root.get("targetNamespace", "")
    responder_namespace = split_clark(first.request_element)[0]
    name, domain, major = _identity(shown, root.get("name", ""), target_namespace, responder_namespace)
    minor = _minor_version(wsdl, closure, graph, responder_namespace)
    profile, warnings = _profile(shown, first, target_namespace)
    warnings += _warnings(package, graph, closure, pattern_anchors)
    warnings += _rule_warnings(shown, operations, wsdl, major)
    return Contract(
        name=name,
        domain=domain,
        major=major,
        minor=minor,
        profile=profile,
        wsdl_namespace=target_namespace,
        responder_namespace=responder_namespace,
        operations=tuple(
            Operation(op.name, op.soap_action, op.request_element, op.response_element) for op in operations
        ),
        header_element=profile.header_element,
        wsdl=package.source_file(wsdl),
        files=tuple(package.source_file(path) for path in closure.files),
        schema=schema,
        warnings=tuple(warnings),
        package=package.origin,
        pattern_anchors=pattern_anchors,
    )


def _check_message_parts(shown: str, root: etree._Element, graph: ImportGraph, closure: Closure) -> None:
    """Every wsdl:part names an element the contract's XSDs declare, or the contract is defective."""
    declared = set()
    for path in closure.files:
        if path.lower().endswith(".xsd"):
            schema = graph.tree(path)
            namespace = schema.get("targetNamespace", "")
            declared.update(f"{{{namespace}}}{e.get('name')}" for e in schema.iterchildren(f"{{{XSD}}}element"))
    for message in root.iterchildren(f"{{{WSDL}}}message"):
        for part in message.iterchildren(f"{{{WSDL}}}part"):
            reference = part.get("element")
            if not reference:
                continue
            prefix, _, local = reference.rpartition(":")
            element = f"{{{part.nsmap.get(prefix or None, '')}}}{local}"
            if element not in declared:
                raise ContractDefect(
                    f"{shown}, line {part.sourceline}: wsdl:part {part.get('name')!r} of message "
                    f"{message.get('name')!r} names element {reference} ({element}), which the contract's XSDs "
                    "do not define",
                    hint="the contract is defective; report it to the contract owner",
                )


def _refuse_inline_definitions(shown: str, root: object) -> None:
    for schema in root.iter(f"{{{XSD}}}schema"):  # type: ignore[attr-defined]
        for child in schema:
            local = split_clark(str(child.tag))[1] if isinstance(child.tag, str) else "annotation"
            if local not in ("import", "annotation"):
                raise ContractError(
                    f"{shown}: wsdl:types defines xs:{local} inline",
                    hint="RIVTA contracts keep types in the Responder .xsd; move the definition there",
                )


def _identity(shown: str, definitions_name: str, target_namespace: str, responder_ns: str) -> tuple[str, str, int]:
    """(name, domain, major) from the WSDL namespace, falling back to the responder namespace."""
    match = _WSDL_NAMESPACE.match(target_namespace)
    if match:
        return match["name"], match["domain"], int(match["major"])
    match = _RESPONDER_NAMESPACE.match(responder_ns)
    if match:
        return match["name"], match["domain"], int(match["major"])
    name = definitions_name.removesuffix("Interaction")
    if not name:
        raise ContractError(
            f"{shown}: cannot tell the contract name and major version",
            hint="the WSDL targetNamespace should be urn:riv:<domain>:<Contract>:<major>:rivtabp21",
        )
    return name, "", 1


def _minor_version(wsdl: str, closure: Closure, graph: ImportGraph, responder_namespace: str) -> int:
    """Minor version from the WSDL file name, else from the responder schema's version attribute."""
    match = _FILE_VERSION.search(wsdl)
    if match:
        return int(match["minor"])
    for path in closure.files:
        root = graph.tree(path)
        if root.get("targetNamespace") == responder_namespace:
            version = root.get("version", "")
            if re.fullmatch(r"\d+\.\d+", version):
                return int(version.split(".")[1])
    return 0


def _profile(
    shown: str, operation: BoundOperation, target_namespace: str
) -> tuple[Profile, list[defects.ContractWarning]]:
    headers = operation.header_elements
    if LOGICAL_ADDRESS in headers:
        return Profile.BP21, []
    if WSA_TO in headers:
        return Profile.BP20, []
    fallback = Profile.BP20 if target_namespace.lower().endswith(":rivtabp20") else Profile.BP21
    warning = defects.ContractWarning(
        code="no-routing-header",
        file=shown,
        line=None,
        message=(
            "the request message binds neither riv:LogicalAddress nor wsa:To as soap:header; "
            f"assuming {fallback.label} from the namespace"
        ),
    )
    return fallback, [warning]


def _warnings(
    package: ContractPackage, graph: ImportGraph, closure: Closure, pattern_anchors: bool
) -> list[defects.ContractWarning]:
    found: list[defects.ContractWarning] = []
    for path in closure.files:
        if path.lower().endswith(".xsd"):
            found += defects.anchor_warnings(
                package.relative(path), graph.tree(path), treated_as_anchors=pattern_anchors
            )
    in_closure = set(closure.files)
    for asked, actual in package.case_mismatches:
        if actual in in_closure:
            found.append(
                defects.ContractWarning(
                    code="schema-location-case",
                    file=package.relative(actual),
                    line=None,
                    message=f"imported as {package.relative(asked)!r}; the letter case differs (works only on Windows)",
                )
            )
    return found


def _rule_warnings(
    shown: str, operations: tuple[BoundOperation, ...], wsdl: str, major: int
) -> list[defects.ContractWarning]:
    found: list[defects.ContractWarning] = []
    for op in operations:
        namespace = split_clark(op.request_element)[0]
        expected = f"{namespace}:{op.name}"
        if op.soap_action != expected:
            found.append(
                defects.ContractWarning(
                    code="soap-action",
                    file=shown,
                    line=None,
                    message=f"soapAction {op.soap_action!r} differs from {expected!r} (RIVTA BP rule 15)",
                )
            )
    match = _FILE_VERSION.search(wsdl)
    if match and int(match["major"]) != major:
        found.append(
            defects.ContractWarning(
                code="version-mismatch",
                file=shown,
                line=None,
                message=f"file name says major {match['major']}, the namespace says {major}",
            )
        )
    return found
