"""One conformance run: validated options, contracts, test data, declaration, and the producer to call.

The pytest plugin and the CLI only translate their inputs into ``RunOptions``; everything a
run shares lives in ``RunSession``. With no producer URL the embedded reference producer is
started on first use, with a throwaway PKI, so a newcomer sees the whole job work.
"""

from __future__ import annotations

import shutil
import tempfile
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from lxml import etree

from harness.bundled import bundled, example_contract, ping_contract, reference_fixtures
from harness.certs import ENV_NAME, ClientCredentials, TestPki, generate_test_pki, load_client_credentials
from harness.contracts import Contract, load_contracts
from harness.contracts.sample import MessageBuilder, parse_overrides
from harness.contracts.select import resolve_reference
from harness.declaration import Declaration, load_declaration
from harness.errors import ConfigError
from harness.load.settings import LoadSettings
from harness.producer.faults import Fault, parse_fault
from harness.producer.runtime import RunningProducer, ServerCertificates, start_reference_producer
from harness.schematron import Schematron, compile_schematron, release_schematron
from harness.testdata import TestData, load_testdata, validate_suite_data
from harness.tkcases import SCHEMAS
from harness.tomlfile import read_toml
from harness.transport.client import RivtaClient, TransportSettings
from harness.transport.exchange import Exchange

DEFAULT_SLA_SECONDS = 27.0
LANGUAGES = ("sv", "en")


@dataclass(frozen=True, slots=True)
class RunOptions:
    """Everything a run can be told, already checked for form."""

    producer_url: str | None = None
    contracts: tuple[str, ...] = ()
    logical_address: str | None = None
    consumer_hsaid: str | None = None
    cert: Path | None = None
    key: Path | None = None
    pkcs12: Path | None = None
    cert_password_env: str | None = None
    ca_bundle: tuple[Path, ...] = ()
    testdata: Path | None = None
    overrides: tuple[str, ...] = ()
    declaration: Path | None = None
    report_dir: Path = Path("reports")
    sla_seconds: float = DEFAULT_SLA_SECONDS
    via_ntjp: bool = False
    lang: str = "sv"
    mask_personal_ids: bool = False
    pattern_anchors: bool = False
    embedded_fault: str | None = None
    embedded_latency_ms: int = 0
    schematron: tuple[Path, ...] = ()
    read_timeout: float = 30.0
    verify_hostname: bool = True
    load: bool = False
    load_scale: float | None = None
    load_workers: int | None = None
    load_master_bind: str | None = None
    load_ui: bool = False
    load_profiles: tuple[str, ...] = ()
    preflight: bool = True

    @property
    def embedded(self) -> bool:
        """True when the run targets the embedded reference producer."""
        return self.producer_url is None


_FILE_KEYS = {f.name.replace("_", "-"): f.name for f in fields(RunOptions)}
_SECRET_KEYS = ("password", "cert-password", "pkcs12-password", "key-password")


def options_from_file(path: Path) -> dict[str, Any]:
    """Options from a TOML file (``producer-url = ...``); secrets are refused, only env var names allowed."""
    data = read_toml(path, option="--rivta-config")
    table = data.get("rivta-harness", data)
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key in _SECRET_KEYS:
            raise ConfigError(
                f"{path}: {key!r} looks like a secret", hint="keep secrets out of files; use cert-password-env = VAR"
            )
        if key not in _FILE_KEYS:
            raise ConfigError(f"{path}: unknown option {key!r}", hint=f"known: {', '.join(sorted(_FILE_KEYS))}")
        values[_FILE_KEYS[key]] = value
    return values


def build_options(given: Mapping[str, Any], file_values: Mapping[str, Any] | None = None) -> RunOptions:
    """Merge file values under command-line values and check each for form; ConfigError names the option."""
    given_values = {k: v for k, v in given.items() if v is not None and v not in ([], ())}
    merged: dict[str, Any] = {**(file_values or {}), **given_values}
    paths = ("cert", "key", "pkcs12", "testdata", "declaration")
    for name in paths:
        if merged.get(name) is not None:
            merged[name] = Path(merged[name])
            if not merged[name].is_file():
                raise ConfigError(f"--{name} {merged[name]}: no such file")
    for name in ("contracts", "overrides", "load_profiles"):
        value = merged.get(name, ())
        merged[name] = tuple([value] if isinstance(value, str) else value)
    merged["ca_bundle"] = tuple(
        Path(p)
        for p in ([merged["ca_bundle"]] if isinstance(merged.get("ca_bundle"), str) else merged.get("ca_bundle", ()))
    )
    for bundle in merged["ca_bundle"]:
        if not bundle.is_file():
            raise ConfigError(f"--ca-bundle {bundle}: no such file")
    merged["schematron"] = tuple(
        Path(p)
        for p in ([merged["schematron"]] if isinstance(merged.get("schematron"), str) else merged.get("schematron", ()))
    )
    for rules in merged["schematron"]:
        if not rules.is_file():
            raise ConfigError(
                f"--schematron {rules}: no such file", hint="give an ISO Schematron file, e.g. constraints.xml"
            )
    if "report_dir" in merged:
        merged["report_dir"] = Path(merged["report_dir"])
    options = RunOptions(**merged)
    _check(options)
    return options


