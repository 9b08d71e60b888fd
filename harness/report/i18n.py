"""Every word the report page shows, in Swedish (the default, as Inera's template) and English.

Strings are (Swedish, English) pairs so a missing translation is a syntax error, not a
blank on the page. Verdict and answer names follow the vocabulary of the självdeklaration.
"""

from __future__ import annotations

from typing import Any

from harness.errors import ReportError

LANGUAGES = ("sv", "en")

UI: dict[str, tuple[str, str]] = {
    "title": ("Självdeklaration – tjänsteproducent", "Self-declaration – service producer"),
    "self_assessment_kicker": ("Leverantörens självbedömning", "Vendor's self-assessment"),
    "self_assessment": (
        "Detta är leverantörens självbedömning, framtagen med rivta-harness genom anrop mot tjänsteproducenten. "
        "Den ersätter inte Ineras granskning: Ineras beslut fylls i under ”Resultat (fylls i av Inera)” sist i dokumentet.",
        "This is the vendor's self-assessment, produced with rivta-harness by calling the service producer. "
        "It does not replace Inera's review: Inera's decision is entered under “Result (completed by Inera)” at the end.",
    ),
    "incomplete_banner": ("Ofullständig körning", "Incomplete run"),
    "incomplete_text": (
        "Alla planerade kontroller kördes inte, så resultatet kan inte ligga till grund för ett godkännande.",
        "Not every planned check ran, so this result cannot support an approval.",
    ),
    "test_run_banner": ("Ej giltig för godkännande – testkörning", "Not valid for approval — test run"),
    "test_run_text": (
        "Körningen visar att verktyget fungerar, inte att en leverantörs tjänsteproducent uppfyller kraven:",
        "This run shows that the harness works, not that a vendor's producer conforms:",
    ),
    "missing_vo": (
        "Verifieringsobjektet är ofullständigt; deklarationsfilen saknar:",
        "The verification object is incomplete; the declaration lacks:",
    ),
    "contracts_label": ("Tjänstekontrakt", "Service contracts"),
    "producer_url": ("Tjänsteproducent", "Service producer"),
    "run_time": ("Körning", "Run"),
    "tool": ("Verktyg", "Tool"),
    "contents": ("Innehåll", "Contents"),
    "nav_sjd": ("SjD-frågor", "SjD questions"),
    "observations": ("Observationer", "Observations"),
    "nav_result": ("Ineras resultat", "Inera's result"),
    "summary": ("Sammanfattning", "Summary"),
    "outcome": ("Självbedömt utfall", "Self-assessed outcome"),
    "verdict_counts": ("Kontroller per bedömning", "Checks by verdict"),
    "total": ("Totalt", "Total"),
    "undeclared": ("Odeklarerade avvikelser", "Undeclared deviations"),
    "undeclared_text": (
        "Obligatoriska kontroller som inte uppfylldes och som inte är deklarerade som kända avvikelser:",
        "Mandatory checks that were not met and are not declared as known deviations:",
    ),
    "verification_object": ("Verifieringsobjekt", "Verification object"),
    "organisation": ("Anslutande organisation", "Connecting organisation"),
    "org_number": ("organisationsnummer", "organisation number"),
    "connection_point": ("Anslutningspunkt", "Connection point"),
    "producer_product": ("Tjänsteproducentfabrikat", "Service producer product"),
    "source_system_product": ("Källsystemsfabrikat", "Source system product"),
    "environment": ("Miljö", "Environment"),
    "contact": ("Kontaktperson", "Contact person"),
    "logical_address": ("Logisk adress", "Logical address"),
    "via_ntjp": ("Anrop via NTjP", "Calls via NTjP"),
    "declaration_file": ("Deklarationsfil", "Declaration file"),
    "testdata_file": ("Testdatafil", "Test data file"),
    "not_given": ("ej angivet", "not given"),
    "producer_certificate": ("Tjänsteproducentens certifikat", "Service producer's certificate"),
    "client_certificate": ("Vårt klientcertifikat (tjänstekonsument)", "Our client certificate (service consumer)"),
    "subject": ("Innehavare", "Subject"),
    "issuer": ("Utfärdare", "Issuer"),
    "fingerprint": ("SHA-256-fingeravtryck", "SHA-256 fingerprint"),
    "valid_until": ("Giltigt till", "Valid until"),
    "hsa_id": ("HSA-id", "HSA id"),
    "no_certificate": (
        "Inget certifikat registrerades (ingen lyckad TLS-förbindelse).",
        "No certificate was recorded (no successful TLS connection).",
    ),
    "sla": ("Svarstider (SLA)", "Response times (SLA)"),
    "sla_limit": ("Gräns", "Limit"),
    "sla_answers": ("Svar med data", "Answers"),
    "sla_faults": ("SOAP-fel", "SOAP faults"),
    "measurements": ("Mätvärden", "Measurements"),
    "form_intro": (
        "Frågorna och avsnitten är tjänstekontraktets egen självdeklaration, läst ur releasepaketet ({file}). "
        "Varje svar bygger på kontrollerna som anges; frågor som ingen kontroll kan besvara besvaras av leverantören.",
        "The questions and sections are the service contract's own self-declaration form, read from the release "
        "({file}). Each answer rests on the checks named; questions no check can answer are for the vendor.",
    ),
    "backed_by": ("Underlag", "Backed by"),
    "declared_answer": ("enligt deklarationen", "as declared"),
    "sla_calls": ("Besvarade anrop", "Answered calls"),
    "sla_average": ("Medel", "Average"),
    "sla_max": ("Längsta", "Maximum"),
    "sla_p95": ("95:e percentilen", "95th percentile"),
    "sla_over": ("Anrop över gränsen", "Calls over the limit"),
    "sla_none": ("Inga besvarade anrop att mäta.", "No answered calls to measure."),
    "warnings": ("Varningar", "Warnings"),
    "sjd": ("Självdeklarationens frågor", "Self-declaration questions"),
    "sjd_intro": (
        "Svaren härleds ur kontrollerna nedan. Varje rad länkar till kontrollens detaljer och inspelade anrop.",
        "The answers are derived from the checks below. Each row links to the check's details and recorded calls.",
    ),
    "question": ("Fråga", "Question"),
    "tf": ("TF", "TF"),
    "answer": ("Svar", "Answer"),
    "verdict": ("Bedömning", "Verdict"),
    "contract": ("Kontrakt", "Contract"),
    "details": ("Detaljer", "Details"),
    "deviations": ("Kända avvikelser", "Known deviations"),
    "deviations_intro": (
        "Deklarerade avvikelser (i leverantörens deklarationsfil) ställda mot det som observerades i körningen.",
        "Declared deviations (in the vendor's declaration file) compared with what the run observed.",
    ),
    "no_deviations": ("Inga avvikelser deklarerade eller observerade.", "No deviations declared or observed."),
    "check": ("Kontroll", "Check"),
    "level": ("Nivå", "Level"),
    "declared_as": ("Deklarerad som", "Declared as"),
    "observed": ("Observerad i körningen", "Observed in this run"),
    "case": ("Ärende", "Case reference"),
    "motivation": ("Motivering", "Motivation"),
    "checks": ("Kontroller", "Checks"),
    "rule": ("Regel", "Rule"),
    "source": ("Källa", "Source"),
    "sjd_section": ("SjD-avsnitt", "SjD section"),
    "duration": ("Tid", "Duration"),
    "findings": ("Fynd", "Findings"),
    "evidence": ("Bevis", "Evidence"),
    "call": ("anrop", "call"),
    "calls": ("anrop", "calls"),
    "no_evidence": ("Inga inspelade anrop.", "No recorded calls."),
    "evidence_not_loaded": ("Bevisfilen lästes inte in:", "The evidence file was not loaded:"),
    "expand_all": ("Visa alla bevis", "Expand all evidence"),
    "collapse_all": ("Dölj alla bevis", "Collapse all evidence"),
    "started": ("Tidpunkt", "Started"),
    "http_status": ("HTTP-status", "HTTP status"),
    "no_response": ("inget svar", "no response"),
    "timing": ("Tider", "Timing"),
    "timing_total": ("totalt", "total"),
    "timing_first_byte": ("första byte", "first byte"),
    "timing_tls": ("TLS-handskakning", "TLS handshake"),
    "tls": ("TLS", "TLS"),
    "presented_certificate": ("Presenterat klientcertifikat", "Client certificate presented"),
    "none": ("inget", "none"),
    "request": ("Begäran", "Request"),
    "response": ("Svar", "Response"),
    "headers": ("Huvuden", "Headers"),
    "body": ("Innehåll", "Body"),
    "empty": ("(tomt)", "(empty)"),
    "binary_body": ("Binärt innehåll, base64-kodat:", "Binary content, base64-encoded:"),
    "body_cut": (
        "Här visas de första {kb} kB. Hela innehållet finns i bevisfilen {path}.",
        "The first {kb} kB are shown here. The full body is in the evidence file {path}.",
    ),
    "body_truncated": (
        "Innehållet kortades redan vid inspelningen (över 2 MB).",
        "The body was already cut when it was recorded (over 2 MB).",
    ),
    "explanation": ("Förklaring", "Explanation"),
    "fix": ("Åtgärd", "Fix"),
    "detail": ("Detalj", "Detail"),
    "contracts": ("Tjänstekontrakt", "Service contracts"),
    "key": ("Nyckel", "Key"),
    "domain": ("Tjänstedomän", "Service domain"),
    "domain_release": ("Domänversion", "Domain release"),
    "profile": ("Profil", "Profile"),
    "wsdl_namespace": ("WSDL-namnrymd", "WSDL namespace"),
    "responder_namespace": ("Responder-namnrymd", "Responder namespace"),
    "soap_action": ("SOAPAction", "SOAPAction"),
    "package": ("Paket", "Package"),
    "file": ("Fil", "File"),
    "size": ("Storlek (byte)", "Size (bytes)"),
    "contract_warnings": ("Varningar om kontraktet", "Contract warnings"),
    "result": ("Resultat (fylls i av Inera)", "Result (completed by Inera)"),
    "result_intro": (
        "Ineras bedömning av självdeklarationen för verifieringsobjektet ovan.",
        "Inera's assessment of the self-declaration for the verification object above.",
    ),
    "approved": ("Godkänd", "Approved"),
    "approved_with_reservations": ("Godkänd med förbehåll", "Approved with reservations"),
    "rejected": ("Underkänd", "Rejected"),
    "result_comments": ("Förbehåll och avvikelser", "Reservations and deviations"),
    "date": ("Datum", "Date"),
    "name": ("Namn", "Name"),
    "generated_by": ("Skapad av", "Produced by"),
}

