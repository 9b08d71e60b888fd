"""Reading and writing credential files without ever widening who can read a key.

Keys and passwords are written to a sibling temporary file created with ``O_EXCL`` and mode
0600, then renamed over the target: there is no moment when the secret sits in a file with
wider permissions, and re-running overwrites cleanly even if an old file had looser ones.
Passwords only ever come from an environment variable named by the user, never a literal,
so they do not end up in shell history, ``ps`` output or CI logs.
"""

from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from cryptography.hazmat.primitives.serialization import pkcs12

from harness.errors import CertificateError, ConfigError

_PRIVATE_MODE = 0o600
_PUBLIC_MODE = 0o644
ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
PASSWORD_HINT = "export the password in an environment variable and name it with --cert-password-env"


def write_file(path: Path, data: bytes, *, private: bool) -> None:
    """Atomically replace ``path``; a ``private`` file is owner-only from its first byte."""
    mode = _PRIVATE_MODE if private else _PUBLIC_MODE
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def read_bytes(path: Path, what: str) -> bytes:
    """The file's bytes, or a one-line error naming the file and what it should have been."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CertificateError(f"{what} {path} does not exist", hint="check the path") from None
    except IsADirectoryError:
        raise CertificateError(f"{what} {path} is a directory", hint="give the file inside it") from None
    except OSError as exc:
        raise CertificateError(
            f"{what} {path} cannot be read: {exc.strerror}", hint="check the file's permissions"
        ) from None


def password_from_env(password_env: str | None, file: Path) -> bytes | None:
    """The password held by the variable named ``password_env`` (None when no name is given)."""
    if password_env is None:
        return None
    if not ENV_NAME.fullmatch(password_env):
        # Never echo the value: a user may have typed the password itself here.
        raise ConfigError(
            f"the password setting for {file} is not an environment variable name",
            hint="put the password in an environment variable and give its name (letters, digits, _)",
        )
    value = os.environ.get(password_env, "")
    if not value:
        raise CertificateError(
            f"environment variable ${password_env} (password for {file}) is not set or is empty",
            hint=f"export {password_env} with the password before running",
        )
    return value.encode()


def open_pkcs12(path: Path, password_env: str | None) -> pkcs12.PKCS12KeyAndCertificates:
    """Decrypt a PKCS#12 bundle with the password from ``$password_env`` (no password if None)."""
    data = read_bytes(path, "PKCS#12 file")
    password = password_from_env(password_env, path)
    try:
        return pkcs12.load_pkcs12(data, password)
    except ValueError:
        if password is None:
            raise CertificateError(
                f"PKCS#12 file {path} cannot be opened without a password (or is not PKCS#12)",
                hint=PASSWORD_HINT,
            ) from None
        raise CertificateError(
            f"PKCS#12 password from ${password_env} does not open {path}",
            hint=f"check the value of {password_env} and that the file really is a PKCS#12 bundle",
        ) from None
