"""Certificates for mutual TLS: a throwaway test PKI, inspection, and client credentials."""

from __future__ import annotations

from harness.certs._files import ENV_NAME
from harness.certs.credentials import ClientCredentials, load_ca_bundle, load_client_credentials
from harness.certs.hsaid import hsa_id_problems
from harness.certs.inspect import CertificateInfo, inspect_certificate
from harness.certs.pki import TestPki, generate_test_pki

__all__ = [
    "ENV_NAME",
    "CertificateInfo",
    "ClientCredentials",
    "TestPki",
    "generate_test_pki",
    "hsa_id_problems",
    "inspect_certificate",
    "load_ca_bundle",
    "load_client_credentials",
]
