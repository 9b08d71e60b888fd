"""Deliberate defects the reference producer can be started with, one rule broken each.

They exist so the project can prove every check both ways: a check must pass against the
conformant producer and fail against the producer that breaks exactly its rule.
"""

from __future__ import annotations

from enum import StrEnum

from harness.errors import ConfigError


class Fault(StrEnum):
    """``--fault NAME`` values; the docstring of each member is the rule it breaks."""

    NO_CLIENT_AUTH = "no-client-auth"
    SCHEMA_INVALID_RESPONSE = "schema-invalid-response"
    WRONG_NAMESPACE_VERSION = "wrong-namespace-version"
    FAULT_AS_200 = "fault-as-200"
    NO_FAULT_ON_INVALID_REQUEST = "no-fault-on-invalid-request"
    HTML_ERROR_PAGE = "html-error-page"
    IGNORES_LOGICAL_ADDRESS = "ignores-logical-address"
    NOTFOUND_AS_FAULT = "notfound-as-fault"
    IGNORES_DATE_FILTER = "ignores-date-filter"
    SLOW = "slow"
    LEAKY_FAULT = "leaky-fault"
    REJECTS_EXTENSIONS = "rejects-extensions"
    SOAP12_RESPONSE = "soap12-response"
    CHARSET_MISMATCH = "charset-mismatch"
    CONCURRENCY_BUG = "concurrency-bug"
    IGNORES_CARE_UNIT_FILTER = "ignores-care-unit-filter"
    IGNORES_SOURCE_SYSTEM_FILTER = "ignores-source-system-filter"
    IGNORES_CONSUMER_BLOCKING = "ignores-consumer-blocking"
    MANGLES_SPECIAL_CHARACTERS = "mangles-special-characters"
    HIDES_UNAPPROVED = "hides-unapproved"
    IGNORES_SOURCE_SYSTEM_ADDRESSING = "ignores-source-system-addressing"
    IGNORES_HEALTHCARE_PROVIDER_FILTER = "ignores-healthcare-provider-filter"
    DUPLICATE_RECORD_IDS = "duplicate-record-ids"
    BROKEN_CONTINUATION = "broken-continuation"
    WRONG_FAULTCODE = "wrong-faultcode"
    ECHOES_CORRELATION_ID = "echoes-correlation-id"
    HTTP_202_ANSWER = "http-202-answer"
    IGNORES_PATIENT_FILTER = "ignores-patient-filter"
    CONSUMER_DEPENDENT = "consumer-dependent-answer"
    FLAGS_ALL_UNAPPROVED = "flags-all-unapproved"
    IGNORES_SOAP_ACTION = "ignores-soap-action"
    ACCEPTS_EXPIRED_CLIENT_CERTIFICATE = "accepts-expired-client-certificate"
    OMITS_ACCOUNTABLE_CARE_UNIT = "omits-accountable-care-unit"
    IMPOSSIBLE_BLOCK_COMPARISON_TIME = "impossible-block-comparison-time"
    DROPS_SIGNATURES = "drops-signatures"
    SIGNS_EVERYTHING = "signs-everything"
    DROPS_DISSENTING_OPINIONS = "drops-dissenting-opinions"
    UPPER_CASE_NOTE_CODES = "upper-case-note-codes"
    XHTML_FOR_DOCBOOK = "xhtml-for-docbook"
    LINKS_INSTEAD_OF_EMBEDDING = "links-instead-of-embedding"
    RELATIVE_MULTIMEDIA_REFERENCES = "relative-multimedia-references"

    @property
    def rule(self) -> str:
        """The rule this fault breaks, in one sentence (the README table is generated from these)."""
        return _RULES[self]


