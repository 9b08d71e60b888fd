"""Whether a self-declaration can be handed in at all: test runs and missing verification-object facts.

A run against the embedded producer, a loopback address, or with a certificate from the
harness's own test PKI proves the harness works, not that a vendor's producer does; a
reviewer should not have to spot ``CN=localhost`` to know. A declaration without the
verification object (who connects which products, and whom to ask) cannot be assessed.
Both are stated as codes in the JSON and worded by the renderings in either language.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from harness.certs.pki import CONSUMER_ORGANISATION, PRODUCER_ORGANISATION, TEST_ORGANISATION
from harness.declaration import Declaration

TEST_RUN_REASONS = ("embedded producer", "loopback address", "test PKI certificate")
_TEST_PKI_ORGANISATIONS = (TEST_ORGANISATION, CONSUMER_ORGANISATION, PRODUCER_ORGANISATION)
VERIFICATION_OBJECT = ("organisation", "producer product", "source-system product", "contact")


def _loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def why_test_run(
    *, embedded: bool, url: str, producer_certificate: Mapping[str, Any] | None, client_subject: str | None
) -> list[str]:
    """Why this run is a test run (empty when it is not), as codes from ``TEST_RUN_REASONS``."""
    reasons = []
    if embedded:
        reasons.append("embedded producer")
    elif _loopback(url):
        reasons.append("loopback address")
    names = [client_subject or "", *(str((producer_certificate or {}).get(k, "")) for k in ("subject", "issuer"))]
    if any(f"O={marker}" in name for name in names for marker in _TEST_PKI_ORGANISATIONS):
        reasons.append("test PKI certificate")
    return reasons


def missing_verification_object(declaration: Declaration) -> list[str]:
    """Which parts of the verification object the declaration lacks, as codes from ``VERIFICATION_OBJECT``."""
    present = {
        "organisation": bool(declaration.organisation),
        "producer product": declaration.producer_product is not None,
        "source-system product": declaration.source_system_product is not None,
        "contact": bool(declaration.contact_name and declaration.contact_email),
    }
    return [part for part in VERIFICATION_OBJECT if not present[part]]


def submission(
    declaration: Declaration,
    *,
    embedded: bool,
    url: str,
    producer_certificate: Mapping[str, Any] | None,
    client_subject: str | None,
) -> dict[str, Any]:
    """The document's ``submission`` object."""
    reasons = why_test_run(
        embedded=embedded, url=url, producer_certificate=producer_certificate, client_subject=client_subject
    )
    return {
        "test_run": bool(reasons),
        "test_run_reasons": reasons,
        "missing_verification_object": missing_verification_object(declaration),
    }
