"""The contract model every later stage reads: names, versions, wire facts, files, schema."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from lxml import etree

from harness.contracts.defects import ContractWarning
from harness.contracts.package import SourceFile
from harness.contracts.schema import ContractSchema, Finding
from harness.namespaces import LOGICAL_ADDRESS, WSA_TO, split_clark

_DOMAIN_RELEASE = re.compile(r"_(\d+\.\d+(?:\.\d+)?(?:_RC\d+)?)$")


class Profile(StrEnum):
    """RIVTA Basic Profile: decides the routing header of every request."""

    BP20 = "RIVTABP20"
    BP21 = "RIVTABP21"

    @property
    def header_element(self) -> str:
        """``wsa:To`` in BP 2.0, ``riv:LogicalAddress`` in BP 2.1."""
        return WSA_TO if self is Profile.BP20 else LOGICAL_ADDRESS

    @property
    def label(self) -> str:
        """Human name, e.g. ``RIVTA BP 2.1``."""
        return "RIVTA BP 2.0" if self is Profile.BP20 else "RIVTA BP 2.1"


@dataclass(frozen=True, slots=True)
class Operation:
    """One request/response operation as it goes on the wire."""

    name: str
    soap_action: str
    request_element: str
    response_element: str


@dataclass(frozen=True, eq=False, slots=True)
class Contract:
    """One service contract (one interaction WSDL) with everything needed to call and judge it."""

    name: str
    domain: str
    major: int
    minor: int
    profile: Profile
    wsdl_namespace: str
    responder_namespace: str
    operations: tuple[Operation, ...]
    header_element: str
    wsdl: SourceFile
    files: tuple[SourceFile, ...]
    schema: ContractSchema
    warnings: tuple[ContractWarning, ...]
    package: Path
    pattern_anchors: bool
    anchor_fixed_schema: ContractSchema | None = None  # set when the contract writes ^/$ in xs:pattern

    def schema_findings(self, element: etree._Element) -> list[Finding]:
        """Violations the message is to blame for: a finding that disappears when the contract's own
        ``^…$`` pattern defect is read as anchors belongs to the contract (already one of its
        warnings, with file and line), not to whoever wrote the message."""
        findings = self.schema.validate(element)
        if findings and self.anchor_fixed_schema is not None:
            return self.anchor_fixed_schema.validate(element)
        return findings

    @property
    def version(self) -> str:
        """``major.minor`` as the contract is released."""
        return f"{self.major}.{self.minor}"

    @property
    def key(self) -> str:
        """Unique, readable id, e.g. ``GetCareDocumentation 3.0 (RIVTABP21)``."""
        return f"{self.name} {self.version} ({self.profile.value})"

    @property
    def operation(self) -> Operation:
        """The contract's operation (RIVTA allows one per port type)."""
        return self.operations[0]

    @property
    def domain_release(self) -> str | None:
        """The domain release the package came from (``3.0.5`` of ``..._description_3.0.5[.zip]``), if named so."""
        found = _DOMAIN_RELEASE.search(self.package.name.removesuffix(".zip"))
        return found.group(1) if found else None

    @property
    def request_name(self) -> str:
        """Local name of the request element."""
        return split_clark(self.operation.request_element)[1]

    def __repr__(self) -> str:
        return f"<Contract {self.key}>"
