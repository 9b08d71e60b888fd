"""A scripted EI Update consumer for the tests: builds Updates and sends them over real mTLS."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from lxml import etree

from harness.certs import load_client_credentials
from harness.contracts import Contract
from harness.transport.client import RivtaClient
from harness.transport.exchange import Exchange

CORE = "urn:riv:itintegration:engagementindex:1"
UPDATE_NS = "urn:riv:itintegration:engagementindex:UpdateResponder:1"
HEALTHCOND = "riv:clinicalprocess:healthcond:description"
EI_LOGICAL_ADDRESS = "5565594230"


@dataclass(frozen=True, slots=True)
class Row:
    """One engagementTransaction; defaults are a valid healthcond:description engagement."""

    person: str = "191212121212"
    domain: str = HEALTHCOND
    categorization: str = "voo"
    logical_address: str = "SE2321000016-ABCD"
    business_object: str = "NA"
    interest: str = "NA"
    source_system: str = "SE2321000016-ABCD"
    data_controller: str = "2321000016"
    most_recent: str | None = "20241101120000"
    delete: bool = False

    def but(self, **changes: object) -> Row:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


def people(count: int, *, start: int = 0, **changes: object) -> list[Row]:
    """``count`` rows that differ only in the person (so their unique keys differ)."""
    return [Row(person=f"19{(start + n) % 10**10:010d}", **changes) for n in range(count)]  # type: ignore[arg-type]


def update(rows: Iterable[Row]) -> etree._Element:
    """The Update payload element."""
    root = etree.Element(f"{{{UPDATE_NS}}}Update", nsmap={"urn1": UPDATE_NS, "urn2": CORE})
    for row in rows:
        transaction = etree.SubElement(root, f"{{{UPDATE_NS}}}engagementTransaction")
        etree.SubElement(transaction, f"{{{CORE}}}deleteFlag").text = "true" if row.delete else "false"
        engagement = etree.SubElement(transaction, f"{{{CORE}}}engagement")
        fields: Sequence[tuple[str, str | None]] = (
            ("registeredResidentIdentification", row.person),
            ("serviceDomain", row.domain),
            ("categorization", row.categorization),
            ("logicalAddress", row.logical_address),
            ("businessObjectInstanceIdentifier", row.business_object),
            ("clinicalProcessInterestId", row.interest),
            ("mostRecentContent", None if row.delete else row.most_recent),
            ("sourceSystem", row.source_system),
            ("dataController", row.data_controller),
        )
        for name, value in fields:
            if value is not None:
                etree.SubElement(engagement, f"{{{CORE}}}{name}").text = value
    return root


class Consumer:
    """Sends Updates to the mock as the vendor's source system would."""

    def __init__(self, url: str, pki, contract: Contract) -> None:
        credentials = load_client_credentials(cert=pki.consumer_cert, key=pki.consumer_key)
        self.client = RivtaClient(url, credentials=credentials, ca_bundle=[pki.ca_bundle])
        self.contract = contract
        self.sent = 0

    def send(self, rows: Iterable[Row]) -> Exchange:
        """One Update call; the Exchange as recorded by the harness transport."""
        self.sent += 1
        return self.client.call(
            self.contract, update(rows), logical_address=EI_LOGICAL_ADDRESS, label=f"update {self.sent}"
        )

    def close(self) -> None:
        """Close the pooled connections."""
        self.client.close()


def result_of(exchange: Exchange) -> tuple[str, str | None]:
    """(ResultCode, comment) of an Update answer, or ("SOAP fault", faultstring)."""
    envelope = exchange.envelope
    assert envelope is not None, exchange.parse_error
    if envelope.fault is not None:
        return "SOAP fault", envelope.fault.string
    payload = envelope.payload
    assert payload is not None
    code = payload.findtext(f"{{{UPDATE_NS}}}ResultCode")
    return str(code), payload.findtext(f"{{{UPDATE_NS}}}comment")


class FakeClock:
    """An injectable clock the tests move by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Let ``seconds`` pass."""
        self.now += seconds
