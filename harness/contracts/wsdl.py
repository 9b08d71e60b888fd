"""Read a RIVTA WSDL's SOAP binding with zeep, served only from the package snapshot.

zeep knows WSDL 1.1 and its SOAP binding well (message parts, soap:header, soapAction,
wsdl:import); we let it do that and keep only the facts a RIVTA harness needs. Its transport
is replaced so that every load goes through the confined package instead of disk or network.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import zeep
from zeep.exceptions import Error as ZeepError
from zeep.settings import Settings
from zeep.transports import Transport
from zeep.wsdl.bindings.soap import Soap11Binding

from harness.contracts.package import ContractPackage
from harness.errors import ContractDefect, ContractError

_SETTINGS = Settings(strict=True, forbid_dtd=True, forbid_entities=True, forbid_external=True)


@dataclass(frozen=True, slots=True)
class BoundOperation:
    """One operation of a SOAP 1.1 binding, as the wire sees it."""

    name: str
    soap_action: str
    request_element: str
    response_element: str
    header_elements: tuple[str, ...]


class _PackageTransport(Transport):  # type: ignore[misc]
    """zeep transport that answers every load from the snapshot and refuses everything else."""

    def __init__(self, package: ContractPackage) -> None:
        super().__init__(cache=None)
        self._package = package

    def load(self, url: str) -> bytes:
        key = self._package.lookup(url.removeprefix("file://"))
        if key is None:
            raise ContractError(f"{url}: not in contract package {self._package.origin}")
        return self._package.read(key)


def read_operations(package: ContractPackage, wsdl: str) -> tuple[BoundOperation, ...]:
    """The SOAP 1.1 operations of one WSDL; raise ContractError when zeep cannot make sense of it."""
    shown = package.relative(wsdl)
    try:
        # zeep reports what it skips as UserWarnings; they must never reach the user's terminal.
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            document = zeep.wsdl.Document(wsdl, _PackageTransport(package), settings=_SETTINGS)
    except ContractError:
        raise
    except (ZeepError, ValueError, KeyError, AttributeError, TypeError) as exc:
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ContractError(f"{shown}: not a usable WSDL ({reason})", hint="fix the WSDL") from None
    if caught:
        reason = " ".join(str(caught[0].message).split())
        raise ContractDefect(f"{shown}: the WSDL is defective ({reason})", hint="report it to the contract owner")
    operations = [
        _bound_operation(shown, name, operation)
        for binding in document.bindings.values()
        if isinstance(binding, Soap11Binding)
        for name, operation in binding._operations.items()
    ]
    if not operations:
        raise ContractError(
            f"{shown}: the WSDL has no SOAP 1.1 document/literal binding",
            hint="RIVTA contracts bind over SOAP 1.1 (WS-I Basic Profile 1.1)",
        )
    return tuple(operations)


def _bound_operation(shown: str, name: str, operation: object) -> BoundOperation:
    input_message = operation.input  # type: ignore[attr-defined]
    output_message = operation.output  # type: ignore[attr-defined]
    if input_message is None or input_message.body is None:
        raise ContractError(f"{shown}: operation {name} has no document/literal request body part")
    if output_message is None or output_message.body is None:
        raise ContractError(f"{shown}: operation {name} has no response body part (one-way operations are not RIVTA)")
    headers: tuple[str, ...] = ()
    if input_message.header is not None:
        headers = tuple(element.qname.text for _, element in input_message.header.type.elements)
    return BoundOperation(
        name=name,
        soap_action=operation.soapaction or "",  # type: ignore[attr-defined]
        request_element=input_message.body.qname.text,
        response_element=output_message.body.qname.text,
        header_elements=headers,
    )
