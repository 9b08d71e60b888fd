"""Our own small SoapUI project, run natively against the reference producer over real mTLS.

Every built-in assertion type, the support library's calls, property expansion and transfer,
delay, call-test-case, manual steps and bad input each get a case; each case that checks a
producer rule is proven both ways: it passes on the conformant producer and fails (not
errors) against the fault variant that breaks exactly that rule.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import soapui_builder as b

from conftest import reference_producer
from harness.certs import load_client_credentials
from harness.producer.faults import Fault
from harness.soapui import CaseResult, CaseRunner, Status, load_project
from harness.transport.client import RivtaClient

PATIENT = "191212129819"
CORE_NS = f"declare namespace core='{b.CORE}';"
NOTES_NS = f"declare namespace notes='{b.NOTES}';"
RECORD = "/notes:clinicalNote/core:header"

CONTENT = f"""import se.skl.rivta.tksupport.soapui.ContentAssertions
def ca = new ContentAssertions(context, messageExchange, log)
ca.assertNonEmptyResponse()
ca.assertExactNumberOfRecords(7)
// every note belongs to the requested patient
ca.assertSpecificValueInAllRecords('{RECORD}/core:patientId/core:extension', context.patientId)
ca.assertSpecificValueInAnyRecord('{RECORD}/core:approvedForPatient', "false")
ca.assertElementExistsInAllRecords('{RECORD}/core:documentId')
ca.assertElementExistsInAnyRecord('notes:clinicalNote/core:body/core:text')"""

HOLDER = f"""import com.eviware.soapui.support.XmlHolder
def holder = new XmlHolder( messageExchange.responseContent )
holder.namespaces['core'] = '{b.CORE}'
def id = holder.getNodeValue('//core:patientId/core:extension')
assert id == context.patientId"""


def _project(folder: Path) -> Path:
    basic = b.suite(
        "1 Basic",
        b.case(
            "1.1 Personnummer",
            b.groovy("Read data"),
            b.request(
                "Call",
                b.envelope(b.patient()),
                b.assertion("SOAP Response"),
                b.assertion("SOAP Fault Assertion", "Not SOAP Fault"),
                b.assertion("Schema Compliance"),
                b.assertion("XPath Match", "seven notes", path=f"{NOTES_NS} count(//notes:clinicalNote)", content="7"),
                b.assertion(
                    "XQuery Match",
                    "one patient",
                    path=f"{CORE_NS} string-join(distinct-values(//core:patientId/core:extension), ',')",
                    content="${patientId}",
                ),
                b.assertion("Simple Contains", "note ids", token="N-000[0-9]", useRegEx="true", ignoreCase="false"),
                b.assertion("Simple NotContains", "no trace", token="exception", ignoreCase="true", useRegEx="false"),
                b.assertion("Valid HTTP Status Codes", codes="200"),
                b.assertion("Invalid HTTP Status Codes", codes="500 Internal Server Error"),
                b.assertion("Response SLA Assertion", "SLA", SLA="${#Project#slaMs}"),
                b.script(CONTENT, "Content"),
                b.script(HOLDER, "Holder"),
            ),
        ),
        b.case(
            "1.2 Expansion and transfer",
            b.properties_step("Values", {"unit": "SE1234567890-CU01"}),
            b.groovy("Read data"),
            b.request("Call 1", b.envelope(b.patient("${#TestSuite#suitePatient}"))),
            b.transfer(
                "Transfer",
                {
                    "name": "first document",
                    "sourceStep": "Call 1",
                    "sourceType": "Response",
                    "sourcePath": f"{CORE_NS} (//core:documentId)[1]",
                    "targetStep": "#TestCase#",
                    "targetType": "firstDocument",
                },
                {
                    "name": "care unit",
                    "sourceStep": "Values",
                    "sourceType": "unit",
                    "sourcePath": "",
                    "targetStep": "Call 2",
                    "targetType": "Request",
                    "targetPath": f"{CORE_NS} //core:extension[.='PLACEHOLDER']",
                },
            ),
            b.delay(10),
            b.request(
                "Call 2",
                b.envelope(
                    "<notes:careUnit><core:root>1.2.752.129.2.1.4.1</core:root><core:extension>PLACEHOLDER"
                    "</core:extension></notes:careUnit>"
                    + b.patient(f"${{Call 1#Request#{CORE_NS} //*:patientId/core:extension}}")
                ),
                b.assertion("Simple Contains", "transferred", token="${#TestCase#firstDocument}"),
                b.script(
                    "import se.skl.rivta.tksupport.soapui.ContentAssertions\n"
                    "def ca = new ContentAssertions(context, messageExchange)\n"
                    f"ca.assertSpecificValueInAllRecords('{RECORD}/core:accountableCareUnit/core:extension', "
                    "context.expand('${Values#unit}'))",
                    "only the unit",
                ),
                headers={
                    "x-rivta-original-serviceconsumer-hsaid": "${httpHeaderHsaId}",
                    "x-trace": "${=java.util.UUID.randomUUID()}",
                },
            ),
            properties={"caseValue": "x"},
        ),
        b.case(
            "1.7 Invalid request",
            b.groovy("Read data"),
            b.request(
                "Call",
                b.envelope("<notes:patientId><core:root>1.2.752.129.2.1.3.1</core:root></notes:patientId>"),
                b.assertion("Not SOAP Fault Assertion", "SOAP Fault"),
                b.assertion("Valid HTTP Status Codes", codes="500"),
            ),
        ),
        b.case(
            "1.8 Unknown patient",
            b.groovy("Read data"),
            b.request(
                "Call",
                b.envelope(b.patient()),
                b.assertion("SOAP Fault Assertion", "Not SOAP Fault"),
                b.script(
                    "def ca = new ContentAssertions(context, messageExchange, log)\nca.assertExactNumberOfRecords(0)",
                    "empty",
                ),
            ),
        ),
        b.case(
            "2.1 Encoding",
            b.groovy("Read data"),
            b.request(
                "Call",
                b.envelope(b.patient()),
                b.script(
                    "def ca = new ContentAssertions(context, messageExchange, log)\nca.assertValidEncoding()", "enc"
                ),
            ),
        ),
        properties={"suitePatient": PATIENT},
    )
    human = b.suite(
        "3 Human",
        b.case("3.1 Manual step", b.manual("Look", "Open the note in the EHR", "The same text is shown")),
        b.case(
            "3.2 Script not understood",
            b.groovy("Read data"),
            b.request(
                "Call", b.envelope(b.patient()), b.script("def x = messageExchange.timeTaken\nassert x < 5", "timing")
            ),
        ),
        b.case(
            "3.3 Failed beats not understood",
            b.groovy("Read data"),
            b.request(
                "Call",
                b.envelope(b.patient()),
                b.assertion("XPath Match", "wrong count", path=f"{NOTES_NS} count(//notes:clinicalNote)", content="3"),
                b.script("def x = messageExchange.timeTaken\nassert x < 5", "timing"),
            ),
        ),
        b.case("3.4 Disabled", b.groovy("Read data"), disabled=True),
        b.case("3.5 Calls 1.1", b.call_case("Run 1.1", "id-1.1 Personnummer")),
        b.case("3.6 Nothing judged", b.groovy("Read data"), b.request("Call", b.envelope(b.patient()))),
        b.case(
            "3.7 Judged by hand",
            b.groovy("Read data"),
            b.request("Call", b.envelope(b.patient()), b.assertion("SOAP Response")),
        ),
        b.case(
            "3.8 Judged by hand, red",
            b.groovy("Read data"),
            b.request("Call", b.envelope(b.patient()), b.assertion("Not SOAP Fault Assertion", "SOAP Fault")),
        ),
        b.case("6.1 Load", b.request("PatientId #1", b.envelope(b.patient(PATIENT))), load=True),
    )
    bad = b.suite(
        "5 Bad input",
        b.case(
            "5.1 Bad XPath",
            b.groovy("Read data"),
            b.request(
                "Call", b.envelope(b.patient()), b.assertion("XPath Match", "broken", path="//notes:[", content="1")
            ),
        ),
        b.case("5.2 Missing value", b.groovy("Read data"), b.request("Call", b.envelope(b.patient("${noSuchValue}")))),
    )
    path = b.write_project(folder, "Notes", basic, human, bad, properties={"slaMs": "5000"})
    (folder / "Notes-doc.html").write_text(
        "<h3><li>3.6 Nothing judged</li></h3><p>Verifierar ingenting.</p>"
        "<h3><li>3.7 Judged by hand</li></h3><p>Verifierar x.<br>OBS! Detta är ett manuellt testfall, där "
        "responsen behöver kontrolleras manuellt. SoapUI kan ge grönt.</p>"
        "<h3><li>3.8 Judged by hand, red</li></h3><p>Kräver ett internt fel. OBS! Manuell kontroll krävs.</p>",
        encoding="utf-8",
    )
    b.write_data(
        folder,
        {"logicalAddress": "SE1234567890-LA01", "httpHeaderHsaId": "SE1234567890-HRN1", "patientId": PATIENT},
        {"1.8 Unknown patient": {"patientId": "196001019907"}},
    )
    return path


@pytest.fixture(scope="module")
def project_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _project(tmp_path_factory.mktemp("project"))


@pytest.fixture(scope="module")
def producers(pki, example_contract) -> Iterator[dict[Fault | None, RivtaClient]]:
    """A client per producer variant, started on first use."""
    started: dict[Fault | None, tuple[object, RivtaClient]] = {}
    credentials = load_client_credentials(cert=pki.consumer_cert, key=pki.consumer_key)

    class Clients(dict):
        def __missing__(self, fault: Fault | None) -> RivtaClient:
            producer = reference_producer(pki, [example_contract], fault=fault).__enter__()
            client = RivtaClient(producer.url, credentials=credentials, ca_bundle=[pki.ca_bundle])
            started[fault] = (producer, client)
            self[fault] = client
            return client

    yield Clients()
    for producer, client in started.values():
        client.close()
        producer.stop()  # type: ignore[attr-defined]


def run(project_path: Path, client: RivtaClient, contract, case_name: str) -> CaseResult:
    project = load_project(project_path)

    def send(contract_, body, headers, *, label):
        consumer = headers.pop("x-rivta-original-serviceconsumer-hsaid", None)
        return client.call(
            contract_, body, logical_address=None, label=label, consumer_hsa_id=consumer, extra_headers=headers
        )

    runner = CaseRunner(project, send=send, contract_for=lambda i, o: contract, sleep=lambda s: None)
    suite, case = next((s, c) for s, c in project.cases() if c.name == case_name)
    return runner.run(suite, case)


def by_status(result: CaseResult) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for outcome in result.outcomes:
        out.setdefault(outcome.status.value, []).append(outcome.where.rsplit(" / ", 1)[-1])
    return out


def test_every_builtin_assertion_and_support_call_passes_on_the_conformant_producer(
    project_path, producers, example_contract
) -> None:
    result = run(project_path, producers[None], example_contract, "1.1 Personnummer")
    assert result.status is Status.PASSED, [str(o) for o in result.outcomes]
    names = [o.where.rsplit(" / ", 1)[-1] for o in result.outcomes]
    assert names == [
        "SOAP Response",
        "Not SOAP Fault (SOAP Fault Assertion)",
        "Schema Compliance",
        "seven notes (XPath Match)",
        "one patient (XQuery Match)",
        "note ids (Simple Contains)",
        "no trace (Simple NotContains)",
        "Valid HTTP Status Codes",
        "Invalid HTTP Status Codes",
        "SLA (Response SLA Assertion)",
        "Content (GroovyScriptAssertion)",
        "Holder (GroovyScriptAssertion)",
    ]
    assert len(result.exchanges) == 1
    assert result.exchanges[0].request_headers  # sent over the harness transport
    assert b"\\r" not in result.exchanges[0].request_body


def test_expansion_transfer_delay_and_generated_values(project_path, producers, example_contract) -> None:
    result = run(project_path, producers[None], example_contract, "1.2 Expansion and transfer")
    assert result.status is Status.PASSED, [str(o) for o in result.outcomes]
    second = result.exchanges[1]
    assert b"<core:extension>SE1234567890-CU01</core:extension>" in second.request_body
    assert f"<core:extension>{PATIENT}</core:extension>".encode() in second.request_body
    headers = {k.lower(): v for k, v in second.request_headers}
    assert len(headers["x-trace"]) == 36
    assert headers["x-rivta-original-serviceconsumer-hsaid"] == "SE1234567890-HRN1"


@pytest.mark.parametrize(
    ("case_name", "fault", "broken"),
    [
        ("1.1 Personnummer", Fault.SCHEMA_INVALID_RESPONSE, "Schema Compliance"),
        ("1.2 Expansion and transfer", Fault.IGNORES_CARE_UNIT_FILTER, "only the unit (GroovyScriptAssertion)"),
        ("1.7 Invalid request", Fault.NO_FAULT_ON_INVALID_REQUEST, "SOAP Fault (Not SOAP Fault Assertion)"),
        ("1.7 Invalid request", Fault.FAULT_AS_200, "Valid HTTP Status Codes"),
        ("1.8 Unknown patient", Fault.NOTFOUND_AS_FAULT, "Not SOAP Fault (SOAP Fault Assertion)"),
        ("2.1 Encoding", Fault.CHARSET_MISMATCH, "enc (GroovyScriptAssertion)"),
    ],
)
def test_each_case_passes_conformant_and_fails_on_its_fault(
    project_path, producers, example_contract, case_name, fault, broken
) -> None:
    good = run(project_path, producers[None], example_contract, case_name)
    assert good.status is Status.PASSED, [str(o) for o in good.outcomes]
    bad = run(project_path, producers[fault], example_contract, case_name)
    assert bad.status is Status.FAILED, [str(o) for o in bad.outcomes]
    assert broken in by_status(bad)["failed"]


def test_manual_steps_and_unknown_scripts_are_never_passed(project_path, producers, example_contract) -> None:
    manual = run(project_path, producers[None], example_contract, "3.1 Manual step")
    assert manual.status is Status.MANUAL
    assert "Open the note in the EHR" in manual.outcomes[0].message
    unknown = run(project_path, producers[None], example_contract, "3.2 Script not understood")
    assert unknown.status is Status.MANUAL
    assert "messageExchange.timeTaken" in next(o for o in unknown.outcomes if o.status is Status.MANUAL).evidence
    mixed = run(project_path, producers[None], example_contract, "3.3 Failed beats not understood")
    assert mixed.status is Status.FAILED
    assert set(by_status(mixed)) == {"failed", "manual"}


def test_cases_inera_documents_as_manual_are_manual_green_or_red(project_path, producers, example_contract) -> None:
    green = run(project_path, producers[None], example_contract, "3.7 Judged by hand")
    assert (green.status, green.review) == (
        Status.MANUAL,
        "OBS! Detta är ett manuellt testfall, där responsen behöver kontrolleras manuellt.",
    )
    red = run(project_path, producers[None], example_contract, "3.8 Judged by hand, red")
    assert red.status is Status.MANUAL
    assert [o.status for o in red.outcomes] == [Status.FAILED]  # kept for the reviewer
    assert run(project_path, producers[None], example_contract, "3.6 Nothing judged").review == ""


def test_call_test_case_runs_the_target_and_load_tests_are_left_to_load_profiles(
    project_path, producers, example_contract
) -> None:
    called = run(project_path, producers[None], example_contract, "3.5 Calls 1.1")
    assert called.status is Status.PASSED
    assert len(called.outcomes) == 12
    silent = run(project_path, producers[None], example_contract, "3.6 Nothing judged")
    assert (silent.status, len(silent.exchanges)) == (Status.NOT_TESTED, 1)  # a call no assertion judged
    load = run(project_path, producers[None], example_contract, "6.1 Load")
    assert load.status is Status.NOT_TESTED
    assert "load test" in load.outcomes[0].message
    assert not load.exchanges


def test_bad_xpath_is_an_error_naming_it_and_a_missing_value_is_not_tested(
    project_path, producers, example_contract
) -> None:
    broken = run(project_path, producers[None], example_contract, "5.1 Bad XPath")
    assert broken.status is Status.ERROR
    (outcome,) = broken.outcomes
    assert outcome.where == "5.1 Bad XPath / Call / broken (XPath Match)"
    assert "'//notes:[' does not compile" in outcome.message
    missing = run(project_path, producers[None], example_contract, "5.2 Missing value")
    assert missing.status is Status.NOT_TESTED
    assert "${noSuchValue} has no value — add <noSuchValue> to data.xml" in missing.outcomes[0].message
    assert not missing.exchanges
