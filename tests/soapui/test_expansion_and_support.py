"""Property expansion, data.xml, and the support-library recogniser, without a producer."""

from __future__ import annotations

from pathlib import Path

import pytest
import soapui_builder as b

from harness.errors import SoapUIError
from harness.soapui import Status, load_project
from harness.soapui.expansion import Scope, StepRecord, Unexpandable
from harness.soapui.support import Message, ScriptEnv, analyse, run_script, statements
from harness.testdata import load_testdata

RESPONSE = f"""<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<n:GetClinicalNotesResponse xmlns:n="{b.NOTES}" xmlns:c="{b.CORE}">
<n:clinicalNote><c:header><c:documentId>A</c:documentId><c:approvedForPatient>true</c:approvedForPatient>
<c:signed>yes</c:signed></c:header><c:body><c:text>&lt;para&gt;x&lt;/para&gt;</c:text><c:data>aGVsbG8=</c:data></c:body></n:clinicalNote>
<n:clinicalNote><c:header><c:documentId>B</c:documentId><c:approvedForPatient>false</c:approvedForPatient></c:header></n:clinicalNote>
</n:GetClinicalNotesResponse></s:Body></s:Envelope>"""


@pytest.fixture
def scope(tmp_path: Path) -> Scope:
    path = b.write_project(
        tmp_path,
        "P",
        b.suite(
            "S", b.case("1.1 One", b.groovy("Read data"), properties={"caseValue": "c"}), properties={"suiteValue": "s"}
        ),
        properties={"projectValue": "p"},
    )
    project = load_project(path)
    suite, case = project.cases()[0]
    return Scope(project, suite, case, dict(project.properties), dict(suite.properties), dict(case.properties))


def env(scope: Scope, response: str = RESPONSE, headers=(("Content-Type", "text/xml; charset=UTF-8"),)) -> ScriptEnv:
    def no_schematron(path: Path) -> list[str]:
        raise AssertionError("not expected")

    data = b.write_data(
        scope.project.folder, {"patientId": "191212129819", "la": "${patientId}-LA"}, {"1.1 One": {"x": "1"}}
    )
    suite = load_testdata(data).suites["GetClinicalNotes"]
    return ScriptEnv(scope, Message(response.encode(), headers, 200), lambda: suite, no_schematron)


def test_expansion_reads_every_level_steps_xpath_and_plain_values(scope: Scope) -> None:
    scope.context["fromData"] = "d"
    scope.steps["Call"] = StepRecord("Call", response=RESPONSE, properties={"kept": "k"})
    text = "${fromData} ${caseValue} ${suiteValue} ${projectValue} ${#Project#projectValue} ${#TestSuite#suiteValue}"
    assert scope.expand(text) == "d c s p p s"
    assert scope.expand("${#TestCase#caseValue}/${Call#kept}") == "c/k"
    assert scope.expand("${Call#Response#declare namespace c='" + b.CORE + "'; (//c:documentId)[2]}") == "B"
    assert scope.expand("${Call#Response#count(//*:clinicalNote)}") == "2"
    assert len(scope.expand("${=java.util.UUID.randomUUID()}")) == 36
    assert scope.expand("${='plain'}${=42}") == "plain42"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("${nothing}", "${nothing} has no value — add <nothing> to data.xml"),
        ("${#Project#nothing}", "${#Project#nothing} has no value — define the Project property 'nothing'"),
        ("${#Env#x}", "property scope #Env# is not supported"),
        ("${Later#Response}", "step 'Later' has not run before this point"),
        ("${=new Date().format('yyyy')}", "is a Groovy expression, not a plain value"),
    ],
)
def test_unexpandable_references_are_one_line_naming_them(scope: Scope, text: str, message: str) -> None:
    with pytest.raises(Unexpandable) as caught:
        scope.expand(text)
    assert message in str(caught.value)


