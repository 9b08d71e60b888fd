"""SoapUI property expansion over the state of one running case.

``${name}`` reads the run context (data.xml values that ``XmlDataReader.load`` put there, values
scripts stored), then the case's, the suite's and the project's properties;
``${#Project#x}``, ``${#TestSuite#x}``, ``${#TestCase#x}`` read one level; ``${Step#Prop}`` a
step's property (``Request``, ``Response`` or one set by a properties step);
``${Step#Response#xpath}`` the first value an XPath selects in a step's response;
``${=expr}`` a plain value (a literal or a random UUID) — anything else a Groovy interpreter
would be needed for is refused with one line. Expansion is innermost-first and repeats while
values hold further references (data.xml values may refer to each other).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from harness.errors import SoapUIError
from harness.soapui.project import Project, TestCase, TestSuite
from harness.soapui.xpath import as_text, evaluate

_REFERENCE = re.compile(r"\$\{([^${}]*)\}")
_MAX_ROUNDS = 20
_PLAIN_EXPRESSIONS = {
    "java.util.UUID.randomUUID()": lambda: str(uuid.uuid4()),
    "UUID.randomUUID()": lambda: str(uuid.uuid4()),
}


class Unexpandable(SoapUIError):
    """A ``${...}`` reference has no value; ``reference`` is the text between the braces."""

    def __init__(self, reference: str, message: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.reference = reference


@dataclass
class StepRecord:
    """What later steps can read of an earlier step: its request, response and properties."""

    name: str
    request: str = ""
    response: str = ""
    properties: dict[str, str] = field(default_factory=dict)


@dataclass
class Scope:
    """The state of one running case: properties per level, the run context, finished steps."""

    project: Project
    suite: TestSuite
    case: TestCase
    project_properties: dict[str, str]
    suite_properties: dict[str, str]
    case_properties: dict[str, str]
    context: dict[str, Any] = field(default_factory=dict)
    steps: dict[str, StepRecord] = field(default_factory=dict)

    @property
    def namespaces(self) -> dict[str, str]:
        """Prefixes the project declares as ``xmlns:<prefix>`` properties (used by the support library)."""
        return {
            name.partition(":")[2]: value
            for name, value in self.project_properties.items()
            if name.startswith("xmlns:") and value
        }

    def level(self, name: str) -> dict[str, str]:
        """The property table of ``Project``, ``TestSuite`` or ``TestCase``."""
        tables = {
            "Project": self.project_properties,
            "TestSuite": self.suite_properties,
            "TestCase": self.case_properties,
        }
        if name not in tables:
            raise Unexpandable(
                f"#{name}#",
                f"property scope #{name}# is not supported",
                hint="use #Project#, #TestSuite# or #TestCase#",
            )
        return tables[name]

    def expand(self, text: str) -> str:
        """``text`` with every reference replaced; ``Unexpandable`` names the first one without a value."""
        for _ in range(_MAX_ROUNDS):
            if "${" not in text:
                return text
            text, count = _REFERENCE.subn(lambda m: self._resolve(m.group(1)), text)
            if count == 0:
                return text
        raise Unexpandable(text, "property references nest too deep (a value refers to itself?)")

    def _resolve(self, reference: str) -> str:
        if reference.startswith("="):
            return self._plain_expression(reference[1:].strip())
        if reference.startswith("#"):
            _, scope, name = reference.split("#", 2) if reference.count("#") >= 2 else ("", reference[1:], "")
            table = self.level(scope)
            if name not in table:
                raise Unexpandable(
                    reference, f"${{{reference}}} has no value", hint=f"define the {scope} property {name!r}"
                )
            return table[name]
        if "#" in reference:
            return self._step_value(reference)
        for table in (self.context, self.case_properties, self.suite_properties, self.project_properties):
            if reference in table and table[reference] is not None:
                return str(table[reference])
        raise Unexpandable(
            reference,
            f"${{{reference}}} has no value",
            hint=f"add <{reference}> to data.xml (globaldata or this test case)",
        )

    def _plain_expression(self, expression: str) -> str:
        if expression in _PLAIN_EXPRESSIONS:
            return _PLAIN_EXPRESSIONS[expression]()
        literal = re.fullmatch(r"""(['"])(.*)\1|(-?\d+(?:\.\d+)?)""", expression)
        if literal:
            return literal.group(2) if literal.group(2) is not None else literal.group(3)
        raise Unexpandable(
            f"={expression}",
            f"${{={expression}}} is a Groovy expression, not a plain value",
            hint="replace it with the value in the project or in data.xml",
        )

    def _step_value(self, reference: str) -> str:
        step_name, _, rest = reference.partition("#")
        prop, _, path = rest.partition("#")
        record = self.steps.get(step_name)
        if record is None:
            raise Unexpandable(reference, f"${{{reference}}}: step {step_name!r} has not run before this point")
        value = {"Request": record.request, "Response": record.response}.get(prop, record.properties.get(prop))
        if value is None:
            raise Unexpandable(reference, f"${{{reference}}}: step {step_name!r} has no property {prop!r}")
        if not path:
            return value
        try:
            document = etree.fromstring(value.encode("utf-8"))
        except etree.XMLSyntaxError:
            raise Unexpandable(reference, f"${{{reference}}}: the {prop} of {step_name!r} is not XML") from None
        found = evaluate(path, document, self.namespaces)
        return as_text(found[0]) if found else ""
