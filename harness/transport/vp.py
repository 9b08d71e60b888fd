"""NTjP platform (VP) fault codes: what each means for a vendor and what to do about it.

The platform answers every routing, authorization and connectivity problem with HTTP 500 and
a SOAP 1.1 fault whose faultstring starts with ``VP0nn``. Without this table a vendor sees
"VP007" and has to search for it; with it they see who must fix what.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PlatformCode:
    """One VP code: the fault type the platform uses, its meaning, and the remedy."""

    code: str
    fault: str
    meaning: str
    remedy: str


_CODES = (
    PlatformCode("VP001", "Client", "the RIVTA version is missing from the call or not supported",
                 "send a BP 2.1 LogicalAddress (or BP 2.0 wsa:To) header as the contract's WSDL says"),
    PlatformCode("VP002", "Client", "the client certificate is missing, of the wrong kind, or has no serialNumber (HSA-id)",
                 "present a SITHS function certificate whose subject carries the HSA-id in serialNumber"),
    PlatformCode("VP003", "Client", "the logical address (receiver) is missing from the RIVTA header",
                 "set --logical-address; the header must not be empty or whitespace"),
    PlatformCode("VP004", "Client", "no route (vägval) in TAK for this logical address and contract",
                 "check the logical address, or order the vägval for it in Inera's beställningsstöd"),
    PlatformCode("VP005", "Client", "the producer does not support the RIVTA profile used by the call",
                 "use the profile registered for the producer in TAK (rivtabp20/rivtabp21)"),
    PlatformCode("VP006", "Server", "more than one producer matches address, contract and date (TAK misconfiguration)",
                 "report to Inera support; the routing table has duplicates"),
    PlatformCode("VP007", "Server", "the consumer is not authorized (no anropsbehörighet) for this address and contract",
                 "order the anropsbehörighet for your consumer HSA-id, contract and logical address"),
    PlatformCode("VP008", "Server", "the platform has no contact with TAK and no cache",
                 "a platform problem: retry later or contact Inera support"),
    PlatformCode("VP009", "Server", "the platform could not reach the producer, or it did not answer in time",
                 "check the producer URL registered in TAK, its firewall openings and certificate trust; "
                 "answer within 27 s"),
    PlatformCode("VP010", "Server", "the producer's address is empty in TAK",
                 "register the producer's physical address (anropsadress) in TAK"),
    PlatformCode("VP011", "Client", "the call came outside TLS or from an address not on the allow-list",
                 "call the platform over HTTPS with your function certificate"),
    PlatformCode("VP012", "Server", "the platform lacks resources (also used when a 2.0↔2.1 rewrite fails)",
                 "retry later; if it persists, contact Inera support"),
    PlatformCode("VP013", "Client", "this consumer may not set x-rivta-original-serviceconsumer-hsaid",
                 "leave the header out, or ask Inera to allow your system to set it"),
    PlatformCode("VP014", "Server", "a routing loop between platforms was detected",
                 "report to Inera support with the x-rivta-routing-history value"),
    PlatformCode("VP015", "Client", "the request could not be read (malformed XML or MTOM)",
                 "send well-formed UTF-8 SOAP 1.1 with a matching Content-Type charset"),
)  # fmt: skip

PLATFORM_CODES: dict[str, PlatformCode] = {code.code: code for code in _CODES}


def describe(code: str) -> PlatformCode | None:
    """The table entry for ``VP0nn``, or None for an unknown code."""
    return PLATFORM_CODES.get(code.upper())
