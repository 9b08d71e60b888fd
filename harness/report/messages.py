"""The report's sentences in Swedish: verdict messages, findings and warnings written by checks in English.

Checks, suites and the transport word what they saw in English, close to the code that saw
it, and the JSON keeps those words. A Swedish report must not switch language in the middle
of a finding, so the renderings translate them here, phrase by phrase: each entry is an
English phrase (a regular expression whose groups carry the values: labels, paths, numbers,
quoted values) and its Swedish wording. Entries apply in order, most specific first; values
inside the groups are kept as recorded. Text that no entry knows stays as recorded, and
``untranslated_words`` lets the tests find such text.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from copy import deepcopy
from typing import Any

from harness.transport.problems import ProblemKind, problem

# Swedish for every transport problem, by kind (the English texts live in harness.transport.problems).
PROBLEMS_SV: dict[ProblemKind, tuple[str, str]] = {
    ProblemKind.DNS: (
        "producentens värdnamn går inte att slå upp",
        "kontrollera värden i --producer-url och den DNS som maskinen använder",
    ),
    ProblemKind.REFUSED: (
        "ingenting tar emot anslutningar på den värden och porten",
        "kontrollera porten i --producer-url och att producenten är igång",
    ),
    ProblemKind.CONNECT_TIMEOUT: (
        "TCP-anslutningen besvarades inte i tid",
        "en brandvägg stoppar troligen trafiken; beställ öppning från denna adress till producenten",
    ),
    ProblemKind.UNREACHABLE: (
        "det finns ingen nätverksväg till producenten",
        "kontrollera routing/VPN mellan denna maskin och producenten",
    ),
    ProblemKind.TLS_UNTRUSTED: (
        "producentens certifikat är inte utfärdat av en CA i den betrodda samlingen",
        "ange producentens CA-kedja med --ca-bundle (för SITHS: Root CA v2 och Function CA v1, eller TEST-varianterna)",
    ),
    ProblemKind.TLS_HOSTNAME: (
        "producentens certifikat namnger inte värden i URL:en",
        "anropa det värdnamn certifikatet anger, eller använd --no-verify-hostname för testvärdar med bara IP-adress",
    ),
    ProblemKind.TLS_EXPIRED: (
        "producentens certifikat har gått ut eller gäller ännu inte",
        "producenten måste förnya sitt certifikat; kontrollera också maskinens klocka",
    ),
    ProblemKind.TLS_CLIENT_REJECTED: (
        "producenten avvisade vårt klientcertifikat",
        "låt producenten lita på vår utfärdande CA och använd ett funktionscertifikat som är giltigt, "
        "har clientAuth och skickas med sin mellanliggande CA",
    ),
    ProblemKind.TLS_NOT_REQUESTED: (
        "producenten bad inte om något klientcertifikat",
        "konfigurera producenten att kräva klientcertifikat (ömsesidig TLS, RIVTA BP regel 6)",
    ),
    ProblemKind.TLS_FAILED: (
        "TLS-handskakningen misslyckades",
        "kontrollera att producenten talar TLS 1.2 eller senare på porten och att URL:en använder https",
    ),
    ProblemKind.RESET: (
        "producenten stängde anslutningen utan att svara",
        "se producentens logg; en proxy eller lastbalanserare kan också bryta anslutningen",
    ),
    ProblemKind.READ_TIMEOUT: (
        "producenten slutade skicka innan svaret var komplett",
        "leta efter ett anrop som hänger i producentens logg; producenter ska svara inom 27 s",
    ),
    ProblemKind.DEADLINE: (
        "svaret tog längre tid än den totala tid som tillåts för ett anrop",
        "producenten ska svara inom 27 s (TKB SLA); leta efter långsamma frågor eller delsvar (hasMore)",
    ),
    ProblemKind.TOO_LARGE: (
        "svaret är större än gränsen för svarsstorlek",
        "producenten bör dela upp stora svar (hasMore); plattformens egen gräns är 15–50 MB",
    ),
    ProblemKind.REDIRECT: (
        "producenten svarade med en omdirigering, som SOAP-klienter inte följer",
        "ange den slutliga URL:en i --producer-url",
    ),
    ProblemKind.HTTP_ERROR: (
        "producenten svarade med ett HTTP-fel utan SOAP-kuvert",
        "kontrollera URL:ens sökväg; en SOAP-producent svarar på fel med ett SOAP Fault och HTTP 500",
    ),
    ProblemKind.NOT_XML: (
        "svaret är inte XML (till exempel en HTML-felsida)",
        "kontrollera URL:ens sökväg och vad som står framför producenten (proxy, servletbehållare)",
    ),
    ProblemKind.SOAP_FAULT: (
        "producenten svarade med ett SOAP Fault",
        "läs faultstring och producentens logg",
    ),
    ProblemKind.PLATFORM_FAULT: (
        "NTjP-plattformen svarade med ett VP-fel i stället för producenten",
        "se VP-kodens betydelse och åtgärd",
    ),
    ProblemKind.LOCAL_FILES: (
        "vårt klientcertifikat, vår nyckel eller CA-samlingen kan inte användas",
        "kontrollera filerna och lösenordsvariabeln som --cert-password-env anger",
    ),
}

_V = r"(?P<v>'(?:[^'\\]|\\.)*'|\"[^\"]*\")"  # a quoted value, kept as recorded

# (English phrase as a regular expression, Swedish wording); most specific first.
_PHRASES: tuple[tuple[str, str], ...] = (
    # verdict messages
    (r"the harness could not run this check: ", "verktyget kunde inte köra kontrollen: "),
    (r"not tested: the run was interrupted", "ej testat: körningen avbröts"),
    (r"not tested: the check did not run", "ej testat: kontrollen kördes inte"),
    (r"not tested: skipped \(", "ej testat: hoppades över ("),
    (r"\bnot tested: ", "ej testat: "),
    (r"\bnot applicable: ", "ej tillämplig: "),
    (r"^manual: ", "manuell bedömning: "),
    (r"test data lacks (?P<k>\[tk\.[^\]]+\] \S+) in a --testdata file", r"testdata saknar \g<k> i en --testdata-fil"),
    (r"test data lacks (?P<k>\[tk\.[^\]]+\] \S+) in ", r"testdata saknar \g<k> i "),
    (
        r"the declaration does not say whether (?P<c>\w+) is offered \(\[capabilities\] (?P=c) in (?P<w>[^)]+)\)",
        r"deklarationen anger inte om \g<c> erbjuds ([capabilities] \g<c> i \g<w>)",
    ),
    (r"a --declaration file", "en --declaration-fil"),
    (r"the declaration says (?P<c>\w+) is not offered", r"deklarationen anger att \g<c> inte erbjuds"),
    (
        r"with --via-ntjp the platform, not the producer, terminates TLS",
        "med --via-ntjp avslutar plattformen, inte producenten, TLS",
    ),
    (r"no SOAP fault was seen in this run", "inget SOAP-fel sågs i körningen"),
    (
        r"the request element has no xs:any ##other extension point",
        "begäranselementet saknar utökningspunkt (xs:any ##other)",
    ),
    (
        r"provoke a technical error in the producer \(e\.g\. stop its database\), call it, and attach the fault; "
        r"a reviewer checks it is a SOAP Fault with a log id and no personal data\. The client-error faults of this "
        r"run \((?P<n>\d+) calls\) are attached for comparison",
        r"framkalla ett tekniskt fel i producenten (t.ex. stoppa dess databas), anropa den och bifoga felet; en "
        r"granskare kontrollerar att det är ett SOAP Fault med logg-id och utan personuppgifter. Denna körnings "
        r"klientfel (\g<n> anrop) är bifogade för jämförelse",
    ),
    (
        r"the request built from the test data does not validate against (?P<c>[^:]+): ",
        r"begäran som byggts av testdatan validerar inte mot \g<c>: ",
    ),
    (r"correct the value in --testdata or --set", "rätta värdet i --testdata eller --set"),
    # check summaries
    (r"the producer accepts callers it cannot authenticate", "producenten tar emot anropare den inte kan autentisera"),
    (
        r"the answer to a valid request is not a proper SOAP 1\.1 answer",
        "svaret på en giltig begäran är inte ett korrekt SOAP 1.1-svar",
    ),
    (r"the answer's character encoding is declared wrongly", "svarets teckenkodning är felaktigt angiven"),
    (r"the answer does not follow ", "svaret följer inte "),
    (r"schema-invalid requests get normal answers", "schemaogiltiga begäranden får normala svar"),
    (
        r"no element of this contract has a type that can be broken; only removal was tried",
        "inget element i kontraktet har en typ som kan brytas; bara borttagning prövades",
    ),
    (
        r"a request without the routing header is answered as if it were valid",
        "en begäran utan adresseringshuvud besvaras som om den vore giltig",
    ),
    (r"SOAP faults break the rules for faults", "SOAP-felen bryter mot reglerna för fel"),
    (r"faults carry no log id", "felen saknar logg-id"),
    (r"an unknown ##other extension element changes the answer", "ett okänt utökningselement (##other) ändrar svaret"),
    (r"the producer answers with SOAP 1\.2", "producenten svarar med SOAP 1.2"),
    (
        r"answers slower than the SLA of (?P<l>\S+) s \(average (?P<a>\S+) s, max (?P<m>\S+) s\)",
        r"svar långsammare än SLA-gränsen \g<l> s (medel \g<a> s, max \g<m> s)",
    ),
    (r"(?P<n>\d+) concurrent calls are not all answered alike", r"\g<n> samtidiga anrop besvaras inte likadant"),
    (r"PingForConfiguration does not answer schema-validly", "PingForConfiguration svarar inte schemagiltigt"),
    (r"selection by (?P<f>\S+) is wrong", r"urval på \g<f> är fel"),
    (r"filtering on (?P<f>\S+) is wrong", r"filtrering på \g<f> är fel"),
    (
        r"an unknown patient is not answered with an empty OK answer",
        "en okänd patient besvaras inte med ett tomt OK-svar",
    ),
    (r"special characters are altered", "specialtecken ändras"),
    (r"TF (?P<t>\S+) not met", r"TF \g<t> uppfylls inte"),
    (
        r"a call addressed to a source system returns other systems' notes",
        "ett anrop adresserat till ett källsystem returnerar andra systems anteckningar",
    ),
    (r"withheld care unit delivered", "undanhållen vårdenhet levererades"),
    (r"blocked consumer gets data", "spärrad konsument får data"),
    (r"cannot compare answers", "svaren kan inte jämföras"),
    (r"the answer depends on the consumer", "svaret beror på konsumenten"),
    (r"one of the two calls got no normal answer", "ett av de två anropen fick inget normalt svar"),
    # findings about answers
    (r"\bno answer: ", "inget svar: "),
    (r"incomplete answer: ", "ofullständigt svar: "),
    (
        r"HTTP status is (?P<s>\d+), expected 200 for a valid request",
        r"HTTP-status är \g<s>, 200 förväntades för en giltig begäran",
    ),
    (r"the body is not XML: ", "innehållet är inte XML: "),
    (
        r"the document element is (?P<e>\S+), not a SOAP 1\.1 (?P<n>\S+)Envelope",
        r"dokumentelementet är \g<e>, inte ett SOAP 1.1-kuvert \g<n>Envelope",
    ),
    (r"the envelope has no Body", "kuvertet saknar Body"),
    (r"a valid request was answered with a SOAP Fault: ", "en giltig begäran besvarades med ett SOAP Fault: "),
    (
        r"the Body holds (?P<n>\d+) elements, expected exactly one",
        r"Body innehåller \g<n> element, exakt ett förväntades",
    ),
    (
        rf"Content-Type is {_V}, expected text/xml \(SOAP 1\.1\)",
        r"Content-Type är \g<v>, text/xml (SOAP 1.1) förväntades",
    ),
    (r"Content-Type has no charset parameter", "Content-Type saknar charset-parameter"),
    (r"charset (?P<c>\S+) is neither UTF-8 nor UTF-16", r"charset \g<c> är varken UTF-8 eller UTF-16"),
    (
        r"the XML prolog declares (?P<c>\S+), neither UTF-8 nor UTF-16",
        r"XML-prologen anger \g<c>, varken UTF-8 eller UTF-16",
    ),
    (
        r"the Content-Type says (?P<a>\S+) but the XML prolog says (?P<b>\S+)",
        r"Content-Type anger \g<a> men XML-prologen anger \g<b>",
    ),
    (r"there is no single response element to validate", "det finns inget enskilt svarselement att validera"),
    (
        rf"the answer uses namespace {_V}; contract (?P<c>.+?) requires ",
        r"svaret använder namnrymden \g<v>; kontraktet \g<c> kräver ",
    ),
    (r"the Body holds (?P<a>\S+), expected (?P<b>\S+)", r"Body innehåller \g<a>, \g<b> förväntades"),
    (r"no SOAP Fault came back: ", "inget SOAP Fault kom tillbaka: "),
    (
        r"error answered with (?P<k>.+?) instead of a SOAP Fault",
        r"felet besvarades med \g<k> i stället för ett SOAP Fault",
    ),
    (
        r"answered with a normal data answer \(HTTP (?P<s>\d+), (?P<d>[^)]*)\) instead of a fault or ERROR",
        r"besvarades med ett normalt datasvar (HTTP \g<s>, \g<d>) i stället för ett fel eller ERROR",
    ),
    (r"answered with (?P<k>.+?) instead of a SOAP Fault", r"besvarades med \g<k> i stället för ett SOAP Fault"),
    (r"a non-SOAP answer", "ett svar som inte är SOAP"),
    (r"no result code", "ingen resultatkod"),
    (r"Content-Type application/soap\+xml is SOAP 1\.2", "Content-Type application/soap+xml är SOAP 1.2"),
    (r"the envelope is SOAP 1\.2", "kuvertet är SOAP 1.2"),
    (r"(?P<a>\d+) vs (?P<b>\d+) elements", r"\g<a> mot \g<b> element"),
    (r"(?P<a>=(?:'[^']*'|\"[^\"]*\")) vs ", r"\g<a> mot "),
    # findings about faults
    (
        r"SOAP Fault sent with HTTP (?P<s>\d+); WS-I BP R1126 requires 500",
        r"SOAP Fault skickat med HTTP \g<s>; WS-I BP R1126 kräver 500",
    ),
    (
        rf"faultcode {_V} is not a QName in the SOAP 1\.1 envelope namespace",
        r"faultcode \g<v> är inte ett QName i SOAP 1.1-kuvertets namnrymd",
    ),
    (r"the fault has no faultstring", "felet saknar faultstring"),
    (r"the fault repeats the personal identity number from the request", "felet upprepar personnumret från begäran"),
    (r"the fault contains a stack trace", "felet innehåller en stackspårning"),
    (r"the fault names an internal host \(", "felet namnger en intern värd ("),
    (r"the fault carries no log id", "felet saknar logg-id"),
    # findings of the generic and TK suites
    (r"a call without a client certificate was not refused", "ett anrop utan klientcertifikat nekades inte"),
    (
        r"a call with a certificate from an unrelated CA was not refused",
        "ett anrop med ett certifikat från en orelaterad CA nekades inte",
    ),
    (r", answered\)", ", besvarat)"),
    (
        r"HTTP (?P<a>\d+) with the extension element, (?P<b>\S+) without",
        r"HTTP \g<a> med utökningselementet, \g<b> utan",
    ),
    (r"no normal answer with the extension element", "inget normalt svar med utökningselementet"),
    (r"no normal answer", "inget normalt svar"),
    (r" differs: ", " skiljer sig: "),
    (r"note (?P<d>\S+) belongs to another patient", r"anteckning \g<d> tillhör en annan patient"),
    (
        r"no notes for (?P<p>\S+); the test data must name a patient with notes",
        r"inga anteckningar för \g<p>; testdatan måste ange en patient med anteckningar",
    ),
    (r"note (?P<d>\S+) dated (?P<t>\d+) is outside ", r"anteckning \g<d> daterad \g<t> ligger utanför "),
    (
        r"note (?P<d>\S+) lies inside the period but was not returned",
        r"anteckning \g<d> ligger inom perioden men returnerades inte",
    ),
    (
        r"the test data must give a period that excludes some of the patient's notes",
        "testdatan måste ange en period som utesluter några av patientens anteckningar",
    ),
    (r"note (?P<d>\S+) matches but was not returned", r"anteckning \g<d> matchar men returnerades inte"),
    (
        r"the test data must name a (?P<a>\S+) that only some of the patient's notes have",
        r"testdatan måste ange ett värde för \g<a> som bara några av patientens anteckningar har",
    ),
    (
        r"note (?P<d>\S+) returned for a patient the source system should not know",
        r"anteckning \g<d> returnerades för en patient som källsystemet inte ska känna till",
    ),
    (r"resultCode is (?P<c>\S+), expected OK", r"resultCode är \g<c>, OK förväntades"),
    (
        rf"no text contains {_V}; texts with special characters: ",
        r"ingen text innehåller \g<v>; texter med specialtecken: ",
    ),
    (r"no note has approvedForPatient true", "ingen anteckning har approvedForPatient true"),
    (
        r"no note has approvedForPatient false \(notes must be returned and flagged, not dropped\)",
        "ingen anteckning har approvedForPatient false (anteckningar ska returneras och flaggas, inte utelämnas)",
    ),
    (r"note (?P<d>\S+) comes from (?P<s>\S+)", r"anteckning \g<d> kommer från \g<s>"),
    (
        r"no notes when addressed to (?P<s>\S+); the test data must name a source system with notes",
        r"inga anteckningar vid adressering till \g<s>; testdatan måste ange ett källsystem med anteckningar",
    ),
    (r"note (?P<d>\S+) of (?P<u>\S+) was returned", r"anteckning \g<d> från \g<u> returnerades"),
    (r"note (?P<d>\S+) has (?P<a>\w+) ", r"anteckning \g<d> har \g<a> "),
    (r"(?P<n>\d+) notes returned to a blocked consumer", r"\g<n> anteckningar returnerades till en spärrad konsument"),
    # what the harness saw in an answer (harness.xmlsafe, harness.transport)
    (r"\bresponse to ", "svar på "),
    (r": contains a DOCTYPE/entity declaration", ": innehåller en DOCTYPE-/entitetsdeklaration"),
    (
        r"the harness never processes DTDs or entities; remove the declaration",
        "verktyget behandlar aldrig DTD:er eller entiteter; ta bort deklarationen",
    ),
    (r", line (?P<n>\d+): not well-formed XML \(", r", rad \g<n>: inte välformad XML ("),
    (r": not well-formed XML \(", ": inte välformad XML ("),
    (r"fix the XML so that it parses", "rätta XML:en så att den går att läsa"),
    # setup the preflight normally catches first (harness.certs)
    (
        r"environment variable \$(?P<e>\w+) \(password for (?P<f>[^)]+)\) is not set or is empty",
        r"miljövariabeln $\g<e> (lösenord för \g<f>) är inte satt eller är tom",
    ),
    (r"export (?P<e>\w+) with the password before running", r"exportera \g<e> med lösenordet före körningen"),
    (
        r"the password setting for (?P<f>\S+) is not an environment variable name",
        r"lösenordsinställningen för \g<f> är inte namnet på en miljövariabel",
    ),
    (
        r"put the password in an environment variable and give its name \(letters, digits, _\)",
        "lägg lösenordet i en miljövariabel och ange dess namn (bokstäver, siffror, _)",
    ),
    # call labels
    (r"\bvalid request with our function certificate", "giltig begäran med vårt funktionscertifikat"),
    (r"\binvalid request: ", "ogiltig begäran: "),
    (r"\bvalid request\b", "giltig begäran"),
    (r"mandatory element (?P<e>\S+) removed", r"obligatoriskt element \g<e> borttaget"),
    (rf"(?P<p>\S+) set to {_V}, which its type forbids", r"\g<p> satt till \g<v>, vilket dess typ förbjuder"),
    (r"unknown element (?P<e>\S+) at the extension point", r"okänt element \g<e> vid utökningspunkten"),
    (r"request without routing header", "begäran utan adresseringshuvud"),
    (r"\bcall without a client certificate", "anrop utan klientcertifikat"),
    (r"\bcall with a certificate from an unrelated CA", "anrop med ett certifikat från en orelaterad CA"),
    (r"timed call (?P<n>\d+)", r"tidmätt anrop \g<n>"),
    (r"reference call", "referensanrop"),
    (r"concurrent call #(?P<n>\d+)", r"samtidigt anrop nr \g<n>"),
    (r"TF (?P<t>\S+) notes for a (?P<f>\S+)", r"TF \g<t> anteckningar för ett \g<f>"),
    (r"TF (?P<t>\S+) all notes", r"TF \g<t> alla anteckningar"),
    (r"TF (?P<t>\S+) notes for blocked consumer ", r"TF \g<t> anteckningar för spärrad konsument "),
    (r"TF (?P<t>\S+) notes for consumer ", r"TF \g<t> anteckningar för konsument "),
    (r"TF (?P<t>\S+) notes with special characters", r"TF \g<t> anteckningar med specialtecken"),
    (r"TF (?P<t>\S+) notes for ", r"TF \g<t> anteckningar för "),
    (r"TF 1\.2\.1 notes ", "TF 1.2.1 anteckningar "),
    (r"TF 1\.8 unknown patient", "TF 1.8 okänd patient"),
    (r"TF 7\.3 as our consumer", "TF 7.3 som vår konsument"),
    (r"TF 7\.3 as consumer ", "TF 7.3 som konsument "),
    (r"notes addressed to source system ", "anteckningar adresserade till källsystem "),
    # warnings
    (
        r"evidence holds (?P<p>\S+), a valid personal identity number outside Skatteverket's test series "
        r"\(birth numbers 980-999\): test data must be synthetic; if it is your own synthetic identity, "
        r"list it under synthetic_identities in the declaration",
        r"bevisen innehåller \g<p>, ett giltigt personnummer utanför Skatteverkets testserie (födelsenummer "
        r"980–999): testdata ska vara syntetiska; är det er egen syntetiska identitet, ange den under "
        r"synthetic_identities i deklarationen",
    ),
    (
        rf"contract defect: xs:pattern {_V} uses \^/\$, which XSD reads as literal characters; ",
        r"kontraktsdefekt: xs:pattern \g<v> använder ^/$, som XSD läser som bokstavliga tecken; ",
    ),
    (
        r"read literally, as XSD requires, no real value can match; pass --pattern-anchors to treat them as anchors",
        "de läses bokstavligt som XSD kräver, så inget verkligt värde kan matcha; ange --pattern-anchors för att "
        "behandla dem som ankare",
    ),
    (r"treated as anchors \(--pattern-anchors\)", "de behandlas som ankare (--pattern-anchors)"),
    (
        rf"imported as {_V}; the letter case differs \(works only on Windows\)",
        r"importeras som \g<v>; skiftläget skiljer sig (fungerar bara på Windows)",
    ),
    (
        rf"soapAction {_V} differs from (?P<e>'[^']*') \(RIVTA BP rule 15\)",
        r"soapAction \g<v> skiljer sig från \g<e> (RIVTA BP regel 15)",
    ),
    (
        r"file name says major (?P<a>\S+), the namespace says (?P<b>\S+)",
        r"filnamnet anger huvudversion \g<a>, namnrymden anger \g<b>",
    ),
    (
        r"the request message binds neither riv:LogicalAddress nor wsa:To as soap:header; assuming (?P<p>\S+) "
        r"from the namespace",
        r"begäransmeddelandet binder varken riv:LogicalAddress eller wsa:To som soap:header; \g<p> antas utifrån "
        r"namnrymden",
    ),
    # how a run ended
    (
        r"interrupted \(Ctrl-C\); checks that did not run are marked not tested",
        "avbruten (Ctrl-C); kontroller som inte kördes är markerade som ej testade",
    ),
    (r"partial run: (?P<n>\d+) checks were deselected \(-k/-m\)", r"delkörning: \g<n> kontroller valdes bort (-k/-m)"),
    (r"(?P<n>\d+) planned checks did not run", r"\g<n> planerade kontroller kördes inte"),
)


@functools.cache
def _compiled() -> tuple[tuple[re.Pattern[str], str], ...]:
    problems = []
    for kind, (explanation, fix) in PROBLEMS_SV.items():
        english = problem(kind)
        problems += [(re.escape(english.explanation), explanation), (re.escape(english.fix), fix)]
    # Whole problem sentences first: they are longer than, and may contain, the phrases below.
    ordered = sorted(problems, key=lambda pair: -len(pair[0])) + list(_PHRASES)
    return tuple((re.compile(pattern, re.MULTILINE), swedish) for pattern, swedish in ordered)


def translate(text: str, lang: str) -> str:
    """``text`` in ``lang``: unchanged for English, phrase by phrase for Swedish."""
    if lang == "en" or not text:
        return text
    for pattern, swedish in _compiled():
        text = pattern.sub(swedish, text)
    return text


def localized(document: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """A copy of the document whose messages, findings, warnings and interruption are in ``lang``."""
    copy = deepcopy(dict(document))
    if lang == "en":
        return copy
    for check in copy["checks"]:
        check["message"] = translate(check["message"], lang)
        check["findings"] = [translate(finding, lang) for finding in check["findings"]]
    copy["warnings"] = [translate(warning, lang) for warning in copy["warnings"]]
    if copy["run"].get("interruption"):
        copy["run"]["interruption"] = translate(copy["run"]["interruption"], lang)
    return copy


_ENGLISH = re.compile(
    r"\b(the|is|are|was|were|not|with|without|answer|answered|request|call|calls|expected|has|have|no|of|"
    r"returned|missing|does|must|should|which|from|for|and|in)\b"
)
_RECORDED = re.compile(
    r"'(?:[^'\\]|\\.)*'|\"[^\"]*\"|\{[^}]*\}\S*|\(line \d+\): .*$|https?://\S+|\S+\.\w+:\d+", re.MULTILINE
)


def untranslated_words(text: str) -> list[str]:
    """English words left in a translated text, outside quoted values, paths and third-party validator messages."""
    return _ENGLISH.findall(_RECORDED.sub(" ", text))
