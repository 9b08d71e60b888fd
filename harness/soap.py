"""SOAP 1.1 envelopes the RIVTA way: building requests, reading responses and faults.

A BP 2.1 request carries ``riv:LogicalAddress`` in the header, a BP 2.0 request ``wsa:To``;
the body holds exactly the contract's request element. Reading is tolerant enough to
describe what a non-conformant producer sent (a SOAP 1.2 envelope, two body children, a
fault without faultstring) instead of failing on it; judging that is the checks' job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from harness import xmlsafe
from harness.contracts.model import Contract, Profile
from harness.namespaces import RIV_REGISTRY, SOAP11_ENV, SOAP12_ENV, WSA, clark

_VP_CODE = re.compile(r"\b(VP0\d\d)\b")
_NSMAP_BP21 = {"soapenv": SOAP11_ENV, "riv": RIV_REGISTRY}
_NSMAP_BP20 = {"soapenv": SOAP11_ENV, "wsa": WSA}


def request_envelope(
    contract: Contract,
    payload: etree._Element,
    *,
    logical_address: str | None,
    profile: Profile | None = None,
) -> bytes:
    """UTF-8 envelope bytes: routing header (unless ``logical_address`` is None) and ``payload``."""
    profile = profile or contract.profile
    nsmap = _NSMAP_BP21 if profile is Profile.BP21 else _NSMAP_BP20
    envelope = etree.Element(clark(SOAP11_ENV, "Envelope"), nsmap=nsmap)
    header = etree.SubElement(envelope, clark(SOAP11_ENV, "Header"))
    if logical_address is not None:
        etree.SubElement(header, profile.header_element).text = logical_address
    body = etree.SubElement(envelope, clark(SOAP11_ENV, "Body"))
    body.append(payload)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8", pretty_print=True)


@dataclass(frozen=True, slots=True)
class SoapFault:
    """A SOAP 1.1 (or 1.2) fault, with an NTjP platform code when the faultstring carries one."""

    code: str
    code_namespace: str
    string: str | None
    actor: str | None
    detail: str | None
    vp_code: str | None

    @property
    def code_local(self) -> str:
        """``Client``/``Server``/... without prefix."""
        return self.code.rpartition(":")[2]


@dataclass(frozen=True, slots=True)
class Envelope:
    """What a response envelope holds, as far as it can be read."""

    root: etree._Element
    version: str | None
    header: etree._Element | None
    body: etree._Element | None
    body_children: tuple[etree._Element, ...]
    fault: SoapFault | None
    encoding_note: str | None = None

    @property
    def payload(self) -> etree._Element | None:
        """The single body child, when there is exactly one and it is not a fault."""
        if self.fault is None and len(self.body_children) == 1:
            return self.body_children[0]
        return None


def read_envelope(data: bytes, *, source: str) -> Envelope:
    """Parse response bytes; raise MalformedXmlError/UnsafeXmlError (harness errors) when unreadable."""
    root, note = xmlsafe.parse_tolerant(data, source=source)
    envelope_ns = xmlsafe.namespace(root)
    version = {SOAP11_ENV: "1.1", SOAP12_ENV: "1.2"}.get(envelope_ns)
    if version is None or xmlsafe.local_name(root) != "Envelope":
        return Envelope(root, None, None, None, (), None, note)
    header = root.find(clark(envelope_ns, "Header"))
    body = root.find(clark(envelope_ns, "Body"))
    children = tuple(child for child in body if isinstance(child.tag, str)) if body is not None else ()
    fault = None
    if len(children) >= 1 and children[0].tag == clark(envelope_ns, "Fault"):
        fault = _read_fault(children[0], envelope_ns)
    return Envelope(root, version, header, body, children, fault, note)


def _text(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    return "".join(element.itertext()).strip()


def _child(parent: etree._Element, local: str) -> etree._Element | None:
    """The first child named ``local``: unqualified first, else in any namespace."""
    found = parent.find(local)
    if found is None:
        found = next((c for c in parent if isinstance(c.tag, str) and xmlsafe.local_name(c) == local), None)
    return found


def _read_fault(fault: etree._Element, envelope_ns: str) -> SoapFault:
    if envelope_ns == SOAP12_ENV:
        code_element = fault.find(f"{{{SOAP12_ENV}}}Code/{{{SOAP12_ENV}}}Value")
        string = _text(fault.find(f"{{{SOAP12_ENV}}}Reason/{{{SOAP12_ENV}}}Text"))
        detail = _text(fault.find(f"{{{SOAP12_ENV}}}Detail"))
        actor = _text(fault.find(f"{{{SOAP12_ENV}}}Role"))
    else:
        # SOAP 1.1 fault children are unqualified; read qualified ones too (<ns:faultstring>), to describe them.
        code_element = _child(fault, "faultcode")
        string = _text(_child(fault, "faultstring"))
        detail = _text(_child(fault, "detail"))
        actor = _text(_child(fault, "faultactor"))
    code = (_text(code_element) or "").strip()
    prefix = code.partition(":")[0] if ":" in code else None
    code_namespace = (code_element.nsmap.get(prefix) if code_element is not None else None) or ""
    found = _VP_CODE.search(string or "")
    return SoapFault(code, code_namespace, string, actor, detail, found.group(1) if found else None)
