"""Writes small SoapUI projects in SoapUI's own file format, for tests (our own projects, no corpus text)."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

CON = "http://eviware.com/soapui/config"
NOTES = "urn:riv:example:clinicalprocess:notes:GetClinicalNotesResponder:1"
CORE = "urn:riv:example:clinicalprocess:notes:1"
BINDING = "{urn:riv:example:clinicalprocess:notes:GetClinicalNotes:1:rivtabp21}GetClinicalNotesResponderBinding"
ACTION = f"{NOTES}:GetClinicalNotes"


def _properties(values: dict[str, str]) -> str:
    rows = "".join(
        f"<con:property><con:name>{escape(k)}</con:name><con:value>{escape(v)}</con:value></con:property>"
        for k, v in values.items()
    )
    return f"<con:properties>{rows}</con:properties>"


def assertion(kind: str, name: str = "", **config: str) -> str:
    """One ``<con:assertion>``; ``config`` becomes its configuration fields."""
    fields = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in config.items())
    named = f" name={quoteattr(name)}" if name else ""
    return (
        f"<con:assertion type={quoteattr(kind)}{named}><con:configuration>{fields}</con:configuration></con:assertion>"
    )


def script(text: str, name: str = "Script Assertion") -> str:
    """A Groovy script assertion."""
    return assertion("GroovyScriptAssertion", name, scriptText=text)


def envelope(body: str, logical_address: str = "${logicalAddress}") -> str:
    """A GetClinicalNotes request envelope around ``body`` (the request's children)."""
    return (
        f'<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" '
        f'xmlns:urn="urn:riv:itintegration:registry:1" xmlns:notes="{NOTES}" xmlns:core="{CORE}">\\r\n'
        f"<soapenv:Header><urn:LogicalAddress>{logical_address}</urn:LogicalAddress></soapenv:Header>\\r\n"
        f"<soapenv:Body><notes:GetClinicalNotes>{body}</notes:GetClinicalNotes></soapenv:Body></soapenv:Envelope>"
    )


def patient(extension: str = "${patientId}", root: str = "1.2.752.129.2.1.3.1") -> str:
    """The patientId element of a request."""
    return (
        f"<notes:patientId><core:root>{root}</core:root><core:extension>{extension}</core:extension></notes:patientId>"
    )


def request(name: str, body: str, *assertions: str, headers: dict[str, str] | None = None) -> str:
    """A SOAP request step."""
    entries = "".join(
        f"<con:entry key={quoteattr(k)} value={quoteattr(v)}/>"
        for k, v in (headers or {"x-rivta-original-serviceconsumer-hsaid": "${httpHeaderHsaId}"}).items()
    )
    fragment = escape(f'<xml-fragment xmlns:con="{CON}">{entries}</xml-fragment>')
    return (
        f'<con:testStep type="request" name={quoteattr(name)}><con:settings/>'
        f'<con:config xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="con:RequestStep">'
        f"<con:interface>GetClinicalNotesResponderBinding</con:interface><con:operation>GetClinicalNotes</con:operation>"
        f"<con:request name={quoteattr(name)}><con:settings>"
        f'<con:setting id="com.eviware.soapui.impl.wsdl.WsdlRequest@request-headers">{fragment}</con:setting>'
        f"</con:settings><con:endpoint>${{webServiceUrl}}</con:endpoint><con:request>{escape(body)}</con:request>"
        f"{''.join(assertions)}</con:request></con:config></con:testStep>"
    )


READ_DATA = """import se.skl.rivta.testsupport.soapui.datasource.XmlDataReader
import com.eviware.soapui.support.GroovyUtils

def utils = new GroovyUtils(context)
def dataFile = new File(utils.projectPath + "/data.xml")
def source = new XmlDataReader(context, dataFile)

source.load(testRunner.testCase.getName())"""


def groovy(name: str, text: str = READ_DATA) -> str:
    """A Groovy script step (default: Inera's "Read data")."""
    return f'<con:testStep type="groovy" name={quoteattr(name)}><con:settings/><con:config><script>{escape(text)}</script></con:config></con:testStep>'


def delay(ms: int) -> str:
    """A delay step."""
    return f'<con:testStep type="delay" name="Delay"><con:settings/><con:config><delay>{ms}</delay></con:config></con:testStep>'


def properties_step(name: str, values: dict[str, str]) -> str:
    """A properties step."""
    return f'<con:testStep type="properties" name={quoteattr(name)}><con:settings/><con:config>{_properties(values)}</con:config></con:testStep>'


def transfer(name: str, *transfers: dict[str, str]) -> str:
    """A property-transfer step; each dict has sourceStep, sourceType, sourcePath, targetStep, targetType, targetPath."""
    rows = "".join(
        "<con:transfers>" + "".join(f"<con:{k}>{escape(v)}</con:{k}>" for k, v in t.items()) + "</con:transfers>"
        for t in transfers
    )
    return f'<con:testStep type="transfer" name={quoteattr(name)}><con:settings/><con:config>{rows}</con:config></con:testStep>'


def manual(name: str, description: str, expected: str) -> str:
    """A manual test step."""
    return (
        f'<con:testStep type="manualTestStep" name={quoteattr(name)}><con:description>{escape(description)}</con:description>'
        f"<con:settings/><con:config><con:expectedResult>{escape(expected)}</con:expectedResult></con:config></con:testStep>"
    )


def call_case(name: str, target_id: str) -> str:
    """A call-test-case step."""
    return f'<con:testStep type="calltestcase" name={quoteattr(name)}><con:settings/><con:config><con:targetTestCase>{target_id}</con:targetTestCase></con:config></con:testStep>'


def case(
    name: str, *steps: str, disabled: bool = False, properties: dict[str, str] | None = None, load: bool = False
) -> str:
    """A test case."""
    load_test = (
        '<con:loadTest name="6.1.1 Grund"><con:assertion type="Step Status" name="Step Status"/></con:loadTest>'
        if load
        else ""
    )
    flag = ' disabled="true"' if disabled else ""
    return f"<con:testCase id={quoteattr('id-' + name)} name={quoteattr(name)}{flag}><con:settings/>{''.join(steps)}{load_test}{_properties(properties or {})}</con:testCase>"


def suite(name: str, *cases: str, properties: dict[str, str] | None = None) -> str:
    """A test suite."""
    return f"<con:testSuite name={quoteattr(name)}><con:settings/>{''.join(cases)}{_properties(properties or {})}</con:testSuite>"


def write_project(folder: Path, name: str, *suites: str, properties: dict[str, str] | None = None) -> Path:
    """``folder/<name>-soapui-project.xml``; default properties declare the record path and prefixes."""
    values = {
        "xmlns:notes": NOTES,
        "xmlns:core": CORE,
        "RecordElementPath": "//notes:clinicalNote",
        **(properties or {}),
    }
    interface = (
        f'<con:interface xsi:type="con:WsdlInterface" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'name="GetClinicalNotesResponderBinding" bindingName="{BINDING}" soapVersion="1_1">'
        f'<con:operation name="GetClinicalNotes" action="{ACTION}"/></con:interface>'
    )
    text = (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<con:soapui-project name={quoteattr(name)} xmlns:con="{CON}">'
        f"<con:settings/>{interface}{''.join(suites)}{_properties(values)}</con:soapui-project>"
    )
    path = folder / f"{name}-soapui-project.xml"
    path.write_text(text, encoding="utf-8")
    return path


def write_data(folder: Path, globaldata: dict[str, str], cases: dict[str, dict[str, str]] | None = None) -> Path:
    """An Inera-format data.xml beside the project."""
    rows = "".join(f"<{k}>{escape(v)}</{k}>" for k, v in globaldata.items())
    per_case = "".join(
        f"<testcase id={quoteattr(name)}><data>{''.join(f'<{k}>{escape(v)}</{k}>' for k, v in values.items())}</data></testcase>"
        for name, values in (cases or {}).items()
    )
    path = folder / "data.xml"
    path.write_text(
        f"<testsuite><id>test</id><contractName>GetClinicalNotes</contractName><globaldata>{rows}</globaldata>{per_case}</testsuite>",
        encoding="utf-8",
    )
    return path
