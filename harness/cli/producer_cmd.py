"""``rivta-harness producer serve|faults``: the reference producer from the command line."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path

from harness.bundled import bundled_contracts, reference_fixtures
from harness.contracts import Contract
from harness.contracts.select import resolve_reference
from harness.errors import ConfigError
from harness.producer.faults import Fault, parse_fault
from harness.producer.runtime import ServerCertificates, start_reference_producer


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``producer`` command group."""
    group = commands.add_parser("producer", help="run the reference producer")
    sub = group.add_subparsers(dest="producer_command", metavar="ACTION", required=True)

    serve = sub.add_parser("serve", help="serve contracts over mutual TLS until stopped")
    serve.add_argument(
        "--contract",
        action="append",
        default=[],
        metavar="PATH[::Name]",
        help="contract package to serve (repeatable; default: the bundled example and PingForConfiguration)",
    )
    serve.add_argument("--fixtures", type=Path, default=None, help="fixture folder (default: bundled reference data)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=0, help="port (default 0: a free one)")
    serve.add_argument("--cert", type=Path, help="server certificate PEM (with chain)")
    serve.add_argument("--key", type=Path, help="server private key PEM")
    serve.add_argument("--ca-bundle", type=Path, help="CA bundle that client certificates must chain to")
    serve.add_argument(
        "--pki-dir", type=Path, default=Path("certs/pki"), help="where to generate/reuse a test PKI (default certs/pki)"
    )
    serve.add_argument("--fault", default=None, metavar="NAME", help="break exactly one rule (see `producer faults`)")
    serve.add_argument("--slow-seconds", type=float, default=2.0, help="delay used by --fault slow (default 2)")
    serve.add_argument("--latency", type=int, default=0, metavar="MS", help="delay every answer by MS milliseconds")
    serve.add_argument("--capacity", type=int, metavar="N", help="answer 503 above N concurrent callers (load tests)")
    serve.add_argument("--no-recovery", action="store_true", help="after one overload, answer 503 until restarted")
    serve.add_argument("--pattern-anchors", action="store_true", help="treat ^/$ in xs:pattern as anchors")
    serve.set_defaults(handler=_serve)

    faults = sub.add_parser("faults", help="list the fault-injection switches and the rule each breaks")
    faults.set_defaults(handler=_faults)


def _contracts(args: argparse.Namespace) -> list[Contract]:
    references = args.contract or [str(path) for path in bundled_contracts()]
    contracts: list[Contract] = []
    for reference in references:
        contracts += resolve_reference(reference, pattern_anchors=args.pattern_anchors)
    return contracts


def _certificates(args: argparse.Namespace) -> ServerCertificates | None:
    given = [args.cert, args.key, args.ca_bundle]
    if not any(given):
        return None
    if not all(given):
        raise ConfigError("--cert, --key and --ca-bundle go together", hint="give all three, or none for a test PKI")
    return ServerCertificates(args.cert, args.key, args.ca_bundle)


def _serve(args: argparse.Namespace) -> int:
    fault = parse_fault(args.fault)
    contracts = _contracts(args)
    producer = start_reference_producer(
        contracts,
        fixtures_dir=args.fixtures or reference_fixtures(),
        pki_dir=args.pki_dir,
        certificates=_certificates(args),
        fault=fault,
        slow_seconds=args.slow_seconds,
        latency_ms=args.latency,
        host=args.host,
        port=args.port,
        capacity=args.capacity,
        no_recovery=args.no_recovery,
    )
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(f"Reference producer listening on {producer.url}")
    print(f"  logical address   {producer.logical_address}")
    for contract in contracts:
        print(f"  serves            {contract.key}")
    if fault is not None:
        print(f"  fault injected    {fault.value}: {fault.rule}")
    if args.latency:
        print(f"  added latency     {args.latency} ms per answer")
    if producer.client is not None:
        print(f"  client cert       {producer.client.cert}")
        print(f"  client key        {producer.client.key}")
        print(f"  CA bundle         {producer.client.ca_bundle}")
        print(f"  consumer HSA-id   {producer.client.hsa_id}")
    if args.capacity or args.no_recovery:
        print(
            f"  capacity          {args.capacity or 'default'}{', no recovery after overload' if args.no_recovery else ''}"
        )
    print("Stop with Ctrl-C.", flush=True)
    stop.wait()
    print("Stopping: finishing in-flight calls.", file=sys.stderr, flush=True)
    producer.stop()
    return 0


def _faults(args: argparse.Namespace) -> int:
    width = max(len(f.value) for f in Fault)
    for fault in Fault:
        print(f"{fault.value:<{width}}  {fault.rule}")
    return 0