def test_statements_respect_strings_brackets_and_comments() -> None:
    source = "a(1,\n 2) // note\nb = 'x // y; z'; c { d\n e }\n/* gone\n */ f"
    assert [" ".join(s.split()) for s in statements(source)] == ["a(1, 2)", "b = 'x // y; z'", "c { d e }", "f"]
    assert statements("a = b &&\n c\nd\n  .e()") == ["a = b &&\n c", "d\n  .e()"]  # Groovy line continuation


def test_scripts_only_calling_the_support_library_are_understood() -> None:
    script = analyse(
        "import se.skl.rivta.tksupport.soapui.ContentAssertions\n"
        "def ca = new ContentAssertions(context, messageExchange, log)\n"
        "ca.assertSpecificValueInAnyRecord('/n:x/c:y', context.patientId)\nlog.info('done')"
    )
    assert script.understood
    assert [c.method for c in script.calls] == ["assertSpecificValueInAnyRecord"]
    unknown = analyse("def ca = new ContentAssertions(context, messageExchange)\nca.records.each { assert it }")
    assert not unknown.understood
    assert unknown.not_understood == "ca.records.each { assert it }"
    assert not analyse("ca.assertSomethingNew('x')").understood


def _run(env_: ScriptEnv, text: str) -> tuple[Status, str]:
    script = analyse(text)
    assert script.understood, script.not_understood
    return run_script(script, env_)


@pytest.mark.parametrize(
    ("call", "status"),
    [
        ("ca.assertNonEmptyResponse()", Status.PASSED),
        ("ca.assertExactNumberOfRecords(2)", Status.PASSED),
        ("ca.assertExactNumberOfRecords(3)", Status.FAILED),
        (
            "ca.assertSpecificValueInAnyRecord('/notes:clinicalNote/core:header/core:approvedForPatient', 'false')",
            Status.PASSED,
        ),
        (
            "ca.assertSpecificValueInAllRecords('/notes:clinicalNote/core:header/core:approvedForPatient', 'false')",
            Status.FAILED,
        ),
        ("ca.assertElementExistsInAllRecords('/notes:clinicalNote/core:header/core:documentId')", Status.PASSED),
        ("ca.assertElementExistsInAllRecords('/notes:clinicalNote/core:header/core:signed')", Status.FAILED),
        ("ca.assertElementExistsInAnyRecord('notes:clinicalNote/core:header/core:signed')", Status.PASSED),
        ("ca.assertElementExcludedInAnyRecord('/notes:clinicalNote/core:header/core:signed')", Status.PASSED),
        ("ca.assertElementExcludedInAnyRecord('/notes:clinicalNote/core:header/core:documentId')", Status.FAILED),
        ("ca.assertDocBookContentInAnyElement('/notes:clinicalNote/core:body/core:text', ['para'])", Status.PASSED),
        ("ca.assertDocBookContentInAnyElement('/notes:clinicalNote/core:body/core:text', ['article'])", Status.FAILED),
        (
            "ca.assertBase64ContentInAnyElement('/notes:clinicalNote/core:body/core:data', context.x, 100)",
            Status.PASSED,
        ),
        (
            "ca.assertBase64ContentInAnyElement('/notes:clinicalNote/core:body/core:text', context.x, 100)",
            Status.FAILED,
        ),
        ("ca.assertValidEncoding()", Status.PASSED),
    ],
)
def test_content_assertions_both_ways(scope: Scope, call: str, status: Status) -> None:
    environment = env(scope)
    _run(environment, "source.load(testRunner.testCase.getName())")
    assert _run(environment, f"def ca = new ContentAssertions(context, messageExchange)\n{call}")[0] is status


def test_encoding_mismatch_fails_and_data_values_reach_the_context(scope: Scope) -> None:
    environment = env(scope, headers=(("Content-Type", "text/xml; charset=ISO-8859-1"),))
    assert _run(environment, "ca.assertValidEncoding()")[0] is Status.FAILED
    _run(environment, 'source.load("1.1 One")')
    assert environment.scope.context["x"] == "1"
    assert scope.expand("${la}") == "191212129819-LA"


