"""Starting the reference producer with certificates: the CLI, the pytest plugin and tests use this."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.certs import TestPki, generate_test_pki
from harness.contracts import Contract
from harness.errors import ConfigError
from harness.producer.capacity import NO_RECOVERY_DEFAULT_CAPACITY, CapacityLimit
from harness.producer.faults import Fault
from harness.producer.fixtures import load_fixtures
from harness.producer.httpserver import App, HttpsServer, server_context
from harness.producer.service import REFERENCE_LOGICAL_ADDRESS, ReferenceProducer

_NO_CHECK_TIME = 0x200000  # OpenSSL X509_V_FLAG_NO_CHECK_TIME: certificate validity dates are ignored


@dataclass(frozen=True, slots=True)
class ClientKit:
    """What a client needs to call the producer: function certificate, key, and the CA to trust."""

    cert: Path
    key: Path
    ca_bundle: Path
    hsa_id: str | None


@dataclass(frozen=True, slots=True)
class ServerCertificates:
    """Certificates given by the operator instead of a generated test PKI."""

    cert: Path
    key: Path
    client_ca: Path


class RunningProducer:
    """A started reference producer; ``stop`` (or leaving the ``with`` block) shuts it down."""

    def __init__(
        self, server: HttpsServer, logical_address: str, client: ClientKit | None, pki: TestPki | None
    ) -> None:
        self.server = server
        self.url = server.url
        self.logical_address = logical_address
        self.client = client
        self.pki = pki

    def stop(self) -> None:
        """Stop accepting, let in-flight calls finish, close."""
        self.server.stop()

    def __enter__(self) -> RunningProducer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def ensure_test_pki(directory: Path, *, hosts: Sequence[str] = ("localhost", "127.0.0.1")) -> TestPki:
    """Reuse the test PKI in ``directory`` if one is there, else generate it."""
    if (directory / "pki.json").is_file():
        return TestPki.open(directory)
    return generate_test_pki(directory, producer_hosts=hosts)


def generated_certificates(pki_dir: Path | None, host: str) -> tuple[TestPki, ServerCertificates, ClientKit]:
    """The test PKI in ``pki_dir`` (generated on first use) as server certificates and a client kit."""
    if pki_dir is None:
        raise ConfigError("give either server certificates or a folder for a generated test PKI")
    pki = ensure_test_pki(pki_dir, hosts=("localhost", host) if host != "localhost" else ("localhost",))
    server = ServerCertificates(pki.producer_cert, pki.producer_key, pki.ca_bundle)
    return pki, server, ClientKit(pki.consumer_cert, pki.consumer_key, pki.ca_bundle, pki.hsa_id)


def start_reference_producer(
    contracts: Sequence[Contract],
    *,
    fixtures_dir: Path,
    pki_dir: Path | None = None,
    certificates: ServerCertificates | None = None,
    fault: Fault | None = None,
    slow_seconds: float = 2.0,
    latency_ms: int = 0,
    host: str = "127.0.0.1",
    port: int = 0,
    capacity: int | None = None,
    no_recovery: bool = False,
) -> RunningProducer:
    """Start serving ``contracts`` over mutual TLS on a background thread.

    ``latency_ms`` delays every answer (a stand-in for a real back end, for benchmarks).
    """
    if not contracts:
        raise ConfigError("the reference producer needs at least one --contract")
    if latency_ms < 0:
        raise ConfigError(f"--latency {latency_ms}: must be zero or a positive number of milliseconds")
    pki: TestPki | None = None
    client: ClientKit | None = None
    if certificates is None:
        pki, certificates, client = generated_certificates(pki_dir, host)
    context = server_context(
        certfile=str(certificates.cert),
        keyfile=str(certificates.key),
        cafile=str(certificates.client_ca),
        require_client_certificate=fault is not Fault.NO_CLIENT_AUTH,
    )
    if fault is Fault.ACCEPTS_EXPIRED_CLIENT_CERTIFICATE:
        context.verify_flags |= _NO_CHECK_TIME  # type: ignore[assignment]
    app: App = ReferenceProducer(
        contracts, load_fixtures(fixtures_dir), fault=fault, slow_seconds=slow_seconds, latency_ms=latency_ms
    )
    limit = None
    if capacity is not None or no_recovery:
        app = limit = CapacityLimit(app, capacity or NO_RECOVERY_DEFAULT_CAPACITY, recover=not no_recovery)
    server = HttpsServer(app, context, host=host, port=port).start()
    if limit is not None:
        limit.callers = lambda: server.open_connections
    return RunningProducer(server, REFERENCE_LOGICAL_ADDRESS, client, pki)
