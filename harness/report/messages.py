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
    (r"there is no single response element", "det finns inget enskilt svarselement"),
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
    (r"\ba call (?P<w>.+?) was not refused \(", r"ett anrop \g<w> nekades inte ("),
    (r"(?<=anrop )without a client certificate", "utan klientcertifikat"),
    (r"(?<=anrop )with a certificate from an unrelated CA", "med ett certifikat från en orelaterad CA"),
    (r"(?<=anrop )with an expired certificate", "med ett utgånget certifikat"),
    (r"(?<=anrop )with a certificate without clientAuth", "med ett certifikat utan clientAuth"),
    (r", answered\)", ", besvarat)"),
    (
        r"a normal answer \(HTTP (?P<s>\d+)\), not a fault or HTTP error",
        r"ett normalt svar (HTTP \g<s>), inte ett fel eller HTTP-fel",
    ),
    (r", a normal answer\)", ", ett normalt svar)"),
    (r"refused in the TLS handshake \(", "nekades i TLS-handskakningen ("),
    (r"connection closed without an answer \(", "anslutningen stängdes utan svar ("),
    (r"refused with HTTP (?P<s>\d+)", r"nekades med HTTP \g<s>"),
    (
        rf"faultcode {_V} for a request the consumer got wrong; expected soap:(?P<c>\w+)",
        r"faultcode \g<v> för en begäran som konsumenten gjorde fel; soap:\g<c> förväntades",
    ),
    (
        rf"faultcode {_V} for a request the producer failed to handle; expected soap:(?P<c>\w+)",
        r"faultcode \g<v> för en begäran som producenten inte kunde hantera; soap:\g<c> förväntades",
    ),
    (
        r"the fault's only log id is our own (?P<h>\S+) echoed back",
        r"felets enda logg-id är vårt eget \g<h>, skickat tillbaka",
    ),
    (r"the NTjP platform answered instead of the producer, ", "NTjP-plattformen svarade i stället för producenten, "),
    (
        r"with --via-ntjp the platform routes on the header and answers VP003",
        "med --via-ntjp styr plattformen på huvudet och svarar VP003",
    ),
    (r"the contract's WSDL gives this operation no soapAction", "kontraktets WSDL ger operationen ingen soapAction"),
    (
        r"the producer does not check the SOAPAction of the operation",
        "producenten kontrollerar inte operationens SOAPAction",
    ),
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
    # the generic suite's newer wording
    (
        r"make the producer fail internally \(e\.g\. cut its database connection\), call it, and attach the answer; "
        r"a reviewer checks it is a SOAP Fault with a log id that cannot be traced to the patient and no personal "
        r"data\. The faults of this run's (?P<n>\d+) invalid requests are attached",
        r"få producenten att fela internt (t.ex. bryt dess databasanslutning), anropa den och bifoga svaret; en "
        r"granskare kontrollerar att det är ett SOAP Fault med ett logg-id som inte kan spåras till patienten och "
        r"utan personuppgifter. Felen från körningens \g<n> ogiltiga begäranden är bifogade",
    ),
    (
        r"mixed data needs at least two distinct requests; give them in the test data, e\.g\. ",
        "blandade data kräver minst två olika begäranden; ange dem i testdatan, t.ex. ",
    ),
    (r"\(with Inera's data\.xml: ", "(med Ineras data.xml: "),
    (
        r"the (?P<n>\d+) distinct requests of the test data get identical answers when asked one at a time "
        r"\(e\.g\. no records for any of them\), so mixed data could not show",
        r"testdatans \g<n> olika begäranden får identiska svar när de ställs en i taget (t.ex. inga poster för "
        r"någon av dem), så blandade data kunde inte visa sig",
    ),
    (
        r"(?P<n>\d+) concurrent calls with (?P<m>\d+) distinct requests do not each get their own valid answer",
        r"\g<n> samtidiga anrop med \g<m> olika begäranden får inte vart och ett sitt eget giltiga svar",
    ),
    (r" for (?P<a>\S+) holds data of the request for (?P<b>\S+)", r" för \g<a> innehåller data från begäran för \g<b>"),
    (r"reference call for ", "referensanrop för "),
    (
        r"(?P<n>\d+) of (?P<m>\d+) answers slower than the SLA of (?P<l>\S+) s \(data answers: average (?P<a>\S+) s, "
        r"95th percentile (?P<p>\S+) s, max (?P<x>\S+) s\)",
        r"\g<n> av \g<m> svar långsammare än SLA-gränsen \g<l> s (datasvar: medel \g<a> s, 95:e percentilen "
        r"\g<p> s, max \g<x> s)",
    ),
    (r"\btimed call\b", "tidmätt anrop"),
    (
        r"the TKB of (?P<d>\S+) is not known to prescribe source-system addressing \(rule R3\)",
        r"TKB:n för \g<d> är inte känd för att föreskriva källsystemsadressering (regel R3)",
    ),
    (
        r"the answer holds information of source systems other than the one addressed \(TKB R3\)",
        "svaret innehåller information från andra källsystem än det adresserade (TKB R3)",
    ),
    (
        r"a record of source system (?P<s>\S+) in an answer addressed to (?P<a>\S+)",
        r"en post från källsystem \g<s> i ett svar adresserat till \g<a>",
    ),
    (
        r"a LogicalAddress the producer does not serve got records of ",
        "en LogicalAddress som producenten inte betjänar fick poster från ",
    ),
    (
        r"note (?P<d>\S+), approvedForPatient (?P<v>\w+) in the source system, was not returned",
        r"anteckning \g<d>, approvedForPatient \g<v> i källsystemet, returnerades inte",
    ),
    (r"note (?P<d>\S+) is flagged (?P<v>\w+)", r"anteckning \g<d> är flaggad \g<v>"),
    (r"the test data cannot exercise this rule: ", "testdatan kan inte pröva regeln: "),
    (r" \(see (?P<k>\[[^\]]+\] \S+) in (?P<w>[^)]+)\)$", r" (se \g<k> i \g<w>)"),
    (r" \(see (?P<w>[^)]+)\)$", r" (se \g<w>)"),
    (r" \(case (?P<c>[^)]+)\)$", r" (fall \g<c>)"),
    (r"TF (?P<t>\S+) control: notes for another patient", r"TF \g<t> kontroll: anteckningar för en annan patient"),
    (r"(?P<c>\S+) control: records of another patient", r"\g<c> kontroll: poster för en annan patient"),
    (r"no notes when addressed to source system ", "inga anteckningar vid adressering till källsystem "),
    (r"none of the patient's notes lies inside ", "ingen av patientens anteckningar ligger inom "),
    (r"none of the patient's notes lies outside ", "ingen av patientens anteckningar ligger utanför "),
    (
        r"patient (?P<p>\S+) has no notes, so no selection can be judged",
        r"patient \g<p> har inga anteckningar, så inget urval kan bedömas",
    ),
    (
        r"patient (?P<p>\S+) has no notes, so two empty answers prove nothing",
        r"patient \g<p> har inga anteckningar, så två tomma svar bevisar ingenting",
    ),
    (
        r"the other patient has no notes, so a selection that ignores the patient would pass",
        "den andra patienten har inga anteckningar, så ett urval som bortser från patienten skulle godkännas",
    ),
    (
        r"the patient has no notes for any consumer, so an empty answer proves nothing",
        "patienten har inga anteckningar för någon konsument, så ett tomt svar bevisar ingenting",
    ),
    (
        r"the patient has no notes of care unit (?P<u>\S+) for any consumer",
        r"patienten har inga anteckningar från vårdenhet \g<u> för någon konsument",
    ),
    (r"\bnone of the patient's (?P<w>notes|records) have ", r"inga av patientens \g<w> har "),
    (r"\ball of the patient's (?P<w>notes|records) have ", r"alla patientens \g<w> har "),
    (r"(?P<k><globaldata> <[^>]+>) in ", r"\g<k> i "),
    # the GetCareDocumentation 3 TK suite
    (
        r"the test data has no test case (?P<c>\"[^\"]+\") \(data\.xml (?P<x><testcase id=\"[^\"]+\">) in "
        r"(?P<w>[^)]+)\); supplying the case is how a vendor says run it",
        r"testdatan saknar testfallet \g<c> (data.xml \g<x> i \g<w>); att ange fallet är hur en leverantör "
        r"begär att det körs",
    ),
    (
        r"the test data lacks (?P<k>\S+) \(in (?P<x><testcase id=\"[^\"]+\">) or <globaldata>\)",
        r"testdatan saknar \g<k> (i \g<x> eller <globaldata>)",
    ),
    (
        r"no TK test data for (?P<c>\w+); give the suite's data\.xml \(or its TOML form, rivta-harness testdata "
        r"convert\) with --testdata",
        r"ingen TK-testdata för \g<c>; ange sviten data.xml (eller dess TOML-form, rivta-harness testdata "
        r"convert) med --testdata",
    ),
    (r"(?P<w>patient \S+) has no records at logical address ", r"\g<w> har inga poster på logisk adress "),
    (
        r"no other patient of the test data has records, so an answer that ignores patientId would pass",
        "ingen annan patient i testdatan har poster, så ett svar som bortser från patientId skulle godkännas",
    ),
    (
        r"TF (?P<c>.+?): the answer holds other patients' records",
        r"TF \g<c>: svaret innehåller andra patienters poster",
    ),
    (r" belongs to (?P<p>\S+)$", r" tillhör \g<p>"),
    (
        r"the patient's records share a single date, so no (?P<w>period|interval) can leave a record out",
        r"patientens poster har ett och samma datum, så inget \g<w> kan utesluta en post",
    ),
    (r"; the period must precede all", "; perioden måste ligga före alla"),
    (r"\bno record of the patient has a date in ", "ingen post för patienten har ett datum inom "),
    (r"\bevery record of the patient has a date in ", "varje post för patienten har ett datum inom "),
    (
        r"sourceSystemHSAId (?P<s>\S+) differs from logicalAddress (?P<a>\S+); TKB 7\.1: sourceSystemId must equal "
        r"the LogicalAddress",
        r"sourceSystemHSAId \g<s> skiljer sig från logicalAddress \g<a>; TKB 7.1: sourceSystemId ska vara lika med "
        r"LogicalAddress",
    ),
    (
        r"at logical address (?P<a>\S+) the producer answers for that source system only \(TKB R3\), so "
        r"sourceSystemId has nothing to remove; rivta\.source-system-addressing judges R3",
        r"på logisk adress \g<a> svarar producenten bara för det källsystemet (TKB R3), så sourceSystemId har "
        r"inget att ta bort; rivta.source-system-addressing bedömer R3",
    ),
    (
        r"filtering on datePeriod \(record, author, signature, dissenting opinion dates\) is wrong",
        "filtrering på datePeriod (post-, författar-, signerings- och avvikande mening-datum) är fel",
    ),
    (
        r"filtering on random datePeriods is wrong \(seed (?P<s>\d+)\)",
        r"filtrering på slumpade datePeriod är fel (frö \g<s>)",
    ),
    (r"filtering on datePeriod (?P<p>\S+) is wrong", r"filtrering på datePeriod \g<p> är fel"),
    (r"a period without records does not give an empty OK answer", "en period utan poster ger inte ett tomt OK-svar"),
    (
        r"resultCode is (?P<c>\S+), expected OK for an empty answer",
        r"resultCode är \g<c>, OK förväntades för ett tomt svar",
    ),
    (r" has a date in (?P<p>\S+) but was not returned", r" har ett datum inom \g<p> men returnerades inte"),
    (r" has a date in ", " har ett datum inom "),
    (r" returned for a period before all records", " returnerades för en period före alla poster"),
    (r" returned for an unknown patient", " returnerades för en okänd patient"),
    (r"\) returned for (?P<p>\S+)$", r") returnerades för \g<p>"),
    (r" matches but was not returned", " matchar men returnerades inte"),
    (
        rf"no text holds {_V} unchanged; texts with special characters: ",
        r"ingen text innehåller \g<v> oförändrad; texter med specialtecken: ",
    ),
    (r"records lack what PDL logging and blocking need", "poster saknar det som PDL-loggning och spärr behöver"),
    (r" lacks (?P<p>\S+)$", r" saknar \g<p>"),
    (rf" has blockComparisonTime {_V}, not YYYYMMDDhhmmss", r" har blockComparisonTime \g<v>, inte YYYYMMDDhhmmss"),
    (r"records lack a valid blockComparisonTime", "poster saknar giltig blockComparisonTime"),
    (r"none of the (?P<n>\d+) records is ", r"ingen av de \g<n> posterna är "),
    (r"TF (?P<c>.+?): no record is ", r"TF \g<c>: ingen post är "),
    (
        r"flagged approvedForPatient (?P<v>true|false) \(records must be delivered and flagged, not dropped\)",
        r"flaggad approvedForPatient \g<v> (poster ska levereras och flaggas, inte utelämnas)",
    ),
    (r"flagged approvedForPatient (?P<v>true|false)", r"flaggad approvedForPatient \g<v>"),
    (r"ingen post är signed$", "ingen post är signerad"),
    (r"(?P<w>är|posterna är) unsigned$", r"\g<w> osignerad"),
    (r"(?P<w>är|posterna är) signed$", r"\g<w> signerad"),
    (r"carrying a dissentingOpinion", "försedd med dissentingOpinion"),
    (r"\bof clinicalDocumentNoteCode ", "av clinicalDocumentNoteCode "),
    (
        r"no clinicalDocumentNoteText is DocBook \(namespace http://docbook\.org/ns/docbook\)",
        "ingen clinicalDocumentNoteText är DocBook (namnrymd http://docbook.org/ns/docbook)",
    ),
    (r"TF 5\.14: no DocBook text", "TF 5.14: ingen DocBook-text"),
    (r"DocBook texts are not valid", "DocBook-texterna är inte giltiga"),
    (r"a DocBook text is not well-formed XML: ", "en DocBook-text är inte välformad XML: "),
    (r"DocBook element\(s\) outside the TKB's set: ", "DocBook-element utanför TKB:ns uppsättning: "),
    (r"element (?P<e>\S+) is not in the DocBook namespace", r"elementet \g<e> är inte i DocBook-namnrymden"),
    (
        r"(?P<n>\d+) DocBook texts are attached; a reviewer checks that åäö<>><& and the characters common in the "
        r"vendor's practice survive in headings, keywords and running text \(Inera's suite passes corrupt strings "
        r"too\)",
        r"\g<n> DocBook-texter är bifogade; en granskare kontrollerar att åäö<>><& och tecken som är vanliga i "
        r"leverantörens verksamhet klarar sig i rubriker, nyckelord och löptext (Ineras svit godkänner även "
        r"förvanskade strängar)",
    ),
    (r"no record carries multimediaEntry/value", "ingen post har multimediaEntry/value"),
    (r"TF 5\.16: no embedded multimedia object", "TF 5.16: inget inbäddat multimediaobjekt"),
    (r": multimediaEntry/value is not base64", ": multimediaEntry/value är inte base64"),
    (r"embedded multimedia objects are broken", "inbäddade multimediaobjekt är trasiga"),
    (r"no record carries multimediaEntry/reference", "ingen post har multimediaEntry/reference"),
    (r"TF 5\.17: no multimedia reference", "TF 5.17: ingen multimediareferens"),
    (rf"reference {_V} is not an absolute http\(s\) URL", r"referensen \g<v> är inte en absolut http(s)-URL"),
    (r"multimedia references are not usable links", "multimediareferenser är inte användbara länkar"),
    (r"the first answer for the patient carries no hasMore", "det första svaret för patienten har ingen hasMore"),
    (r"still hasMore after (?P<n>\d+) follow-up calls", r"fortfarande hasMore efter \g<n> uppföljande anrop"),
    (r"part (?P<n>\d+) holds no records", r"del \g<n> innehåller inga poster"),
    (r" came again in part (?P<n>\d+) \(first in part (?P<m>\d+)\)", r" kom igen i del \g<n> (först i del \g<m>)"),
    (
        r"part (?P<n>\d+) holds records newer than part (?P<m>\d+)'s oldest \(newest first\)",
        r"del \g<n> innehåller poster nyare än den äldsta i del \g<m> (nyaste först)",
    ),
    (r"partial answers do not deliver the rest, newest first", "delsvar levererar inte resten, nyaste först"),
    (
        rf"no record holds filterString {_V} for the ordinary consumer",
        r"ingen post innehåller filterString \g<v> för den vanliga konsumenten",
    ),
    (
        r"consumer (?P<c>\S+) got (?P<n>\d+) records, not fewer than (?P<m>\d+)",
        r"konsument \g<c> fick \g<n> poster, inte färre än \g<m>",
    ),
    (r"the care unit withheld from this consumer is delivered", "vårdenheten som undanhålls denna konsument levereras"),
    (r"(?P<n>\d+) records returned to a blocked consumer", r"\g<n> poster returnerades till en spärrad konsument"),
    (r"record id (?P<i>\S+) appears (?P<n>\d+) times", r"post-id \g<i> förekommer \g<n> gånger"),
    (r"record ids repeat", "post-id upprepas"),
    (r"\brecord (?P<i>\S+) has (?P<a>\w+) ", r"post \g<i> har \g<a> "),
    (r"\brecord (?P<i>[0-9a-f-]{8,}|\(no id\))", r"post \g<i>"),
    # GetCareDocumentation 3 call labels
    (r"(?P<c>\S+) without filter", r"\g<c> utan filter"),
    (r"TF 7\.3 as the ordinary consumer", "TF 7.3 som den vanliga konsumenten"),
    (r"TF (?P<t>\S+) as blocked consumer ", r"TF \g<t> som spärrad konsument "),
    (r"TF (?P<t>\S+) as consumer ", r"TF \g<t> som konsument "),
    (r"TF 5\.18 first part", "TF 5.18 första delen"),
    (r"TF 5\.18 part ", "TF 5.18 del "),
    (r"TF 2\.1 answer", "TF 2.1 svar"),
    # the TF 6.x load profiles (harness.load)
    (r"load profiles run only on request \(", "lastprofilerna körs bara på begäran ("),
    (
        r"; run them with `rivta-harness load run` \(same options\) or add --load",
        "; kör dem med `rivta-harness load run` (samma flaggor) eller lägg till --load",
    ),
    (r"--load-profile (?P<p>\S+) leaves (?P<n>\S+) out", r"--load-profile \g<p> utelämnar \g<n>"),
    (
        r"the load profiles need at least two patients to tell answers apart: ",
        "lastprofilerna behöver minst två patienter för att skilja svaren åt: ",
    ),
    (
        r" \(a list of patient ids for (?P<p>\S+)\), or patientId1 and patientId2 of the TK case ",
        r" (en lista med patient-id för \g<p>), eller patientId1 och patientId2 i TK-fallet ",
    ),
    (r"(?P<u>\d+) → (?P<e>\d+) users over (?P<s>\S+) s", r"\g<u> → \g<e> användare under \g<s> s"),
    (
        r"(?P<u>\d+) users ± (?P<v>\S+) every (?P<i>\S+) s for (?P<s>\S+) s",
        r"\g<u> användare ± \g<v> var \g<i>:e s i \g<s> s",
    ),
    (r"(?P<u>\d+) users for (?P<s>\S+) s", r"\g<u> användare i \g<s> s"),
    (r"think time (?P<t>\S+) ms", r"betänketid \g<t> ms"),
    (r"; scaled ×(?P<x>\S+), not the TK profile", r"; skalad ×\g<x>, inte TK-profilen"),
    (r": (?P<n>\d+) problem\(s\) under ", r": \g<n> problem under "),
    (
        r"mixed data: (?P<n>\d+) answers carried another patient's values",
        r"blandade data: \g<n> svar innehöll en annan patients värden",
    ),
    (
        r"mixed data: (?P<n>\d+) answers differ from the answer the same request gets alone",
        r"blandade data: \g<n> svar skiljer sig från svaret samma begäran får ensam",
    ),
    (r"(?P<n>\d+) of (?P<m>\d+) calls failed: ", r"\g<n> av \g<m> anrop misslyckades: "),
    (
        r"(?P<n>\d+) calls took longer than the SLA of (?P<s>\S+) s \(max (?P<x>\S+) ms\)",
        r"\g<n> anrop tog längre tid än SLA-gränsen \g<s> s (max \g<x> ms)",
    ),
    (
        r"after (?P<u>\d+) users no valid answer to a plain TF 1\.1\.1 call came within (?P<s>\S+) s",
        r"efter \g<u> användare kom inget giltigt svar på ett enkelt TF 1.1.1-anrop inom \g<s> s",
    ),
    (r" \(e\.g\. the call for patient (?P<p>\S+) after ", r" (t.ex. anropet för patient \g<p> efter "),
    (r" \(e\.g\. the call after ", " (t.ex. anropet efter "),
    (r"\ban answer for (?P<w>patient \S+|the request) \(", r"ett svar för \g<w> ("),
    (r"\banswer for (?P<w>patient \S+|the request) \(", r"svar för \g<w> ("),
    (r"\) is not XML", ") är inte XML"),
    (r"\) has no response element", ") saknar svarselement"),
    (r"\) vs alone: ", ") mot ensam: "),
    (r"för the request", "för begäran"),
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
    (r"giltig begäran with SOAPAction ", "giltig begäran med SOAPAction "),
    (r"giltig begäran addressed to ", "giltig begäran adresserad till "),
    (r"records of patient (?P<p>\S+), no filter", r"poster för patient \g<p>, utan filter"),
    (r"giltig begäran with no SOAPAction header", "giltig begäran utan SOAPAction-huvud"),
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
