"""Content faults: what a producer's data lacks or gets wrong, applied to the records before any filter.

They break one rule of a record's content each (TK cases 3.x and 5.x of GetCareDocumentation 3
and their like), so the checks of those rules can be shown failing. Acting on the records the
producer holds, before the filters run, keeps every answer consistent with itself: a producer
whose notes carry no signature filters on the dates it has, not on dates it then hides.
Elements are found by local name, so any contract whose records use these names is affected.
"""

from __future__ import annotations

import copy

from lxml import etree

from harness import xmlsafe
from harness.producer.faults import Fault

DOCBOOK_NAMESPACE = "http://docbook.org/ns/docbook"
XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"
LOCAL_MULTIMEDIA_URL = "https://producer.example/multimedia/"


def alter_records(fault: Fault | None, records: list[etree._Element]) -> None:
    """Apply ``fault`` to ``records`` in place when it is a content fault; otherwise do nothing."""
    alter = _ALTERATIONS.get(fault) if fault is not None else None
    if alter is not None:
        alter(records)


def _named(records: list[etree._Element], name: str) -> list[etree._Element]:
    return [e for record in records for e in record.iter() if xmlsafe.local_name(e) == name]


def _remove(element: etree._Element) -> None:
    parent = element.getparent()
    if parent is not None:
        parent.remove(element)


def _omit_care_unit(records: list[etree._Element]) -> None:
    for element in _named(records, "accountableCareUnit"):
        _remove(element)


def _impossible_block_time(records: list[etree._Element]) -> None:
    """31 February: still YYYYMMDDhhmmss by the schema's pattern, but no point in time."""
    for element in _named(records, "blockComparisonTime"):
        stamp = (element.text or "").strip()
        if len(stamp) == 14:
            element.text = f"{stamp[:4]}0231{stamp[8:]}"


def _drop_signatures(records: list[etree._Element]) -> None:
    for element in _named(records, "signature"):
        _remove(element)


def _sign_everything(records: list[etree._Element]) -> None:
    """Give every unsigned record a copy of the first signature, where that one stands in its header."""
    donor = next(iter(_named(records, "signature")), None)
    if donor is None or donor.getprevious() is None:
        return
    before = xmlsafe.local_name(donor.getprevious())
    for record in records:
        if _named([record], "signature"):
            continue
        anchor = next(iter(_named([record], before)), None)
        if anchor is not None:
            anchor.addnext(copy.deepcopy(donor))


def _drop_dissenting_opinions(records: list[etree._Element]) -> None:
    for element in _named(records, "dissentingOpinion"):
        _remove(element)


def _upper_case_note_codes(records: list[etree._Element]) -> None:
    for note_code in _named(records, "clinicalDocumentNoteCode"):
        for code in (e for e in note_code if xmlsafe.local_name(e) == "code"):
            code.text = (code.text or "").upper()


def _xhtml_for_docbook(records: list[etree._Element]) -> None:
    for text in _named(records, "clinicalDocumentNoteText"):
        if text.text and DOCBOOK_NAMESPACE in text.text:
            text.text = text.text.replace(DOCBOOK_NAMESPACE, XHTML_NAMESPACE)


def _multimedia(records: list[etree._Element], name: str) -> list[etree._Element]:
    """The ``name`` children of multimediaEntry elements (``value`` and ``reference`` occur elsewhere too)."""
    return [e for e in _named(records, name) if xmlsafe.local_name(e.getparent()) == "multimediaEntry"]


def _link_instead_of_embedding(records: list[etree._Element]) -> None:
    for number, value in enumerate(_multimedia(records, "value"), start=1):
        value.tag = etree.QName(xmlsafe.namespace(value), "reference").text
        value.text = f"{LOCAL_MULTIMEDIA_URL}{number}"


def _relative_references(records: list[etree._Element]) -> None:
    for reference in _multimedia(records, "reference"):
        if "://" in (reference.text or ""):
            reference.text = "/" + reference.text.split("://", 1)[1].split("/", 1)[-1]


_ALTERATIONS = {
    Fault.OMITS_ACCOUNTABLE_CARE_UNIT: _omit_care_unit,
    Fault.IMPOSSIBLE_BLOCK_COMPARISON_TIME: _impossible_block_time,
    Fault.DROPS_SIGNATURES: _drop_signatures,
    Fault.SIGNS_EVERYTHING: _sign_everything,
    Fault.DROPS_DISSENTING_OPINIONS: _drop_dissenting_opinions,
    Fault.UPPER_CASE_NOTE_CODES: _upper_case_note_codes,
    Fault.XHTML_FOR_DOCBOOK: _xhtml_for_docbook,
    Fault.LINKS_INSTEAD_OF_EMBEDDING: _link_instead_of_embedding,
    Fault.RELATIVE_MULTIMEDIA_REFERENCES: _relative_references,
}

CONTENT_FAULTS = frozenset(_ALTERATIONS)
"""The faults that act on record content (each leaves answers valid against schema and Schematron)."""
