"""The vendor's declaration: who connects what, which capabilities are offered, known deviations.

It is validated before the run so a typo cannot surface as a misleading verdict at the end.
Capabilities decide "not applicable": a check tied to a capability the declaration says is
not offered is not applicable; one whose capability the declaration does not mention is
"not tested", with the missing key named.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from harness import personnummer
from harness.checks.catalogue import CATALOGUE
from harness.errors import ConfigError
from harness.tomlfile import read_toml

ENVIRONMENTS = ("SIT", "QA", "local")
# Checks made at run time (imported SoapUI cases, EI Update rules) have ids outside the catalogue.
DYNAMIC_CHECK_PREFIXES = ("soapui.", "ei.")
DEVIATION_STATUSES = ("approved", "new")


@dataclass(frozen=True, slots=True)
class Product:
    """A product and its version (tjänsteproducentfabrikat, källsystemsfabrikat)."""

    name: str
    version: str


@dataclass(frozen=True, slots=True)
class Deviation:
    """A known deviation from a check's rule, with its motivation."""

    check: str
    status: str
    motivation: str
    case: str = ""


@dataclass(frozen=True, slots=True)
class DeclaredAnswer:
    """The vendor's own answer to a question of the contract's form that no check can answer."""

    section: str
    question: str
    answer: str
    text: str = ""

    def matches(self, section: str, question: str) -> bool:
        """Same section, and the question starts with (or holds) the declared words."""
        return section == self.section and self.question.casefold() in question.casefold()


@dataclass(frozen=True, slots=True)
class Declaration:
    """What the connecting organisation declares about the verification object."""

    source: Path | None = None
    organisation: str = ""
    organisation_number: str = ""
    connection_point: str = ""
    producer_product: Product | None = None
    source_system_product: Product | None = None
    environment: str = ""
    contact_name: str = ""
    contact_email: str = ""
    capabilities: dict[str, bool] = field(default_factory=dict)
    deviations: tuple[Deviation, ...] = ()
    answers: tuple[DeclaredAnswer, ...] = ()
    synthetic_identities: frozenset[str] = frozenset()

    def answer_for(self, section: str, question: str) -> DeclaredAnswer | None:
        """The vendor's answer to a form question (by section number and words of the question)."""
        return next((a for a in self.answers if a.matches(section, question)), None)

    def capability(self, name: str) -> bool | None:
        """True/False as declared, None when the declaration does not say."""
        return self.capabilities.get(name)

    def deviation_for(self, check_id: str) -> Deviation | None:
        """The declared deviation for a check, if any."""
        return next((d for d in self.deviations if d.check == check_id), None)


def _text(table: dict[str, object], key: str, where: str) -> str:
    value = table.get(key, "")
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {key} must be text")
    return value


def _product(data: dict[str, object], key: str, where: str) -> Product | None:
    table = data.get(key)
    if table is None:
        return None
    if not isinstance(table, dict) or not table.get("name") or not table.get("version"):
        raise ConfigError(f"{where}: [{key}] needs name and version", hint='e.g. name = "Journal X", version = "4.2"')
    return Product(str(table["name"]), str(table["version"]))


def _synthetic_identities(data: dict[str, object], where: str) -> frozenset[str]:
    """``synthetic_identities``: the vendor's own made-up personnummer, not to be warned about as real-looking."""
    values = data.get("synthetic_identities", [])
    if not isinstance(values, list):
        raise ConfigError(f"{where}: synthetic_identities must be a list", hint='e.g. ["199001012388"]')
    identities = set()
    for index, value in enumerate(values, start=1):
        identity = str(value).replace("-", "")
        if not personnummer.is_valid(identity):
            raise ConfigError(
                f"{where}: synthetic_identities entry {index} is not a valid 12-digit personnummer or "
                "samordningsnummer",
                hint="write YYYYMMDDNNNC with a correct check digit",
            )
        identities.add(identity)
    return frozenset(identities)


def load_declaration(path: Path | None) -> Declaration:
    """Read and validate a declaration TOML; one-line errors name the file and the key."""
    if path is None:
        return Declaration()
    where = str(path)
    data = read_toml(path, option="--declaration")
    organisation = data.get("organisation", {})
    contact = data.get("contact", {})
    environment = _text(data, "environment", where)
    if environment and environment not in ENVIRONMENTS:
        raise ConfigError(f"{where}: environment {environment!r} is not one of {', '.join(ENVIRONMENTS)}")
    capabilities = data.get("capabilities", {})
    if not all(isinstance(v, bool) for v in capabilities.values()):
        raise ConfigError(f"{where}: [capabilities] values must be true or false")
    known = {spec.capability for spec in CATALOGUE.values() if spec.capability}
    unknown = set(capabilities) - known
    if unknown:
        raise ConfigError(
            f"{where}: unknown capability {sorted(unknown)[0]!r}", hint=f"known: {', '.join(sorted(known))}"
        )
    deviations = []
    for index, entry in enumerate(data.get("deviations", []), start=1):
        deviation = Deviation(
            check=str(entry.get("check", "")),
            status=str(entry.get("status", "")),
            motivation=str(entry.get("motivation", "")),
            case=str(entry.get("case", "")),
        )
        if deviation.check not in CATALOGUE and not deviation.check.startswith(DYNAMIC_CHECK_PREFIXES):
            raise ConfigError(
                f"{where}: deviation {index} names unknown check {deviation.check!r}",
                hint="use a catalogue id (see the README's check tables) or a soapui.* / ei.* id from a report",
            )
        if deviation.status not in DEVIATION_STATUSES:
            raise ConfigError(f"{where}: deviation {index} status must be 'approved' or 'new'")
        if not deviation.motivation.strip():
            raise ConfigError(f"{where}: deviation {index} ({deviation.check}) needs a motivation")
        if deviation.status == "approved" and not deviation.case:
            raise ConfigError(f"{where}: approved deviation {index} ({deviation.check}) needs the case reference")
        deviations.append(deviation)
    answers = tuple(_answer(entry, index, where) for index, entry in enumerate(data.get("answers", []), start=1))
    return Declaration(
        synthetic_identities=_synthetic_identities(data, where),
        source=path,
        organisation=_text(organisation, "name", where),
        organisation_number=_text(organisation, "number", where),
        connection_point=_text(data, "connection_point", where),
        producer_product=_product(data, "producer_product", where),
        source_system_product=_product(data, "source_system_product", where),
        environment=environment,
        contact_name=_text(contact, "name", where),
        contact_email=_text(contact, "email", where),
        capabilities=dict(capabilities),
        deviations=tuple(deviations),
        answers=answers,
    )


def _answer(entry: object, index: int, where: str) -> DeclaredAnswer:
    """``[[answers]] section = "2.5.2", question = "Tillgänglighet", answer = "yes", text = "..."``."""
    if not isinstance(entry, dict):
        raise ConfigError(f"{where}: answers entry {index} must be a table ([[answers]])")
    section, question = str(entry.get("section", "")), str(entry.get("question", ""))
    answer, text = str(entry.get("answer", "text" if entry.get("text") else "")), str(entry.get("text", ""))
    if not section or not question.strip():
        raise ConfigError(f"{where}: answers entry {index} needs section and question (words of the form's question)")
    if answer not in ("yes", "no", "text"):
        raise ConfigError(f"{where}: answers entry {index} ({section}): answer must be yes, no or text")
    return DeclaredAnswer(section, question.strip(), answer, text)
