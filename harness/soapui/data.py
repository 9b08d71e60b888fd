"""Inera's ``data.xml``: global values plus per-test-case overrides, as ``XmlDataReader.load`` reads them.

The file has ``<globaldata>`` (values for every case) and ``<testcase id="<case name>"><data>``
(values that replace or add to them for that case); ``<section>`` elements only structure the
generated documentation. ``values_for(case)`` returns what the support library's
``XmlDataReader.load(case)`` puts into the SoapUI run context.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from harness.errors import SoapUIError

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)


@dataclass(frozen=True, slots=True)
class DataFile:
    """The values of one data.xml."""

    path: Path
    globaldata: dict[str, str]
    cases: dict[str, dict[str, str]]

    def values_for(self, case_name: str) -> dict[str, str]:
        """Global values overridden by the case's own (a case without an entry gets the global ones)."""
        return {**self.globaldata, **self.cases.get(case_name, {})}


def _values(element: etree._Element | None) -> dict[str, str]:
    if element is None:
        return {}
    return {etree.QName(child).localname: (child.text or "").strip() for child in element if isinstance(child.tag, str)}


def load_data(path: Path) -> DataFile:
    """Read a data.xml; ``SoapUIError`` names the file and what is wrong with it."""
    try:
        root = etree.parse(str(path), _PARSER).getroot()
    except OSError:
        raise SoapUIError(
            f"test data {path}: no such file",
            hint="give --testdata data.xml (the file beside the SoapUI project, adapted to your system)",
        ) from None
    except etree.XMLSyntaxError as exc:
        raise SoapUIError(f"test data {path}: not well-formed XML ({exc.msg})") from None
    if etree.QName(root).localname != "testsuite" or root.find("globaldata") is None:
        raise SoapUIError(
            f"test data {path}: not an Inera data.xml (expected <testsuite> with <globaldata>)",
            hint="give the data.xml from the release's test-suite/<Contract> folder",
        )
    cases = {case.get("id", ""): _values(case.find("data")) for case in root.iter("testcase")}
    return DataFile(path=path, globaldata=_values(root.find("globaldata")), cases=cases)
