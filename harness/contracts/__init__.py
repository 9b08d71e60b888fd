"""Stage 1: RIVTA contract packages → contract models (loading, validation, samples)."""

from __future__ import annotations

from harness.contracts.defects import ContractWarning
from harness.contracts.loader import LoadedPackage, load_contracts, load_package
from harness.contracts.model import Contract, Operation, Profile
from harness.contracts.package import SourceFile
from harness.contracts.schema import ContractSchema, Finding

__all__ = [
    "Contract",
    "ContractSchema",
    "ContractWarning",
    "Finding",
    "LoadedPackage",
    "Operation",
    "Profile",
    "SourceFile",
    "load_contracts",
    "load_package",
]
