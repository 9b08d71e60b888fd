"""``rivta-harness ei serve|mark|report``: the harness as engagement index for a vendor's Update calls."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

from harness.declaration import load_declaration
from harness.ei import EiSettings, load_rules, start_ei_mock
from harness.ei.report import write_ei_report
from harness.ei.server import CONTROL_FILE, TOKEN_HEADER, read_control
from harness.errors import ConfigError
from harness.producer.runtime import ClientKit, ServerCertificates, generated_certificates
from harness.report.bundle import HTML
from harness.report.model import outcome_line

DEFAULT_REPORT_DIR = Path("ei-report")


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``ei`` command group."""
    group = commands.add_parser("ei", help="play the engagement index: judge a source system's EI Update calls")
    sub = group.add_subparsers(dest="ei_command", metavar="ACTION", required=True)

    serve = sub.add_parser("serve", help="serve EI Update 1.0 over mutual TLS until stopped; report at the end")
    serve.add_argument(
        "--contract",
        type=Path,
        required=True,
        metavar="EI_RELEASE",
        help="the itintegration_engagementindex release folder (contract and general rules)",
    )
    serve.add_argument(
        "--domain-rules",
        type=Path,
        action="append",
        default=[],
        metavar="PATH",
        help="a domain release folder or its *_ei_update_constraints.xml (repeatable)",
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=0, help="port (default 0: a free one)")
    serve.add_argument("--cert", type=Path, help="server certificate PEM (with chain); default: the test PKI's")
    serve.add_argument("--key", type=Path, help="server private key PEM for --cert")
    serve.add_argument("--ca-bundle", type=Path, help="CA bundle the vendor's client certificates must chain to")
    serve.add_argument(
        "--pki-dir", type=Path, default=Path("certs/pki"), help="where to generate/reuse a test PKI (default certs/pki)"
    )
    serve.add_argument(
        "--initial-load",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="the first SECONDS after the first Update are an initial load (TKB R8, R12)",
    )
    serve.add_argument(
        "--fault-every",
        type=int,
        default=0,
        metavar="N",
        help="answer every Nth Update with a SOAP fault (to see the retry interval)",
    )
    serve.add_argument(
        "--unavailable-for",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="answer every Update with a SOAP fault for SECONDS after the first one",
    )
    serve.add_argument(
        "--answer-delay",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="hold each answer this long, as a busy index would (makes parallel calls visible)",
    )
    serve.add_argument("--keep-calls", type=int, default=200, metavar="N", help="keep the newest N calls (default 200)")
    serve.add_argument("--mask-personal-ids", action="store_true", help="mask personal identity numbers in the report")
    serve.add_argument("--report-dir", type=Path, default=DEFAULT_REPORT_DIR, help="report folder (default ei-report)")
    serve.add_argument("--lang", choices=("sv", "en"), default="sv", help="report language (default sv)")
    serve.add_argument(
        "--declaration",
        type=Path,
        metavar="TOML",
        help="organisation, products and contact for the report (as for `run`)",
    )
    serve.set_defaults(handler=_serve)  # fmt: skip

    mark = sub.add_parser("mark", help="tell the running mock that a change was just made in the source system")
    mark.add_argument("text", help='what changed, with the personal identity number: "new note for 191212121212"')
    mark.add_argument("--report-dir", type=Path, default=DEFAULT_REPORT_DIR, help="the serving mock's report folder")
    mark.set_defaults(handler=_mark)

    report = sub.add_parser("report", help="write the running mock's EI Update self-declaration now")
    report.add_argument("--report-dir", type=Path, default=DEFAULT_REPORT_DIR, help="the serving mock's report folder")
    report.set_defaults(handler=_report)


