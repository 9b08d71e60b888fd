"""Preflight: before any check runs, prove that the run's setup can work at all.

A run whose client certificate cannot be loaded, whose password variable is unset, whose CA
bundle does not trust the producer, or whose producer cannot be reached would otherwise end
in one "error" per check and a self-declaration that looks like a result. The preflight
runs ``doctor``'s own steps (the files, then url, dns, tcp, tls and one HTTP round trip) and,
on the first failure, gives the one block ``doctor`` would print. It stops short of the
client-certificate and SOAP steps: those judge the producer, which is the checks' job.
"""

from __future__ import annotations

from harness.certs import load_client_credentials
from harness.doctor import DoctorInput, DoctorReport, load_files, report_lines, run_doctor
from harness.run import RunOptions
from harness.transport.client import TransportSettings

STEPS = ("url", "dns", "tcp", "tls", "http")
EXIT_STATUS = 4  # pytest's usage-error status: the run did not start


def preflight(options: RunOptions) -> DoctorReport | None:
    """The failed preflight for a remote producer, or None when its setup works (or it is embedded)."""
    if options.producer_url is None:
        return None
    credentials, files = load_files(
        lambda: load_client_credentials(
            cert=options.cert, key=options.key, pkcs12=options.pkcs12, password_env=options.cert_password_env
        ),
        options.ca_bundle,
    )
    if not files.passed:
        return DoctorReport(options.producer_url, [files])
    report = run_doctor(
        DoctorInput(
            url=options.producer_url,
            credentials=credentials,
            ca_bundle=options.ca_bundle,
            contract=None,
            logical_address=options.logical_address,
            settings=TransportSettings(read_timeout=options.read_timeout, verify_hostname=options.verify_hostname),
        ),
        STEPS,
    )
    return None if all(step.passed for step in report.steps) else report


def error_block(report: DoctorReport) -> str:
    """One block: what failed, doctor's words for it, and how to skip the preflight."""
    failed = next(step for step in report.steps if not step.passed)
    lines = [
        f"preflight: the run cannot work, stopped before any check at step '{failed.name}' ({report.url})",
        *report_lines(report),
        "No check ran and no self-declaration was written. `rivta-harness doctor` with the same options shows "
        "the same steps; --no-preflight skips this test.",
    ]
    return "\n".join(lines)
