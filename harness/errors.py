"""One error hierarchy for everything that stops the harness from doing its job.

A conformance tool must never confuse "we could not run" with "the producer is wrong".
Every exception in this module means the *harness* could not do something (bad setting,
unusable contract package, certificate that will not load, producer unreachable). Producer
non-conformance is never raised as one of these: it is a check failure with evidence.

    HarnessError                 root; str() is one line naming the thing and the fix
    ├── ConfigError              a setting, option or input file is wrong
    ├── ContractError            a contract package cannot be used as given
    │   └── ContractDefect       the package loads but the contract itself is broken
    ├── CertificateError         credentials or CA bundles cannot be loaded or are unusable
    ├── TransportError           no usable answer from the producer (network, TLS, limits)
    ├── PlatformFault            the NTjP platform answered (VP fault) instead of the producer
    ├── ProducerServerError      the reference producer could not start or serve
    ├── ReportError              a report cannot be written, read, signed or verified
    └── LoadError                the load generator could not run a profile to its end
"""

from __future__ import annotations


class HarnessError(Exception):
    """Root of all harness errors; the message is one line, the hint says what to do."""

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        text = " ".join(self.message.split())
        if self.hint:
            text = f"{text} — {' '.join(self.hint.split())}"
        return text


class ConfigError(HarnessError, ValueError):
    """A command-line option, config file entry or input file has a value we cannot use."""


class ContractError(HarnessError):
    """A contract package, WSDL or XSD cannot be loaded (missing, malformed, unsafe, remote)."""


class ContractDefect(ContractError):
    """The files load, but the contract itself is defective; the producer is not to blame."""


class CertificateError(HarnessError):
    """A certificate, key, PKCS#12 bundle or CA bundle cannot be loaded or used."""


class TransportError(HarnessError):
    """The harness could not get a usable HTTP answer from the producer."""


class PlatformFault(HarnessError):
    """The NTjP platform answered a call with a VP fault: the producer was not heard, so the
    check cannot judge it (its verdict is error, never failed, and never a correct rejection)."""


class ProducerServerError(HarnessError):
    """The embedded reference producer could not start or serve."""


class SoapUIError(HarnessError):
    """A SoapUI project, its data.xml or one of its properties, scripts or XPaths cannot be used."""


class ReportError(HarnessError):
    """A self-declaration bundle cannot be written, read, signed or verified."""


class LoadError(HarnessError):
    """The load generator could not run a profile to its end (worker lost, interrupted, no calls made)."""