def test_property_setters_sleep_and_holders(scope: Scope) -> None:
    environment = env(scope)
    slept: list[float] = []
    environment.sleep = slept.append
    status, _ = _run(
        environment,
        'testRunner.testCase.testSuite.project.setPropertyValue("RecordElementPath", "//notes:clinicalNote")\n'
        "testRunner.testCase.setPropertyValue('k', 'v')\ncontext.limit = 10\nThread.sleep(250)\n"
        "def holder = new XmlHolder( messageExchange.responseContent )\n"
        f"holder.namespaces['c'] = '{b.CORE}'\n"
        "def id = holder.getNodeValue('(//c:documentId)[1]')\nassert id == 'A'",
    )
    assert status is Status.PASSED
    assert (scope.case_properties["k"], scope.context["limit"], slept) == ("v", 10, [0.25])
    assert (
        _run(
            environment,
            "def holder = new XmlHolder( messageExchange.responseContent )\ndef v = holder['//*:documentId']\nassert v == 'B'",
        )[0]
        is Status.FAILED
    )


def test_records_need_the_record_path_property(scope: Scope) -> None:
    del scope.project_properties["RecordElementPath"]
    with pytest.raises(SoapUIError, match="has no RecordElementPath property"):
        _run(env(scope), "ca.assertNonEmptyResponse()")


SIGNED = "def signed = '/notes:clinicalNote/core:header/core:signed'\n"


@pytest.mark.parametrize(
    ("script", "status"),
    [
        (
            SIGNED + "ca.assertForAnyRecord({ record -> record.firstElementAt(signed) != null &&\n"
            "  record.allElementsAt('/notes:clinicalNote/core:header/core:documentId').size() == 1 }, 'none signed')",
            Status.PASSED,
        ),
        (
            SIGNED + "def condition = { record ->\n  def s = record.firstElementAt(signed)\n  log.info(s)\n"
            "  return s && record.firstElementAt(signed + '/x') }\ndef info = sprintf(\"none signed\")\n"
            "ca.assertForAnyRecord(condition, info)",
            Status.FAILED,
        ),
        ("ca.assertForAnyRecord({ record -> !record.firstElementAt('//*:signed') }, 'all signed')", Status.PASSED),
        ("ca.assertForAnyRecord({ record -> record.firstElementAt('//*:none').size() > 0 }, 'x')", Status.MANUAL),
    ],
)
def test_record_conditions_compile_and_judge_both_ways(scope: Scope, script: str, status: Status) -> None:
    result = _run(env(scope), "def ca = new ContentAssertions(context, messageExchange)\n" + script)
    assert result[0] is status
    if status is Status.FAILED:
        assert result[1].endswith("none signed")


@pytest.mark.parametrize(
    "closure",
    [
        "{ record -> for (i = 0; i < 2; i++) { return true } }",
        "{ record -> record.timestampInRange('/a', '1', '2') }",
        "{ record -> unknownName }",
        "{ it -> true }",
    ],
)
def test_closures_outside_the_subset_stay_manual(closure: str) -> None:
    assert not analyse(f"ca.assertForAnyRecord({closure}, 'x')").understood


@pytest.mark.parametrize("file_expression", ['"/constraints.xml"', 'File.separator + "constraints.xml"'])
def test_schematron_validator_reads_the_rules_beside_the_project(scope: Scope, file_expression: str) -> None:
    (scope.project.folder / "constraints.xml").write_text("<schema/>", encoding="utf-8")
    seen: list[Path] = []
    environment = env(scope)
    environment.schematron = lambda path: seen.append(path) or ["rule broken (at /x)"]
    script = (
        "def failures = validator.validateMessage(messageExchange.response.responseContent,\n"
        f"    new File(utils.projectPath + {file_expression}))\nassert (failures.isEmpty())"
    )
    status, message = _run(environment, script)
    assert (status, seen) == (Status.FAILED, [scope.project.folder / "constraints.xml"])
    assert "rule broken" in message
