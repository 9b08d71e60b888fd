"""``rivta-harness load run|worker``: just the TF 6.x load profiles, and a worker for a distributed run."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from harness.bundled import bundled
from harness.cli.tls_options import credentials_from
from harness.errors import ConfigError
from harness.load.processes import run_worker


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``load`` command group."""
    group = commands.add_parser("load", help="TF 6.x load profiles (Locust)")
    sub = group.add_subparsers(dest="load_command", metavar="ACTION", required=True)
    run = sub.add_parser(
        "run",
        help="run only the load profiles (options as for `run`, plus --load-scale, --load-workers, ...)",
        description="Runs the load, endurance and recovery profiles (TK TF 6.1.1, 6.1.2, 6.2.1) with the options "
        "of `rivta-harness run`; e.g. rivta-harness load run --load-scale 0.05 --load-profile basic",
    )
    run.set_defaults(handler=_run)
    worker = sub.add_parser(
        "worker",
        help="join a load run started with --load-master-bind HOST:PORT, from this machine",
        description="Runs virtual users for a master on another machine. The plan comes from the master; the "
        "client certificate is this machine's own and never crosses the network.",
    )
    worker.add_argument("--master", required=True, metavar="HOST:PORT", help="the master's --load-master-bind")
    worker.add_argument("--cert", type=Path, help="client function certificate PEM (with its chain)")
    worker.add_argument("--key", type=Path, help="private key PEM for --cert")
    worker.add_argument("--pkcs12", type=Path, help="client certificate and key as PKCS#12 (.p12/.pfx)")
    worker.add_argument("--cert-password-env", metavar="VAR", help="environment variable holding the password")
    worker.set_defaults(handler=_worker)


def _run(args: argparse.Namespace) -> int:
    quiet = ["-W", "ignore::pytest.PytestAssertRewriteWarning"]
    return int(pytest.main([str(bundled("testsuites")), *quiet, "--load", "-m", "load", *args.pytest_args]))


def _worker(args: argparse.Namespace) -> int:
    host, _, port = args.master.rpartition(":")
    if not host or not port.isdigit():
        raise ConfigError(f"--master {args.master!r}: expected HOST:PORT, e.g. 10.0.0.5:5557")
    credentials = credentials_from(args)
    if credentials is None:
        raise ConfigError("load worker needs a client certificate", hint="give --cert and --key, or --pkcs12")
    print(f"load worker: joining {args.master}; stop with Ctrl-C", flush=True)
    return run_worker(args.master, credentials)