def _check(options: RunOptions) -> None:
    if options.cert_password_env is not None and not ENV_NAME.fullmatch(options.cert_password_env):
        # Never repeat the value: people type the password itself here ($CERT_PASSWORD instead of CERT_PASSWORD).
        raise ConfigError(
            "--cert-password-env takes the NAME of an environment variable (letters, digits, _), and the value "
            "given is not one; it is not repeated here in case it is the password itself",
            hint="export CERT_PASSWORD=... and pass --cert-password-env CERT_PASSWORD (no $)",
        )
    if options.producer_url is not None:
        parts = urlsplit(options.producer_url)
        if parts.scheme != "https" or not parts.hostname:
            raise ConfigError(f"--producer-url {options.producer_url!r}: expected https://host[:port]/path")
        if not options.logical_address:
            raise ConfigError(
                "--logical-address is required with --producer-url", hint="the HSA-id the call is addressed to"
            )
        if not (options.cert or options.pkcs12):
            raise ConfigError("--producer-url needs a client certificate", hint="give --cert and --key, or --pkcs12")
        if options.embedded_fault:
            raise ConfigError("--embedded-fault only applies to the embedded producer (no --producer-url)")
    if options.cert and not options.key:
        raise ConfigError("--cert needs --key")
    if options.pkcs12 and options.cert:
        raise ConfigError("--pkcs12 cannot be combined with --cert/--key")
    if options.sla_seconds <= 0:
        raise ConfigError(f"--sla-seconds {options.sla_seconds}: must be a positive number of seconds")
    if options.lang not in LANGUAGES:
        raise ConfigError(f"--lang {options.lang!r}: choose sv or en")
    if options.via_ntjp and options.embedded:
        raise ConfigError("--via-ntjp needs --producer-url (the platform's URL)")
    parse_fault(options.embedded_fault)
    if options.embedded_latency_ms and not options.embedded:
        raise ConfigError("--embedded-latency only applies to the embedded producer (no --producer-url)")
    if options.embedded_latency_ms < 0:
        raise ConfigError(f"--embedded-latency {options.embedded_latency_ms}: must be zero or more milliseconds")
    parse_overrides(options.overrides)
    load_settings(options)


def load_settings(options: RunOptions) -> LoadSettings:
    """The run's ``--load*`` options as ``LoadSettings`` (one-line errors for bad values)."""
    return LoadSettings.build(
        enabled=options.load,
        scale=options.load_scale,
        workers=options.load_workers,
        master_bind=options.load_master_bind,
        ui=options.load_ui,
        profiles=options.load_profiles,
    )