VERDICTS: dict[str, tuple[str, str]] = {
    "passed": ("Uppfyllt", "Passed"),
    "failed": ("Ej uppfyllt", "Failed"),
    "error": ("Kunde inte köras", "Could not run"),
    "not applicable": ("Ej tillämplig", "Not applicable"),
    "not tested": ("Ej testat", "Not tested"),
    "manual": ("Manuell bedömning", "Manual review"),
}

ANSWERS: dict[str, tuple[str, str]] = {
    "yes": ("Ja", "Yes"),
    "no": ("Nej", "No"),
    "not applicable": ("Ej tillämplig", "Not applicable"),
    "not tested": ("Ej testat", "Not tested"),
    "not observed": ("Ej observerat", "Not observed"),
    "manual": ("Manuell bedömning", "Manual review"),
    "vendor": ("Besvaras av leverantören", "To be answered by the vendor"),
    "text": ("Uppgift", "Statement"),
}

OUTCOMES: dict[str, tuple[str, str]] = {
    "conformant": ("Uppfyller kraven", "Conformant"),
    "conformant with declared deviations": (
        "Uppfyller kraven med deklarerade avvikelser",
        "Conformant with declared deviations",
    ),
    "deviations not declared": ("Odeklarerade avvikelser", "Deviations not declared"),
    "incomplete": ("Ofullständig körning", "Incomplete run"),
    "generic rules only": ("Endast generella regler", "Generic rules only"),
    "pending review": ("Väntar på granskning", "Pending review"),
}

