"""What the mock judges Updates against: the EI contract, the general and the domains' Schematron.

The general rules come with the EI release (``test-suite/UpdateMock/schematron``); each domain
release brings its own ``schemas/engagementindex/*_ei_update_constraints.xml``. A domain file
names its service domain in its rule context (``urn2:serviceDomain='riv:...'``) and its allowed
categorization values in one assertion; both are read from the file, so a new domain release
needs no code.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.contracts import Contract
from harness.contracts.select import resolve_reference
from harness.errors import ConfigError
from harness.schematron import Schematron, compile_schematron

GENERAL_RULES = Path("test-suite/UpdateMock/schematron/general_update_constraints.xml")
DOMAIN_RULES_GLOB = "schemas/engagementindex/*_ei_update_constraints.xml"
UPDATE = "Update"
PROCESS_NOTIFICATION = "ProcessNotification"
_DOMAIN_CONTEXT = re.compile(r"serviceDomain\s*=\s*'([^']+)'")
_CATEGORIZATION = re.compile(r"categorization\s*=\s*'([^']+)'")
_ASSERT_TEST = re.compile(r"<(?:\w+:)?assert\b[^>]*\btest\s*=\s*\"([^\"]*)\"", re.S)


@dataclass(frozen=True, slots=True)
class DomainRules:
    """One service domain's EI rules: its Schematron and the categorization values it allows."""

    domain: str
    source: Path
    schematron: Schematron
    categorizations: frozenset[str]


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Everything an Update is judged against."""

    release: Path
    update: Contract
    process_notification: Contract | None
    general: Schematron
    general_source: Path
    domains: dict[str, DomainRules]

    def domain_rules(self, domain: str) -> DomainRules | None:
        """The rules for ``domain`` (None: judged against the general rules only)."""
        return self.domains.get(domain)


def schematron_file(path: Path) -> Schematron:
    """Compile a Schematron file (once per process and content)."""
    return compile_schematron(path, name=str(path))


def domain_rules_files(reference: Path) -> list[Path]:
    """A constraints file itself, or every EI constraints file of a domain release folder."""
    if reference.is_file():
        return [reference]
    if reference.is_dir():
        found = sorted(reference.glob(DOMAIN_RULES_GLOB))
        if found:
            return found
        raise ConfigError(
            f"--domain-rules {reference}: no {DOMAIN_RULES_GLOB} in this folder",
            hint="give a domain release folder that has EI rules, or the *_ei_update_constraints.xml file",
        )
    raise ConfigError(f"--domain-rules {reference}: no such file or folder")


def load_domain_rules(path: Path) -> DomainRules:
    """Read one domain's constraints file: its domain, allowed categorizations, compiled rules."""
    text = path.read_text(encoding="utf-8", errors="replace")
    domains = sorted(set(_DOMAIN_CONTEXT.findall(text)))
    if len(domains) != 1:
        raise ConfigError(
            f"--domain-rules {path}: expected rules for exactly one service domain, found {len(domains) or 'none'}",
            hint="give the domain release's schemas/engagementindex/*_ei_update_constraints.xml",
        )
    allowed: set[str] = set()
    for test in _ASSERT_TEST.findall(text):
        allowed.update(_CATEGORIZATION.findall(test))
    return DomainRules(domains[0], path, schematron_file(path), frozenset(allowed))


def load_rules(ei_release: Path, domain_references: Sequence[Path] = (), *, option: str = "--contract") -> RuleSet:
    """The EI contract (Update, ProcessNotification), the general rules and each domain's rules.

    ``option`` names the setting that gave ``ei_release`` in error messages.
    """
    if not ei_release.is_dir():
        raise ConfigError(f"{option} {ei_release}: not a folder", hint="give the itintegration_engagementindex release")
    by_name = {c.name: c for c in resolve_reference(str(ei_release))}
    if UPDATE not in by_name:
        raise ConfigError(
            f"{option} {ei_release}: no Update contract here",
            hint="give the itintegration_engagementindex release folder",
        )
    general = ei_release / GENERAL_RULES
    if not general.is_file():
        raise ConfigError(f"{option} {ei_release}: the general EI rules {GENERAL_RULES} are missing")
    domains: dict[str, DomainRules] = {}
    for reference in domain_references:
        for path in domain_rules_files(reference):
            rules = load_domain_rules(path)
            domains[rules.domain] = rules
    return RuleSet(
        ei_release, by_name[UPDATE], by_name.get(PROCESS_NOTIFICATION), schematron_file(general), general, domains
    )
