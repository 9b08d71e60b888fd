"""Client-certificate and trust options shared by the commands that call a producer."""

from __future__ import annotations

import argparse
from pathlib import Path

from harness.certs import ClientCredentials, load_client_credentials
from harness.errors import ConfigError
from harness.transport.client import TransportSettings


def add_tls_arguments(parser: argparse.ArgumentParser) -> None:
    """--cert/--key or --pkcs12 (+ --cert-password-env), --ca-bundle, timeouts."""
    parser.add_argument("--cert", type=Path, help="client function certificate PEM (with its chain)")
    parser.add_argument("--key", type=Path, help="private key PEM for --cert")
    parser.add_argument("--pkcs12", type=Path, help="client certificate and key as PKCS#12 (.p12/.pfx)")
    parser.add_argument(
        "--cert-password-env", metavar="VAR", help="environment variable holding the key or PKCS#12 password"
    )
    parser.add_argument(
        "--ca-bundle", type=Path, action="append", default=[], help="CA bundle for the producer (repeatable)"
    )
    parser.add_argument("--no-verify-hostname", action="store_true", help="skip host name check (IP-only test hosts)")
    parser.add_argument("--connect-timeout", type=float, default=10.0, help="seconds (default 10)")
    parser.add_argument("--read-timeout", type=float, default=30.0, help="seconds of silence allowed (default 30)")


def credentials_from(args: argparse.Namespace) -> ClientCredentials | None:
    """Load the client credentials the options name (None when none are given)."""
    if args.pkcs12 and (args.cert or args.key):
        raise ConfigError("--pkcs12 cannot be combined with --cert/--key", hint="give one of the two forms")
    if args.pkcs12:
        return load_client_credentials(pkcs12=args.pkcs12, password_env=args.cert_password_env)
    if args.cert or args.key:
        if not (args.cert and args.key):
            raise ConfigError("--cert and --key go together", hint="give both, or --pkcs12")
        return load_client_credentials(cert=args.cert, key=args.key, password_env=args.cert_password_env)
    return None


def settings_from(args: argparse.Namespace) -> TransportSettings:
    """Transport limits from the options."""
    for name in ("connect_timeout", "read_timeout"):
        if getattr(args, name) <= 0:
            raise ConfigError(f"--{name.replace('_', '-')} must be a positive number of seconds")
    return TransportSettings(
        connect_timeout=args.connect_timeout,
        read_timeout=args.read_timeout,
        verify_hostname=not args.no_verify_hostname,
    )