SUBMISSION: dict[str, tuple[str, str]] = {
    "embedded producer": ("den inbyggda referensproducenten anropades", "the embedded reference producer was called"),
    "loopback address": ("producenten nåddes på en lokal adress (loopback)", "the producer was on a loopback address"),
    "test PKI certificate": (
        "certifikat från verktygets egen test-PKI användes",
        "certificates from the harness's own test PKI were used",
    ),
    "organisation": ("anslutande organisation ([organisation] name)", "connecting organisation ([organisation] name)"),
    "producer product": (
        "tjänsteproducentfabrikat och version ([producer_product])",
        "producer product and version ([producer_product])",
    ),
    "source-system product": (
        "källsystemsfabrikat och version ([source_system_product])",
        "source-system product and version ([source_system_product])",
    ),
    "contact": (
        "kontaktperson med e-post ([contact] name, email)",
        "contact person with e-mail ([contact] name, email)",
    ),
}

LEVELS: dict[str, tuple[str, str]] = {
    "mandatory": ("Obligatorisk", "Mandatory"),
    "recommended": ("Rekommenderad", "Recommended"),
    "optional": ("Valfri", "Optional"),
}

DEVIATION_STATUSES: dict[str, tuple[str, str]] = {
    "approved": ("Godkänd sedan tidigare", "Approved earlier"),
    "new": ("Ny, ej bedömd", "New, not yet assessed"),
    "undeclared": ("Ej deklarerad", "Not declared"),
}


def texts(lang: str) -> dict[str, dict[str, Any]]:
    """All strings of one language, grouped as the template uses them."""
    if lang not in LANGUAGES:
        raise ReportError(f"report language {lang!r}: choose sv or en")
    index = LANGUAGES.index(lang)
    groups = {
        "ui": UI,
        "verdict": VERDICTS,
        "answer": ANSWERS,
        "outcome": OUTCOMES,
        "level": LEVELS,
        "deviation": DEVIATION_STATUSES,
        "submission": SUBMISSION,
    }
    return {group: {key: pair[index] for key, pair in strings.items()} for group, strings in groups.items()}