_RULES = {
    Fault.NO_CLIENT_AUTH: "accepts calls without a client certificate (RIVTA BP rule 6: mutual TLS)",
    Fault.SCHEMA_INVALID_RESPONSE: "adds an element the contract does not allow to every data answer",
    Fault.WRONG_NAMESPACE_VERSION: "answers in the responder namespace of the next major version",
    Fault.FAULT_AS_200: "sends SOAP Faults with HTTP 200 instead of 500 (WS-I BP R1126)",
    Fault.NO_FAULT_ON_INVALID_REQUEST: "answers schema-invalid requests with a normal data answer",
    Fault.HTML_ERROR_PAGE: "answers errors with an HTML page instead of a SOAP Fault",
    Fault.IGNORES_LOGICAL_ADDRESS: "answers requests that lack the LogicalAddress header",
    Fault.NOTFOUND_AS_FAULT: "answers an unknown patient with a SOAP Fault instead of an empty answer",
    Fault.IGNORES_DATE_FILTER: "returns records outside the requested date period",
    Fault.SLOW: "answers after a delay (--slow-seconds), beyond the SLA when it is set low",
    Fault.LEAKY_FAULT: "puts the patient id and a stack trace in its faults, without a log id",
    Fault.REJECTS_EXTENSIONS: "rejects requests carrying unknown ##other extension elements",
    Fault.SOAP12_RESPONSE: "answers errors with SOAP 1.2 faults (application/soap+xml)",
    Fault.CHARSET_MISMATCH: "declares charset ISO-8859-1 in Content-Type while the prolog says UTF-8",
    Fault.CONCURRENCY_BUG: "drops records from answers while other calls are in flight",
    Fault.IGNORES_CARE_UNIT_FILTER: "returns records from care units that were not asked for",
    Fault.IGNORES_SOURCE_SYSTEM_FILTER: "returns records from source systems that were not asked for",
    Fault.IGNORES_CONSUMER_BLOCKING: "ignores the consumer-specific blocking keyed on the original consumer header",
    Fault.MANGLES_SPECIAL_CHARACTERS: (
        "replaces åäö ÅÄÖ, <&>, double quotes and emoji in plain text (not DocBook markup) with look-alikes"
    ),
    Fault.HIDES_UNAPPROVED: "drops records not approved for the patient instead of returning them flagged",
    Fault.IGNORES_SOURCE_SYSTEM_ADDRESSING: (
        "returns records of every source system whatever the LogicalAddress (TKB R3: only the addressed system's)"
    ),
    Fault.IGNORES_HEALTHCARE_PROVIDER_FILTER: "returns records of healthcare providers that were not asked for",
    Fault.DUPLICATE_RECORD_IDS: "gives the second record of an answer the first one's record id (record ids unique)",
    Fault.BROKEN_CONTINUATION: (
        "answers a hasMoreReference follow-up with the first page again (TKB 7.1.5 partial answers)"
    ),
    Fault.WRONG_FAULTCODE: "answers requests the consumer got wrong with faultcode soap:Server instead of soap:Client",
    Fault.ECHOES_CORRELATION_ID: "gives the caller's x-skltp-correlation-id as the fault's log id instead of its own",
    Fault.HTTP_202_ANSWER: "answers valid requests with HTTP 202 Accepted instead of 200 (WS-I BP R1111)",
    Fault.IGNORES_PATIENT_FILTER: "returns every patient's records, not only the requested patient's",
    Fault.CONSUMER_DEPENDENT: "drops a record for consumers named in x-rivta-original-serviceconsumer-hsaid "
    "other than the certificate's, without any blocking configured",
    Fault.FLAGS_ALL_UNAPPROVED: "sends approvedForPatient false on records approved for the patient",
    Fault.IGNORES_SOAP_ACTION: "answers requests whose SOAPAction header is missing or names another operation",
    Fault.ACCEPTS_EXPIRED_CLIENT_CERTIFICATE: "accepts client certificates whose validity has ended (RIVTA BP rule 6)",
    Fault.OMITS_ACCOUNTABLE_CARE_UNIT: (
        "leaves accountableCareUnit out of every record (TKB Spärrhantering: needed for blocking and PDL logging)"
    ),
    Fault.IMPOSSIBLE_BLOCK_COMPARISON_TIME: (
        "gives blockComparisonTime the date 31 February: the schema's pattern holds, the calendar does not"
    ),
    Fault.DROPS_SIGNATURES: "holds no signature for any record, so it cannot deliver a signed note",
    Fault.SIGNS_EVERYTHING: "gives unsigned records another record's signature, so it cannot deliver an unsigned note",
    Fault.DROPS_DISSENTING_OPINIONS: "holds no dissentingOpinion for any record",
    Fault.UPPER_CASE_NOTE_CODES: "sends clinicalDocumentNoteCode codes in upper case (UTR, ATB, …), not KV Anteckningstyp's",
    Fault.XHTML_FOR_DOCBOOK: "marks clinicalDocumentNoteText markup with the XHTML namespace instead of DocBook's",
    Fault.LINKS_INSTEAD_OF_EMBEDDING: "replaces every embedded multimediaEntry/value with a reference (never embeds)",
    Fault.RELATIVE_MULTIMEDIA_REFERENCES: "gives multimediaEntry/reference as a path without scheme and host",
}


def parse_fault(value: str | None) -> Fault | None:
    """``--fault`` text → Fault; an unknown name is a one-line ConfigError listing the valid ones."""
    if value is None or value == "":
        return None
    try:
        return Fault(value)
    except ValueError:
        raise ConfigError(
            f"--fault {value!r}: unknown fault", hint=f"choose one of: {', '.join(f.value for f in Fault)}"
        ) from None
