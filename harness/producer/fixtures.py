"""Reference-producer data: one response document per contract plus a filter mapping.

Each ``<Contract>_<major>.toml`` in the fixtures folder names a response payload that holds
every record the producer knows, the repeated record element, and how request values map
onto record values for the patient, date-period, care-unit, healthcare-provider and
source-system filters that RIVTA information contracts share, plus optional partial answers
(``[paging]``: newest records first and a continuation reference, as GetCareDocumentation 3
defines it). One generic mechanism serves the bundled example contract and any real contract
a fixture is written for, so they filter alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from harness import xmlsafe
from harness.errors import ConfigError, HarnessError
from harness.tomlfile import read_toml


@dataclass(frozen=True, slots=True)
class MatchFilter:
    """Keep records whose value at any ``record`` path equals one of the request's values."""

    request: tuple[str, ...]
    record: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DateFilter:
    """Keep records with any ``record`` timestamp whose date lies in [start, end]."""

    request_start: str
    request_end: str
    record: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Paging:
    """Partial answers for some patients: ``page_size`` newest records, then ``more`` with a reference.

    ``more`` is the response element (children ``logicalAddress`` and ``reference``) added
    before the element that follows the records; ``reference`` is the request element that
    asks for the next page; ``result_code`` is where a rejected reference says ERROR.
    """

    patients: frozenset[str]
    page_size: int
    newest_first: str
    more: str
    reference: str
    result_code: str


@dataclass(frozen=True, slots=True)
class ContractFixture:
    """Records and filter mapping for one contract major version."""

    contract: str
    major: int
    source: Path
    response: etree._Element
    record: str
    count: str
    patient: MatchFilter | None
    date: DateFilter | None
    care_unit: MatchFilter | None
    source_system: MatchFilter | None
    blocked_consumers: frozenset[str] = frozenset()
    hidden_care_units: dict[str, frozenset[str]] = field(default_factory=dict)
    healthcare_provider: MatchFilter | None = None
    addressed_only: bool = False
    """TKB R3 strictly: a LogicalAddress that is none of the source systems gets an empty answer."""
    record_id: str = ""
    paging: Paging | None = None


def _strings(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ConfigError(f"{where}: expected a path or a list of paths")


def _match_filter(table: dict[str, object], name: str, where: str) -> MatchFilter | None:
    section = table.get(name)
    if section is None:
        return None
    if not isinstance(section, dict) or "request" not in section or "record" not in section:
        raise ConfigError(f"{where}: [filter.{name}] needs 'request' and 'record'")
    return MatchFilter(
        _strings(section["request"], f"{where} filter.{name}.request"), _strings(section["record"], where)
    )


def _date_filter(table: dict[str, object], where: str) -> DateFilter | None:
    section = table.get("date")
    if section is None:
        return None
    if not isinstance(section, dict) or not {"request_start", "request_end", "record"} <= section.keys():
        raise ConfigError(f"{where}: [filter.date] needs request_start, request_end and record")
    return DateFilter(str(section["request_start"]), str(section["request_end"]), _strings(section["record"], where))


def _paging(data: dict[str, object], where: str) -> Paging | None:
    section = data.get("paging")
    if section is None:
        return None
    keys = {"patients", "page_size", "newest_first", "more", "reference", "result_code"}
    if not isinstance(section, dict) or not keys <= section.keys():
        raise ConfigError(f"{where}: [paging] needs {', '.join(sorted(keys))}")
    size = section["page_size"]
    if not isinstance(size, int) or size < 1:
        raise ConfigError(f"{where}: paging.page_size must be a whole number of at least 1")
    return Paging(
        patients=frozenset(_strings(section["patients"], f"{where} paging.patients")),
        page_size=size,
        **{key: str(section[key]) for key in ("newest_first", "more", "reference", "result_code")},
    )


def load_fixture(path: Path) -> ContractFixture:
    """Read one ``<Contract>_<major>.toml`` and its response document; one-line errors name the file."""
    data = read_toml(path, option="fixture")
    where = str(path)
    try:
        response_file = path.parent / str(data["response"])
        contract, major, record = str(data["contract"]), int(data["major"]), str(data["record"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(
            f"{where}: missing or bad key {exc}", hint="see fixtures/reference-producer/README.md"
        ) from None
    try:
        response = xmlsafe.parse(response_file.read_bytes(), source=str(response_file))
    except OSError as exc:
        raise ConfigError(f"{where}: response file {response_file} cannot be read ({exc.strerror})") from None
    except HarnessError as exc:
        raise ConfigError(str(exc)) from None
    filters = data.get("filter", {})
    consumers = data.get("consumers", {})
    hidden = {str(k): frozenset(_strings(v, where)) for k, v in consumers.get("hidden_care_units", {}).items()}
    return ContractFixture(
        contract=contract,
        major=major,
        source=path,
        response=response,
        record=record,
        count=str(data.get("count", "")),
        patient=_match_filter(filters, "patient", where),
        date=_date_filter(filters, where),
        care_unit=_match_filter(filters, "care_unit", where),
        source_system=_match_filter(filters, "source_system", where),
        blocked_consumers=frozenset(_strings(consumers.get("blocked", []), where)),
        hidden_care_units=hidden,
        healthcare_provider=_match_filter(filters, "healthcare_provider", where),
        addressed_only=bool(filters.get("source_system", {}).get("addressed_only", False)),
        record_id=str(data.get("record_id", "")),
        paging=_paging(data, where),
    )


def load_fixtures(folder: Path) -> dict[tuple[str, int], ContractFixture]:
    """Every fixture in ``folder``, keyed by (contract name, major)."""
    if not folder.is_dir():
        raise ConfigError(f"--fixtures {folder}: not a folder", hint="point at fixtures/reference-producer")
    fixtures: dict[tuple[str, int], ContractFixture] = {}
    for path in sorted(folder.glob("*.toml")):
        fixture = load_fixture(path)
        fixtures[(fixture.contract, fixture.major)] = fixture
    return fixtures


def elements_at(element: etree._Element, path: str) -> list[etree._Element]:
    """Every element at a slash path of local names below ``element``."""
    nodes = [element]
    for name in path.split("/"):
        nodes = [child for node in nodes for child in node if xmlsafe.local_name(child) == name]
    return nodes


def values_at(element: etree._Element, path: str) -> list[str]:
    """Text of every element at a slash path of local names below ``element``."""
    return [(node.text or "").strip() for node in elements_at(element, path)]
