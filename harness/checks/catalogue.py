"""Every check the harness can run: stable id, titles in Swedish and English, rule and source, level.

One catalogue, read by the test suites (through the ``rivta_check`` marker), by the report
(titles, rule references, self-declaration sections) and by the docs. A check's id never
changes once published: reviewers compare submissions by it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class Suite(StrEnum):
    """Which kind of suite a check belongs to.

    ``TK`` is a case of a contract's own TK suite (native in ``testsuites/`` or imported from
    Inera's SoapUI project): a run is only "conformant" when a TK suite ran for every contract.
    """

    GENERIC = "generic"
    TK = "tk"
    LOAD = "load"
    EI = "ei"


class Level(StrEnum):
    """How binding a rule is: only a failed *mandatory* check makes the run fail."""

    MANDATORY = "mandatory"
    RECOMMENDED = "recommended"
    OPTIONAL = "optional"


@dataclass(frozen=True, slots=True)
class CheckSpec:
    """One check as reviewers see it."""

    id: str
    title_sv: str
    title_en: str
    rule: str
    source: str
    level: Level
    sjd_section: str
    tf: str = ""
    capability: str = ""
    producer_tls: bool = False
    suite: Suite = Suite.GENERIC

    def title(self, lang: str) -> str:
        """Title in ``sv`` or ``en``."""
        return self.title_sv if lang == "sv" else self.title_en

    def to_record(self) -> dict[str, Any]:
        """JSON-ready form, carried with every result so dynamic checks reach the report unchanged."""
        return {**asdict(self), "level": self.level.value, "suite": self.suite.value}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> CheckSpec:
        """The spec a result carried (inverse of ``to_record``)."""
        return cls(**{**record, "level": Level(record["level"]), "suite": Suite(record.get("suite", "generic"))})


_M, _R, _O = Level.MANDATORY, Level.RECOMMENDED, Level.OPTIONAL
_TK = Suite.TK

_CHECKS = (
    # -- generic RIVTA producer rules, run for every contract ---------------------------------
    CheckSpec("rivta.mutual-tls", "Ömsesidig TLS krävs", "Mutual TLS is required",
              "Calls without a client certificate, or with one from an unrelated CA, are refused",
              "RIVTA BP 2.1 rule 6", _M, "2.5.3", producer_tls=True),
    CheckSpec("rivta.response-envelope", "Giltigt svar är SOAP 1.1 med HTTP 200", "Valid request gets HTTP 200 and a SOAP 1.1 envelope",
              "A valid request is answered with HTTP 200 and a SOAP 1.1 envelope whose Body holds exactly one element",
              "WS-I BP 1.1 R1111, RIVTA BP 2.1 rule 1", _M, "2.2.2", tf="1.1.1"),
    CheckSpec("rivta.response-encoding", "Teckenkodning i http-header och prolog", "Encoding in HTTP header and XML prolog",
              "Content-Type is text/xml with a charset; charset and XML prolog agree and are UTF-8 or UTF-16",
              "WS-I BP 1.1 R1012, R1018; TK TF 2.1", _M, "2.3.1", tf="2.1"),
    CheckSpec("rivta.response-schema", "Svaret följer exakt kontraktsversion", "Answer follows the exact contract version",
              "The Body element is the contract's response element in the exact responder namespace and major version, "
              "schema-valid against the exact minor (including _ext schemas)",
              "RIVTA Tjänsteschema 2.1 rules 3, 9; TKB field rules", _M, "2.2.2", tf="1.1.1"),
    CheckSpec("rivta.invalid-request", "Schemafelaktig begäran ger fel", "Schema-invalid request gets an error",
              "A request with a mandatory element removed or a value of the wrong type gets a SOAP Fault (HTTP 500) "
              "or resultCode ERROR, never a normal data answer",
              "RIVTA Tjänsteschema 2.1 rule 11; TKB error handling", _M, "2.2.3", tf="1.7"),
    CheckSpec("rivta.missing-logical-address", "Begäran utan LogicalAddress ger fel", "Request without LogicalAddress gets an error",
              "A request without the routing header gets a SOAP Fault (HTTP 500) or resultCode ERROR, never data",
              "RIVTA BP 2.1 (LogicalAddress header)", _M, "2.4.8"),
    CheckSpec("rivta.fault-format", "SOAP fault enligt regelverket", "SOAP faults follow the rules",
              "Every fault: HTTP 500, faultcode in the SOAP 1.1 namespace, a faultstring; no personal identity number "
              "from the request, no stack trace, no internal host names",
              "WS-I BP 1.1 R1126; TKB error handling (no personal data)", _M, "2.2.3", tf="1.7"),
    CheckSpec("rivta.fault-log-id", "SOAP fault med log-id", "SOAP faults carry a log id",
              "Faults carry a log id (a UUID is recommended) that cannot be traced to the patient",
              "TKB error handling", _R, "2.2.3", tf="1.7"),
    CheckSpec("rivta.technical-fault", "Tekniskt fel ger SOAP fault utan personuppgifter", "Technical error gives a SOAP fault without personal data",
              "A technical error inside the producer is answered with a SOAP Fault carrying a log id and no personal "
              "data; the vendor provokes one and a reviewer reads it",
              "TKB error handling; TK TF 1.7", _M, "2.2.3", tf="1.7"),
    CheckSpec("rivta.forward-compatibility", "Okända utökningselement tolereras", "Unknown extension elements are tolerated",
              "A valid request with an unknown element from another namespace at the xs:any ##other extension point "
              "gets the same answer as without it",
              "RIVTA Tjänsteschema 2.1 rule 8 (extension points)", _M, "2.7"),
    CheckSpec("rivta.no-soap12", "Inga SOAP 1.2-svar", "No SOAP 1.2 answers",
              "No answer uses application/soap+xml or the SOAP 1.2 envelope namespace",
              "RIVTA BP 2.1 (SOAP 1.1), WS-I BP 1.1", _M, "2.2.2"),
    CheckSpec("rivta.sla", "Svarstid inom SLA", "Answers within the SLA",
              "Every answered call of the run arrives within the SLA (--sla-seconds, default 27 s); average, 95th "
              "percentile and maximum are reported for data answers and SOAP faults apart",
              "TKB SLA (27 s)", _M, "2.5.2"),
    CheckSpec("rivta.concurrency", "Tio samtidiga frågor utan sammanblandning", "Ten concurrent calls without mixed data",
              "Ten concurrent calls with distinct requests (patients from the test data) are each answered "
              "schema-validly with their own request's answer and no other request's data",
              "TKB SLA; TK TF 6.1.1", _M, "2.5.2", tf="6.1.1"),
    CheckSpec("rivta.ping", "PingForConfiguration svarar", "PingForConfiguration answers",
              "When the producer offers PingForConfiguration, it answers schema-validly",
              "RIVTA BP 2.1 rule 21 (dropped 2018: optional)", _O, "2.7", capability="ping_for_configuration"),
    # -- TK suite of the bundled example contract GetClinicalNotes ----------------------------
    CheckSpec("tk.notes.personnummer", "Urval på personnummer", "Selection by personnummer",
              "Notes for a personnummer are returned and every note belongs to that patient",
              "TK TF 1.1.1", _M, "2.2.1", tf="1.1.1", suite=_TK),
    CheckSpec("tk.notes.samordningsnummer", "Urval på samordningsnummer", "Selection by samordningsnummer",
              "Notes for a samordningsnummer are returned and every note belongs to that patient",
              "TK TF 1.1.2", _M, "2.2.1", tf="1.1.2", capability="samordningsnummer", suite=_TK),
    CheckSpec("tk.notes.date-period", "Urval på datumperiod", "Selection by date period",
              "Every note returned for a date period lies inside it, and notes outside it exist",
              "TK TF 1.2.1", _M, "2.2.1", tf="1.2.1", suite=_TK),
    CheckSpec("tk.notes.care-unit", "Urval på vårdenhet", "Selection by care unit",
              "Only notes of the requested care unit are returned, and other units' notes exist",
              "TK TF 1.3", _M, "2.2.1", tf="1.3", suite=_TK),
    CheckSpec("tk.notes.source-system", "Urval på källsystem", "Selection by source system",
              "Only notes of the requested source system are returned, and other systems' notes exist",
              "TK TF 1.4", _M, "2.2.1", tf="1.4", suite=_TK),
    CheckSpec("tk.notes.unknown-patient", "Tomt svar för okänd patient", "Empty answer for an unknown patient",
              "A patient the source system does not know gets an empty answer with resultCode OK, not a fault",
              "TK TF 1.8", _M, "2.2.1", tf="1.8", suite=_TK),
    CheckSpec("tk.notes.special-characters", "Oförvanskade specialtecken", "Special characters unchanged",
              "Text with åäö ÅÄÖ <&> comes back unchanged",
              "TK TF 2.2", _M, "2.3.1", tf="2.2", suite=_TK),
    CheckSpec("tk.notes.approved-true", "approvedForPatient = true levereras", "approvedForPatient = true is delivered",
              "Notes approved for the patient are delivered with approvedForPatient true",
              "TK TF 4.1", _M, "2.3.3", tf="4.1", suite=_TK),
    CheckSpec("tk.notes.approved-false", "approvedForPatient = false levereras", "approvedForPatient = false is delivered",
              "Notes not approved for the patient are delivered too, flagged false (the consumer filters)",
              "TK TF 4.2", _M, "2.3.3", tf="4.2", suite=_TK),
    CheckSpec("tk.notes.logical-address", "Källsystemsadressering", "Source-system addressing",
              "A logical address naming a source system returns only that system's notes",
              "TKB producer rule R3", _M, "2.4.8", suite=_TK),
    CheckSpec("tk.notes.care-unit-blocked", "Undantag för vissa enheter per konsument", "Care units withheld from a consumer",
              "A consumer configured to be denied a care unit does not get that unit's notes",
              "TK TF 7.1", _O, "2.4.8", tf="7.1", capability="consumer_blocking", suite=_TK),
    CheckSpec("tk.notes.consumer-blocked", "Tomt svar för spärrad konsument", "Empty answer for a blocked consumer",
              "A consumer configured to get an empty answer gets one",
              "TK TF 7.2", _O, "2.4.8", tf="7.2", capability="consumer_blocking", suite=_TK),
    CheckSpec("tk.notes.consumer-independent", "Samma svar oavsett konsument", "Same answer for every consumer",
              "Two unblocked consumers get identical answers",
              "TK TF 7.3", _M, "2.4.9", tf="7.3", suite=_TK),
)  # fmt: skip

CATALOGUE: dict[str, CheckSpec] = {spec.id: spec for spec in _CHECKS}


def spec(check_id: str) -> CheckSpec:
    """The catalogue entry for ``check_id`` (KeyError for an unknown id: a suite bug)."""
    return CATALOGUE[check_id]


def spec_of(record: Mapping[str, Any]) -> CheckSpec:
    """The spec of a result record: the one it carries (dynamic checks), else the catalogue's."""
    carried = record.get("spec")
    return CheckSpec.from_record(carried) if carried else CATALOGUE[record["check"]]