def _settings(args: argparse.Namespace) -> EiSettings:
    for name in ("initial_load", "unavailable_for", "answer_delay"):
        if getattr(args, name) < 0:
            raise ConfigError(f"--{name.replace('_', '-')} must be zero or a positive number of seconds")
    if args.fault_every < 0 or args.keep_calls < 1:
        raise ConfigError("--fault-every must be zero or positive and --keep-calls at least 1")
    return EiSettings(
        answer_delay=args.answer_delay,
        fault_every=args.fault_every,
        unavailable_for=args.unavailable_for,
        initial_load=args.initial_load,
        mask_personal_ids=args.mask_personal_ids,
        keep_calls=args.keep_calls,
    )


def _certificates(args: argparse.Namespace) -> tuple[ServerCertificates, Path, ClientKit | None]:
    """Server certificates, the CA file the vendor must trust, and a test client kit (test PKI only)."""
    if args.cert or args.key:
        if not (args.cert and args.key and args.ca_bundle):
            raise ConfigError("--cert and --key need --ca-bundle too", hint="give all three, or none for a test PKI")
        return ServerCertificates(args.cert, args.key, args.ca_bundle), args.cert, None
    pki, certificates, client = generated_certificates(args.pki_dir, args.host)
    if args.ca_bundle:  # our test server certificate, the vendor's own client CAs
        return ServerCertificates(certificates.cert, certificates.key, args.ca_bundle), pki.ca_bundle, None
    return certificates, pki.ca_bundle, client


def _serve(args: argparse.Namespace) -> int:
    settings = _settings(args)
    declaration = load_declaration(args.declaration)
    certificates, trust, client = _certificates(args)
    rules = load_rules(args.contract, args.domain_rules)
    running = start_ei_mock(
        rules,
        settings,
        certificates=certificates,
        host=args.host,
        port=args.port,
        log=lambda line: print(line, flush=True),
    )
    report_dir: Path = args.report_dir

    def write_report(_: str = "") -> str:
        document = write_ei_report(running.mock, report_dir, declaration=declaration, language=args.lang)
        return f"self-declaration: {report_dir / HTML} (outcome: {outcome_line(document)})"

    control = running.open_control(write_report, report_dir / CONTROL_FILE)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(f"EI mock (Update 1.0, ProcessNotification 1.0) listening on {running.url}")
    print(f"  trust this CA          {trust}")
    print(f"  server certificate     {certificates.cert}")
    print(f"  client certificates    must chain to {certificates.client_ca}")
    if client is not None:
        print(f"  test client cert       {client.cert}")
        print(f"  test client key        {client.key}")
    for domain in sorted(rules.domains):
        print(f"  domain rules           {domain}")
    if not rules.domains:
        print("  domain rules           none given: general rules only (--domain-rules)")
    print(f'  mark a change          rivta-harness ei mark "new note for 191212121212" --report-dir {report_dir}')
    print(f"  control endpoint       {control.url}/mark (token in {report_dir / CONTROL_FILE})")
    print("Stop with Ctrl-C: the self-declaration is written then.", flush=True)
    stop.wait()
    print("Stopping: finishing in-flight calls.", file=sys.stderr, flush=True)
    running.stop()
    (report_dir / CONTROL_FILE).unlink(missing_ok=True)
    print(write_report(), flush=True)
    return 0


def _post(report_dir: Path, action: str, text: str) -> str:
    control = read_control(report_dir / CONTROL_FILE)
    request = urllib.request.Request(
        f"{control.url}/{action}", data=text.encode("utf-8"), method="POST", headers={TOKEN_HEADER: control.token}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return str(response.read().decode("utf-8").strip())
    except urllib.error.HTTPError as exc:
        raise ConfigError(f"the EI mock refused: {exc.read().decode('utf-8', errors='replace').strip()}") from None
    except OSError as exc:
        raise ConfigError(
            f"no EI mock answers at {control.url} ({exc})", hint="is `rivta-harness ei serve` still running?"
        ) from None


def _mark(args: argparse.Namespace) -> int:
    print(_post(args.report_dir, "mark", args.text))
    return 0


def _report(args: argparse.Namespace) -> int:
    print(_post(args.report_dir, "report", ""))
    return 0
