"""``rivta-harness doctor``: the communication test, explained step by step."""

from __future__ import annotations

import argparse
import json

from harness.cli.tls_options import add_tls_arguments, credentials_from, settings_from
from harness.contracts.select import resolve_reference
from harness.doctor import DEFAULT_DEADLINE, DoctorInput, DoctorReport, load_files, report_lines, run_doctor
from harness.errors import ConfigError


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``doctor`` command."""
    doctor = commands.add_parser(
        "doctor", help="check DNS, TCP, TLS, client certificate, HTTP, SOAP and one real call of the contract"
    )
    doctor.add_argument("--producer-url", required=True, help="https URL of the producer (or of the platform)")
    doctor.add_argument("--contract", metavar="PATH[::Name]", help="contract to make one real call of")
    doctor.add_argument("--logical-address", help="value of the LogicalAddress header")
    doctor.add_argument("--json", action="store_true", help="print the result as JSON")
    doctor.add_argument(
        "--deadline", type=float, default=DEFAULT_DEADLINE, metavar="S", help="bound of the whole run (default 30 s)"
    )
    add_tls_arguments(doctor)
    doctor.set_defaults(handler=_doctor)


def _doctor(args: argparse.Namespace) -> int:
    if args.deadline <= 0:
        raise ConfigError("--deadline must be a positive number of seconds")
    contract = resolve_reference(args.contract)[0] if args.contract else None
    credentials, files = load_files(lambda: credentials_from(args), args.ca_bundle)
    if files.passed:
        report = run_doctor(
            DoctorInput(
                url=args.producer_url,
                credentials=credentials,
                ca_bundle=tuple(args.ca_bundle),
                contract=contract,
                logical_address=args.logical_address,
                settings=settings_from(args),
                deadline=args.deadline,
            )
        )
    else:
        report = DoctorReport(args.producer_url, [files])
    if args.json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
        return 0 if report.ok else 1
    print(f"Communication test against {report.url}")
    for line in report_lines(report):
        print(line)
    print("All steps passed." if report.ok else "Stopped at the first failing step.")
    return 0 if report.ok else 1
