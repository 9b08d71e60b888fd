"""What each known TK suite reads from its data.xml: test case ids, keys and their types.

A vendor's test data is validated against this before any call, so a typo in a key or a
value that is not a number stops the run with one line naming the key and the test case,
instead of surfacing as a verdict. Suites we do not know (e.g. another contract's SoapUI
project) are read without a schema.
"""

from __future__ import annotations

from harness.testdata import CaseSchema

_GCD3_CASES: dict[str, dict[str, type]] = {
    case: {}
    for case in (
        "1.1.1 Personnummer", "1.1.2 Samordningsnummer", "1.1.4 Lokalt reservnummer", "1.2.1 datePeriod",
        "1.3 CareUnit", "1.4 SourceSystem", "1.7 SoapFault", "1.8 NonExisting Patient",
        "2.1 Encoding_HeaderProlog", "3.1 VG_VE", "3.2 BlockComparisonTime", "4.1 ApprovedForPatient_true",
        "4.2 ApprovedForPatient_false", "5.1 signed", "5.2 unsigned", "5.4 DissentingOpinion",
        "5.5 ClinicalDocumentNoteCode_Utredning", "5.6 ClinicalDocumentNoteCode_Behandling",
        "5.7 ClinicalDocumentNoteCode_Sammanfattning", "5.8 ClinicalDocumentNoteCode_Samordning",
        "5.9 ClinicalDocumentNoteCode_Inskrivning", "5.10 ClinicalDocumentNoteCode_Slutanteckning",
        "5.11 ClinicalDocumentNoteCode_AnteckningUtanFysisktMöte",
        "5.12 ClinicalDocumentNoteCode_Slutenvårdsanteckning", "5.13 ClinicalDocumentNoteCode_Besöksanteckning",
        "5.14 ClinicalDocumentNoteText-DocBook", "5.15 DocBook-extended", "5.17 MultimediaEntryReference",
    )
} | {
    "1.2.2 datePeriod intervall": {"numberOfIntervals": int},
    "1.2.3 datePeriod empty response": {"datePeriodStart": str, "datePeriodEnd": str},
    "1.2.4 datePeriod manuell": {"datePeriodStart": str, "datePeriodEnd": str},
    "1.3 CareUnit": {"careUnitHSAid": str},
    "1.6 HealthcareProvider": {"healthcareProviderId": str},
    "2.2 Encoding_SpecialCharacters": {"testString": str},
    "5.16 MultimediaEntryValue": {"outputFileName": str},
    "5.18 Delsvar": {"sleepingSeconds": int},
    "6.1 Loadtest": {"patientId1": str, "patientId2": str},
    "6.2 Recovery": {"patientId1": str, "patientId2": str},
    "7.1 CareUnit_Blacklisted": {"httpHeaderHsaId2": str, "filterString": str},
    "7.2 Consumer_Blacklisted": {"httpHeaderHsaId2": str},
    "7.3 Consumer_Independent": {"httpHeaderHsaId2": str},
}  # fmt: skip

GET_CARE_DOCUMENTATION_3 = CaseSchema(
    globaldata={
        "webServiceUrl": str, "httpHeaderHsaId": str, "logicalAddress": str, "patientId": str,
        "patientIdType": str, "sourceSystemHSAId": str, "careGiverHSAId": str, "careUnitHSAId": str,
        "careContactId": str, "logTestData": bool, "logTestDataPath": str, "logTestDataFilesAllowed": int,
    },
    cases=_GCD3_CASES,
)  # fmt: skip

# (contract name, major version) → the schema of its TK suite's data.
SCHEMAS: dict[tuple[str, int], CaseSchema] = {("GetCareDocumentation", 3): GET_CARE_DOCUMENTATION_3}