@dataclass
class RunSession:
    """What every check of one run shares. ``start`` is idempotent and thread-safe."""

    options: RunOptions
    contracts: tuple[Contract, ...]
    testdata: TestData
    declaration: Declaration
    overrides: dict[str, str]
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _producer: RunningProducer | None = field(default=None, repr=False)
    _client: RivtaClient | None = field(default=None, repr=False)
    _pki: TestPki | None = field(default=None, repr=False)
    _workdir: Path | None = field(default=None, repr=False)
    _credentials: ClientCredentials | None = field(default=None, repr=False)
    _calls: dict[int, Exchange] = field(default_factory=dict, repr=False)
    _rules: dict[str, tuple[Schematron, ...]] = field(default_factory=dict, repr=False)
    _shared: dict[tuple[Any, ...], Future[Exchange]] = field(default_factory=dict, repr=False)
    _once: set[str] = field(default_factory=set, repr=False)
    _rule_findings: dict[int, list[str]] = field(default_factory=dict, repr=False)

    @classmethod
    def prepare(cls, options: RunOptions) -> RunSession:
        """Load contracts, test data and declaration now, so mistakes surface before any call."""
        # PingForConfiguration is no contract of its own to declare: rivta.ping covers it for every producer.
        references = options.contracts or (str(example_contract()),)
        contracts: list[Contract] = []
        for reference in references:
            contracts += resolve_reference(reference, pattern_anchors=options.pattern_anchors)
        testdata_path = options.testdata
        declaration_path = options.declaration
        if options.embedded and not options.contracts:
            testdata_path = testdata_path or bundled("fixtures") / "testdata" / "reference-producer.toml"
            declaration_path = declaration_path or bundled("fixtures") / "declarations" / "reference-producer.toml"
        testdata = load_testdata(testdata_path)
        for contract in contracts:
            suite = testdata.suite(contract.name)
            schema = SCHEMAS.get((contract.name, contract.major))
            if suite is not None and schema is not None:
                validate_suite_data(suite, schema, where=str(testdata_path))
        overrides = parse_overrides(options.overrides)
        _check_paths(contracts, {**testdata.request, **overrides}, testdata)
        return cls(
            options=replace(options, testdata=testdata_path, declaration=declaration_path),
            contracts=tuple(contracts),
            testdata=testdata,
            declaration=load_declaration(declaration_path),
            overrides=overrides,
        )

    # -- every call of the run, once (what the SLA is judged on) ------------------------------

    def log_calls(self, *exchanges: Exchange) -> None:
        """Remember calls made by any check of this process (each exchange once)."""
        with self._lock:
            for exchange in exchanges:
                self._calls.setdefault(id(exchange), exchange)

    def calls(self) -> list[Exchange]:
        """Every call logged so far in this process, in the order they were made."""
        with self._lock:
            return sorted(self._calls.values(), key=lambda e: e.started_at)

    # -- identical calls made once, shared by the checks that judge them --------------------

    def shared_call(
        self, contract: Contract, payload: bytes, *, label: str, logical_address: str | None, consumer_hsa_id: Any
    ) -> Exchange:
        """One call per distinct (contract, request, address, consumer) in this process; later askers get it too.

        Checks that only judge "the answer to this request" need not ask the producer again:
        it spares the vendor's SIT producer and lets independent answers be fetched together.
        """
        key = (contract.key, payload, logical_address, repr(consumer_hsa_id))
        with self._lock:
            future = self._shared.get(key)
            owner = future is None
            if future is None:
                future = self._shared[key] = Future()
        if owner:
            try:
                exchange = self.start().call(
                    contract,
                    etree.fromstring(payload),
                    logical_address=logical_address,
                    label=label,
                    consumer_hsa_id=consumer_hsa_id,
                )
            except BaseException as exc:
                future.set_exception(exc)
                raise
            self.log_calls(exchange)
            future.set_result(exchange)
        return future.result()

    def once(self, name: str) -> bool:
        """True the first time ``name`` is asked for in this process (for work a suite does once)."""
        with self._lock:
            first = name not in self._once
            self._once.add(name)
            return first

    # -- the contract's Schematron rules, compiled once, applied to every data answer --------

    def schematrons(self, contract: Contract) -> tuple[Schematron, ...]:
        """The release's constraints.xml for the contract (when --contract is a release) and every --schematron."""
        with self._lock:
            if contract.key not in self._rules:
                rules = [compile_schematron(path, name=str(path)) for path in self.options.schematron]
                released = release_schematron(contract.package, contract.name)
                if released is not None:
                    name = f"{contract.package.name}: test-suite/{contract.name}/constraints.xml"
                    rules.insert(0, compile_schematron(released, name=name))
                self._rules[contract.key] = tuple(rules)
            return self._rules[contract.key]

    def schematron_findings(self, contract: Contract, exchange: Exchange) -> list[str]:
        """Failed Schematron asserts on a data answer (each exchange judged once per run)."""
        envelope = exchange.envelope
        if envelope is None or envelope.fault is not None or envelope.payload is None:
            return []
        rules = self.schematrons(contract)
        if not rules:
            return []
        with self._lock:
            known = self._rule_findings.get(id(exchange))
        if known is None:
            known = [f"Schematron: {finding}" for rule in rules for finding in rule.validate(envelope.root)]
            with self._lock:
                self._rule_findings[id(exchange)] = known
        return known

    # -- the producer and the clients, started on first use ----------------------------------

    def start(self) -> RivtaClient:
        """The client for the producer under test (starting the embedded producer if needed)."""
        with self._lock:
            if self._client is None:
                self._client = self._start_embedded() if self.options.embedded else self._connect_remote()
            return self._client

    @property
    def pki(self) -> TestPki:
        """A throwaway test PKI (for the embedded producer, and for the unrelated-CA certificate)."""
        if self._pki is None:
            self._workdir = Path(tempfile.mkdtemp(prefix="rivta-harness-"))
            self._pki = generate_test_pki(self._workdir / "pki")
        return self._pki

    def _settings(self) -> TransportSettings:
        return TransportSettings(
            read_timeout=self.options.read_timeout,
            deadline=max(self.options.sla_seconds * 2, self.options.read_timeout),
            verify_hostname=self.options.verify_hostname,
        )

    def _start_embedded(self) -> RivtaClient:
        pki = self.pki
        served = list(self.contracts)
        served += [c for c in load_contracts(ping_contract()) if c.key not in {s.key for s in served}]
        self._producer = start_reference_producer(
            served,
            fixtures_dir=reference_fixtures(),
            certificates=ServerCertificates(pki.producer_cert, pki.producer_key, pki.ca_bundle),
            fault=parse_fault(self.options.embedded_fault),
            slow_seconds=max(self.options.sla_seconds * 1.5, self.options.sla_seconds + 0.1),
            latency_ms=self.options.embedded_latency_ms,
        )
        self._credentials = load_client_credentials(cert=pki.consumer_cert, key=pki.consumer_key)
        return RivtaClient(
            self._producer.url,
            credentials=self._credentials,
            ca_bundle=[pki.ca_bundle],
            settings=self._settings(),
            consumer_hsa_id=self.options.consumer_hsaid,
        )

    def _connect_remote(self) -> RivtaClient:
        options = self.options
        self._credentials = load_client_credentials(
            cert=options.cert, key=options.key, pkcs12=options.pkcs12, password_env=options.cert_password_env
        )
        assert options.producer_url is not None
        return RivtaClient(
            options.producer_url,
            credentials=self._credentials,
            ca_bundle=options.ca_bundle,
            settings=self._settings(),
            consumer_hsa_id=options.consumer_hsaid,
        )

    @property
    def credentials(self) -> ClientCredentials | None:
        """The client credentials in use (after ``start``)."""
        return self._credentials

    @property
    def logical_address(self) -> str:
        """The routing header value for calls."""
        if self.options.logical_address:
            return self.options.logical_address
        self.start()
        assert self._producer is not None
        return self._producer.logical_address

    @property
    def fault(self) -> Fault | None:
        """The fault injected into the embedded producer, if any."""
        return parse_fault(self.options.embedded_fault)

    def describe_producer(self) -> str:
        """The producer URL, or a description of the embedded one."""
        if self.options.producer_url:
            return self.options.producer_url
        url = self._producer.url if self._producer else "(not started)"
        return f"embedded reference producer {url}"

    def client_with(self, credentials: ClientCredentials | None) -> RivtaClient:
        """Another client to the same producer (no certificate, or a different one)."""
        return self.start().variant(credentials=credentials)

    def unrelated_credentials(self) -> ClientCredentials:
        """A function certificate from a CA the producer must not trust."""
        pki = self.pki
        return load_client_credentials(cert=pki.consumer_unrelated_ca_cert, key=pki.consumer_unrelated_ca_key)

    def unacceptable_credentials(self) -> list[tuple[str, ClientCredentials]]:
        """Certificates from the producer's own trusted CA that it must still refuse: expired, no clientAuth.

        Only the embedded producer trusts a CA whose key the harness holds; for a remote
        producer such certificates cannot be made, and the list is empty.
        """
        if not self.options.embedded:
            return []
        self.start()
        pki = self.pki
        return [
            ("with an expired certificate", load_client_credentials(cert=pki.consumer_expired_cert, key=pki.consumer_expired_key)),
            ("with a certificate without clientAuth", load_client_credentials(cert=pki.consumer_wrong_eku_cert, key=pki.consumer_wrong_eku_key)),
        ]  # fmt: skip

    def close(self) -> None:
        """Close clients, stop the embedded producer, delete throwaway keys."""
        if self._client is not None:
            self._client.close()
        if self._producer is not None:
            self._producer.stop()
        if self._workdir is not None:
            shutil.rmtree(self._workdir, ignore_errors=True)


def _check_paths(contracts: Sequence[Contract], shared: Mapping[str, str], testdata: TestData) -> None:
    """Every shared request path must fit some selected contract; per-contract paths must fit theirs."""
    builders = {c.key: MessageBuilder(c) for c in contracts}
    for contract in contracts:
        values = testdata.per_contract.get(contract.name)
        if values:
            builders[contract.key].check_overrides(contract.operation.request_element, values)
    for path in shared:
        fits = [
            c for c in contracts if path in {p.path for p in builders[c.key].value_paths(c.operation.request_element)}
        ]
        if not fits:
            contract = contracts[0]
            builders[contract.key].check_overrides(contract.operation.request_element, {path: ""})
