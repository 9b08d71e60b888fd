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
              "Calls without a client certificate, with one from an unrelated CA, an expired one or one without "
              "clientAuth are refused: a handshake alert, a connection closed without an answer, or HTTP "
              "400/401/403/495/496 before any SOAP processing",
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
    CheckSpec("rivta.soap-action", "Fel eller saknad SOAPAction ger fel", "Wrong or missing SOAPAction gets an error",
              "A request whose SOAPAction HTTP header is missing or names another operation gets a SOAP Fault or an "
              "HTTP error, never a normal answer",
              "WS-I BP 1.1 R2744; RIVTA BP 2.1 (SOAPAction per operation)", _M, "2.2.3"),
    CheckSpec("rivta.fault-format", "SOAP fault enligt regelverket", "SOAP faults follow the rules",
              "Every fault: HTTP 500, faultcode in the SOAP 1.1 namespace (soap:Client for a request the consumer got "
              "wrong), a faultstring; no personal identity number from the request, no stack trace, no internal host names",
              "WS-I BP 1.1 R1126; TKB error handling (no personal data)", _M, "2.2.3", tf="1.7"),
    CheckSpec("rivta.fault-log-id", "SOAP fault med log-id", "SOAP faults carry a log id",
              "Faults carry a log id of their own (a UUID is recommended; not the caller's correlation id echoed back) "
              "that cannot be traced to the patient",
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
    CheckSpec("rivta.source-system-addressing", "Endast det adresserade källsystemets information", "Only the addressed source system's information",
              "In source-system-addressed domains every record of an answer comes from the source system named by "
              "LogicalAddress, and a LogicalAddress the producer does not serve gets an empty answer or a fault, "
              "never another source system's data",
              "TKB producer rule R3 (e.g. clinicalprocess:healthcond:description)", _M, "2.4.8"),
    CheckSpec("rivta.load-basic", "Grundlast: minst 10 samtidiga trådar", "Basic load: at least 10 concurrent users",
              "10 virtual users, 1000 ms ± 50 % apart, for 180 s: every answer is the one its own request gets alone "
              "(no other patient's records), schema-valid and within the SLA; the average response time is reported",
              "TK TF 6.1.1 (Grund); SjD SLA-krav", _R, "2.5.2", tf="6.1.1", suite=Suite.LOAD),
    CheckSpec("rivta.endurance", "Uthållighet under 30 minuter", "Endurance for 30 minutes",
              "5 virtual users varying ±100 % every 60 s for 1800 s without failed calls, mixed data or SLA "
              "breaches; how long the producer held is reported",
              "TK TF 6.1.2 (Uthållighet); SjD SLA-krav", _R, "2.5.2", tf="6.1.2", suite=Suite.LOAD),
    CheckSpec("rivta.recovery", "Återhämtning efter maximal last", "Recovery after maximum load",
              "10 → 100 virtual users over 300 s, then a plain TF 1.1.1 call is answered validly again; never mixed "
              "data; the user count reached and the recovery are reported",
              "TK TF 6.2.1 (Återhämtning); SjD SLA-krav", _R, "2.5.2", tf="6.2.1", suite=Suite.LOAD),
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
    # -- TK suite of GetCareDocumentation 3.x (clinicalprocess:healthcond:description) --------
    # Numbered and named as the cases of Inera's TK suite; the SjD section is the form's.
    CheckSpec("tk.gcd3.1.1.1", "TF 1.1.1 Personnummer: urval på personnummer", "TF 1.1.1 Personnummer: selection by personnummer",
              "Records asked for by personnummer are returned and every one belongs to that patient",
              "TK GetCareDocumentation 3.0 TF 1.1.1; TKB 7.1 patientId", _M, "2.2.1", tf="1.1.1", suite=_TK),
    CheckSpec("tk.gcd3.1.1.2", "TF 1.1.2 Samordningsnummer: urval på samordningsnummer", "TF 1.1.2 Samordningsnummer: selection by samordningsnummer",
              "Records asked for by samordningsnummer (root 1.2.752.129.2.1.3.3) are returned and belong to that patient",
              "TK GetCareDocumentation 3.0 TF 1.1.2; TKB 7.1 patientId", _M, "2.2.1", tf="1.1.2", suite=_TK),
    CheckSpec("tk.gcd3.1.1.4", "TF 1.1.4 Lokalt reservnummer: urval på reservnummer", "TF 1.1.4 Lokalt reservnummer: selection by local reserve number",
              "Records asked for by a local reserve number (local OID, sourceSystemId = LogicalAddress) are returned "
              "and belong to that identity",
              "TK GetCareDocumentation 3.0 TF 1.1.4; TKB 7.1 patientId, sourceSystemId", _M, "2.2.1", tf="1.1.4", suite=_TK),
    CheckSpec("tk.gcd3.1.2.1", "TF 1.2.1 datePeriod: urval per datum", "TF 1.2.1 datePeriod: selection per date",
              "For every date in the unfiltered answer, a one-day datePeriod returns exactly the records whose "
              "record.timestamp, author.timestamp, signature.timestamp or dissentingOpinion.authorTime falls on it",
              "TK GetCareDocumentation 3.0 TF 1.2.1; TKB 7.1 datePeriod", _M, "2.2.1", tf="1.2.1", suite=_TK),
    CheckSpec("tk.gcd3.1.2.2", "TF 1.2.2 datePeriod intervall: slumpvisa intervall", "TF 1.2.2 datePeriod intervall: random intervals",
              "Random periods between the first and last date of the unfiltered answer return exactly the records "
              "with a timestamp inside (numberOfIntervals periods, seed in the evidence)",
              "TK GetCareDocumentation 3.0 TF 1.2.2; TKB 7.1 datePeriod", _M, "2.2.1", tf="1.2.2", suite=_TK),
    CheckSpec("tk.gcd3.1.2.3", "TF 1.2.3 datePeriod tomt svar", "TF 1.2.3 datePeriod empty response",
              "A period before every record of the patient gets an empty answer with resultCode OK",
              "TK GetCareDocumentation 3.0 TF 1.2.3; TKB 7.1 datePeriod", _M, "2.2.1", tf="1.2.3", suite=_TK),
    CheckSpec("tk.gcd3.1.2.4", "TF 1.2.4 datePeriod manuell: vald period", "TF 1.2.4 datePeriod manuell: chosen period",
              "The vendor's own period (datePeriodStart/End) returns exactly the records with a timestamp inside",
              "TK GetCareDocumentation 3.0 TF 1.2.4; TKB 7.1 datePeriod", _O, "2.2.1", tf="1.2.4", suite=_TK),
    CheckSpec("tk.gcd3.1.3", "TF 1.3 CareUnit: urval på vårdenhet", "TF 1.3 CareUnit: selection by care unit",
              "careUnit returns exactly the records whose accountableCareUnit is that unit",
              "TK GetCareDocumentation 3.0 TF 1.3; TKB 7.1 careUnit", _M, "2.2.1", tf="1.3", suite=_TK),
    CheckSpec("tk.gcd3.1.4", "TF 1.4 SourceSystem: urval på källsystem", "TF 1.4 SourceSystem: selection by source system",
              "sourceSystemId (equal to LogicalAddress) returns only records of that source system",
              "TK GetCareDocumentation 3.0 TF 1.4; TKB 7.1 sourceSystemId", _M, "2.2.1", tf="1.4", suite=_TK),
    CheckSpec("tk.gcd3.1.6", "TF 1.6 HealthcareProvider: urval på vårdgivare", "TF 1.6 HealthcareProvider: selection by care provider",
              "healthcareProvider returns exactly the records whose accountableHealthcareProvider is that provider",
              "TK GetCareDocumentation 3.0 TF 1.6; TKB 7.1 healthcareProvider", _M, "2.2.1", tf="1.6", suite=_TK),
    CheckSpec("tk.gcd3.1.7", "TF 1.7 SoapFault: tekniskt fel utan personuppgifter", "TF 1.7 SoapFault: technical error without personal data",
              "A technical error is a SOAP Fault with a log id that cannot be traced to the patient and no personal "
              "data; the vendor provokes one and a reviewer reads it",
              "TK GetCareDocumentation 3.0 TF 1.7; TKB 4.4 felhantering", _M, "2.2.3", tf="1.7", suite=_TK),
    CheckSpec("tk.gcd3.1.8", "TF 1.8 NonExisting Patient: tomt svar", "TF 1.8 NonExisting Patient: empty answer",
              "A patient unknown to the source system gets an empty answer with resultCode OK, never a SOAP Fault",
              "TK GetCareDocumentation 3.0 TF 1.8", _M, "2.2.1", tf="1.8", suite=_TK),
    CheckSpec("tk.gcd3.2.1", "TF 2.1 Encoding_HeaderProlog", "TF 2.1 Encoding_HeaderProlog",
              "Content-Type charset and XML prolog encoding are UTF-8 or UTF-16 and agree",
              "TK GetCareDocumentation 3.0 TF 2.1; WS-I BP 1.1 R1012, R1018", _M, "2.3.1", tf="2.1", suite=_TK),
    CheckSpec("tk.gcd3.2.2", "TF 2.2 Encoding_SpecialCharacters", "TF 2.2 Encoding_SpecialCharacters",
              "The test string registered in the source system (testString) comes back unchanged",
              "TK GetCareDocumentation 3.0 TF 2.2", _M, "2.3.1", tf="2.2", suite=_TK),
    CheckSpec("tk.gcd3.3.1", "TF 3.1 VG_VE: accountableCareUnit och accountableHealthcareProvider", "TF 3.1 VG_VE: accountable care unit and provider",
              "Every record carries accountableCareUnit and accountableHealthcareProvider (PDL logging, blocking)",
              "TK GetCareDocumentation 3.0 TF 3.1; TKB 7.1 spärrhantering", _M, "2.3.2", tf="3.1", suite=_TK),
    CheckSpec("tk.gcd3.3.2", "TF 3.2 BlockComparisonTime", "TF 3.2 BlockComparisonTime",
              "Every record carries blockComparisonTime, a valid timestamp",
              "TK GetCareDocumentation 3.0 TF 3.2; TKB JoL header", _M, "2.3.2", tf="3.2", suite=_TK),
    CheckSpec("tk.gcd3.4.1", "TF 4.1 approvedForPatient = true", "TF 4.1 approvedForPatient = true",
              "Records the care provider shares with the patient are delivered with approvedForPatient true",
              "TK GetCareDocumentation 3.0 TF 4.1; TKB R1", _M, "2.3.3", tf="4.1", suite=_TK),
    CheckSpec("tk.gcd3.4.2", "TF 4.2 approvedForPatient = false", "TF 4.2 approvedForPatient = false",
              "Records not shared with the patient are delivered too, flagged false (the consumer filters)",
              "TK GetCareDocumentation 3.0 TF 4.2; TKB R1", _M, "2.3.3", tf="4.2", suite=_TK),
    CheckSpec("tk.gcd3.5.1", "TF 5.1 signerad post", "TF 5.1 signed record", "A signed record (signature with timestamp) can be delivered",
              "TK GetCareDocumentation 3.0 TF 5.1", _O, "2.4.1", tf="5.1", suite=_TK),
    CheckSpec("tk.gcd3.5.2", "TF 5.2 osignerad post", "TF 5.2 unsigned record", "An unsigned record (no signature) can be delivered",
              "TK GetCareDocumentation 3.0 TF 5.2", _O, "2.4.1", tf="5.2", suite=_TK),
    CheckSpec("tk.gcd3.5.4", "TF 5.4 dissentingOpinion", "TF 5.4 dissentingOpinion", "A record with a dissenting opinion can be delivered",
              "TK GetCareDocumentation 3.0 TF 5.4", _O, "2.4.2", tf="5.4", suite=_TK),
    CheckSpec("tk.gcd3.5.5", "TF 5.5 clinicalDocumentNoteCode utr (utredning)", "TF 5.5 clinicalDocumentNoteCode utr (investigation)",
              "A record with clinicalDocumentNoteCode utr (KV Anteckningstyp 1.2.752.129.2.2.2.11) can be delivered",
              "TK GetCareDocumentation 3.0 TF 5.5", _O, "2.4.3", tf="5.5", suite=_TK),
    CheckSpec("tk.gcd3.5.6", "TF 5.6 clinicalDocumentNoteCode atb (behandling)", "TF 5.6 clinicalDocumentNoteCode atb (treatment)",
              "A record with clinicalDocumentNoteCode atb (KV Anteckningstyp 1.2.752.129.2.2.2.11) can be delivered",
              "TK GetCareDocumentation 3.0 TF 5.6", _O, "2.4.3", tf="5.6", suite=_TK),
    CheckSpec("tk.gcd3.5.7", "TF 5.7 clinicalDocumentNoteCode sam (sammanfattning)", "TF 5.7 clinicalDocumentNoteCode sam (summary)",
              "A record with clinicalDocumentNoteCode sam (KV Anteckningstyp 1.2.752.129.2.2.2.11) can be delivered",
              "TK GetCareDocumentation 3.0 TF 5.7", _O, "2.4.3", tf="5.7", suite=_TK),
    CheckSpec("tk.gcd3.5.8", "TF 5.8 clinicalDocumentNoteCode sao (samordning)", "TF 5.8 clinicalDocumentNoteCode sao (coordination)",
              "A record with clinicalDocumentNoteCode sao (KV Anteckningstyp 1.2.752.129.2.2.2.11) can be delivered",
              "TK GetCareDocumentation 3.0 TF 5.8", _O, "2.4.3", tf="5.8", suite=_TK),
    CheckSpec("tk.gcd3.5.9", "TF 5.9 clinicalDocumentNoteCode ins (inskrivning)", "TF 5.9 clinicalDocumentNoteCode ins (admission)",
              "A record with clinicalDocumentNoteCode ins (KV Anteckningstyp 1.2.752.129.2.2.2.11) can be delivered",
              "TK GetCareDocumentation 3.0 TF 5.9", _O, "2.4.3", tf="5.9", suite=_TK),
    CheckSpec("tk.gcd3.5.10", "TF 5.10 clinicalDocumentNoteCode slu (slutanteckning)", "TF 5.10 clinicalDocumentNoteCode slu (final note)",
              "A record with clinicalDocumentNoteCode slu (KV Anteckningstyp 1.2.752.129.2.2.2.11) can be delivered",
              "TK GetCareDocumentation 3.0 TF 5.10", _O, "2.4.3", tf="5.10", suite=_TK),
    CheckSpec("tk.gcd3.5.11", "TF 5.11 clinicalDocumentNoteCode auf (anteckning utan fysiskt möte)", "TF 5.11 clinicalDocumentNoteCode auf (note without physical meeting)",
              "A record with clinicalDocumentNoteCode auf (KV Anteckningstyp 1.2.752.129.2.2.2.11) can be delivered",
              "TK GetCareDocumentation 3.0 TF 5.11", _O, "2.4.3", tf="5.11", suite=_TK),
    CheckSpec("tk.gcd3.5.12", "TF 5.12 clinicalDocumentNoteCode sva (slutenvårdsanteckning)", "TF 5.12 clinicalDocumentNoteCode sva (inpatient note)",
              "A record with clinicalDocumentNoteCode sva (KV Anteckningstyp 1.2.752.129.2.2.2.11) can be delivered",
              "TK GetCareDocumentation 3.0 TF 5.12", _O, "2.4.3", tf="5.12", suite=_TK),
    CheckSpec("tk.gcd3.5.13", "TF 5.13 clinicalDocumentNoteCode bes (besöksanteckning)", "TF 5.13 clinicalDocumentNoteCode bes (visit note)",
              "A record with clinicalDocumentNoteCode bes (KV Anteckningstyp 1.2.752.129.2.2.2.11) can be delivered",
              "TK GetCareDocumentation 3.0 TF 5.13", _O, "2.4.3", tf="5.13", suite=_TK),
    CheckSpec("tk.gcd3.5.14", "TF 5.14 clinicalDocumentNoteText i DocBook", "TF 5.14 clinicalDocumentNoteText in DocBook",
              "A note text formatted as DocBook 5 (only the element set the TKB names) can be delivered",
              "TK GetCareDocumentation 3.0 TF 5.14; TKB 7.1.3", _O, "2.4.4", tf="5.14", capability="docbook", suite=_TK),
    CheckSpec("tk.gcd3.5.15", "TF 5.15 DocBook med specialtecken", "TF 5.15 DocBook with special characters",
              "Special characters in headings, keywords and running text of DocBook notes survive; a reviewer reads them",
              "TK GetCareDocumentation 3.0 TF 5.15", _O, "2.4.4", tf="5.15", capability="docbook", suite=_TK),
    CheckSpec("tk.gcd3.5.16", "TF 5.16 multimediaEntry.value", "TF 5.16 multimediaEntry.value",
              "A record with an embedded multimedia object (base64 value of its mediaType) can be delivered",
              "TK GetCareDocumentation 3.0 TF 5.16", _O, "2.4.5", tf="5.16", capability="multimedia", suite=_TK),
    CheckSpec("tk.gcd3.5.17", "TF 5.17 multimediaEntry.reference", "TF 5.17 multimediaEntry.reference",
              "A record with a multimedia reference (absolute URL) can be delivered",
              "TK GetCareDocumentation 3.0 TF 5.17", _O, "2.4.5", tf="5.17", capability="multimedia", suite=_TK),
    CheckSpec("tk.gcd3.5.18", "TF 5.18 Delsvar (hasMore)", "TF 5.18 Partial answers (hasMore)",
              "A partial answer carries hasMore (logicalAddress, reference); follow-up calls with hasMoreReference "
              "deliver the rest, newest first, until no hasMore remains",
              "TK GetCareDocumentation 3.0 TF 5.18; TKB 7.1.5 partiell datahämtning", _O, "2.4.6", tf="5.18",
              capability="partial_answers", suite=_TK),
    CheckSpec("tk.gcd3.7.1", "TF 7.1 CareUnit_Blacklisted: undantag per konsument", "TF 7.1 CareUnit_Blacklisted: units withheld per consumer",
              "A consumer configured to be denied a care unit gets fewer records and none with filterString",
              "TK GetCareDocumentation 3.0 TF 7.1", _O, "2.4.8", tf="7.1", capability="consumer_blocking", suite=_TK),
    CheckSpec("tk.gcd3.7.2", "TF 7.2 Consumer_Blacklisted: tomt svar för spärrad konsument", "TF 7.2 Consumer_Blacklisted: empty answer for a blocked consumer",
              "A consumer configured to get nothing gets an empty answer while others get records",
              "TK GetCareDocumentation 3.0 TF 7.2", _O, "2.4.8", tf="7.2", capability="consumer_blocking", suite=_TK),
    CheckSpec("tk.gcd3.7.3", "TF 7.3 Consumer_Independent: samma svar oavsett konsument", "TF 7.3 Consumer_Independent: same answer for every consumer",
              "Two unblocked consumers get identical answers (records compared, not only counted)",
              "TK GetCareDocumentation 3.0 TF 7.3", _M, "2.4.9", tf="7.3", suite=_TK),
    CheckSpec("tk.gcd3.unique-record-ids", "Unika record.id i svaret", "Record ids unique within an answer",
              "No two records of one answer share header/record/id (TKB rule 'Verify unique recordId')",
              "TKB 7.1 övriga regler: Verify unique recordId [sch]", _M, "2.2.2", suite=_TK),
)  # fmt: skip

CATALOGUE: dict[str, CheckSpec] = {spec.id: spec for spec in _CHECKS}


def spec(check_id: str) -> CheckSpec:
    """The catalogue entry for ``check_id`` (KeyError for an unknown id: a suite bug)."""
    return CATALOGUE[check_id]


def spec_of(record: Mapping[str, Any]) -> CheckSpec:
    """The spec of a result record: the one it carries (dynamic checks), else the catalogue's."""
    carried = record.get("spec")
    return CheckSpec.from_record(carried) if carried else CATALOGUE[record["check"]]
