"""Namespace URIs the harness speaks, named once."""

from __future__ import annotations

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"
WSDL = "http://schemas.xmlsoap.org/wsdl/"
WSDL_SOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/"
XSD = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
WSA = "http://www.w3.org/2005/08/addressing"
RIV_REGISTRY = "urn:riv:itintegration:registry:1"

LOGICAL_ADDRESS = f"{{{RIV_REGISTRY}}}LogicalAddress"
WSA_TO = f"{{{WSA}}}To"


def clark(namespace: str, local: str) -> str:
    """``{namespace}local``, the form lxml and xmlschema use for qualified names."""
    return f"{{{namespace}}}{local}" if namespace else local


def split_clark(name: str) -> tuple[str, str]:
    """(namespace, local) from ``{namespace}local``."""
    if name.startswith("{"):
        ns, _, local = name[1:].partition("}")
        return ns, local
    return "", name
