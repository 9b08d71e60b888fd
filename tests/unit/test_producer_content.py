"""Content faults change exactly the element their rule is about, and nothing when it is absent."""

from __future__ import annotations

from datetime import datetime

import pytest
from lxml import etree

from harness.producer.content import CONTENT_FAULTS, alter_records
from harness.producer.faults import Fault

NS = "urn:example:records"
RECORDS = f"""<records xmlns="{NS}">
  <note><header><accessControlHeader><accountableCareUnit><extension>CU1</extension></accountableCareUnit>
      <blockComparisonTime>20240517101500</blockComparisonTime></accessControlHeader>
      <record><id>1</id></record><author><name>A</name></author>
      <signature><timestamp>20240518090000</timestamp></signature></header>
    <body><clinicalDocumentNoteCode><code>utr</code></clinicalDocumentNoteCode>
      <clinicalDocumentNoteText>&lt;article xmlns="http://docbook.org/ns/docbook"&gt;&lt;para&gt;x&lt;/para&gt;&lt;/article&gt;</clinicalDocumentNoteText>
      <dissentingOpinion><authorTime>20240601000000</authorTime></dissentingOpinion></body></note>
  <note><header><accessControlHeader><blockComparisonTime>20230101000000</blockComparisonTime></accessControlHeader>
      <record><id>2</id></record><author><name>B</name></author></header>
    <body><clinicalDocumentNoteCode><code>bes</code></clinicalDocumentNoteCode>
      <multimediaEntry><mediaType>image/png</mediaType><value>iVBORw0=</value></multimediaEntry></body></note>
  <note><header><record><id>3</id></record></header>
    <body><multimediaEntry><mediaType>application/pdf</mediaType>
      <reference>https://example.org/files/ekg.pdf</reference></multimediaEntry></body></note>
</records>"""


def altered(fault: Fault | None) -> list[etree._Element]:
    records = list(etree.fromstring(RECORDS))
    alter_records(fault, records)
    return records


def texts(records: list[etree._Element], name: str) -> list[str]:
    return [e.text or "" for r in records for e in r.iter(f"{{{NS}}}{name}")]


def test_other_faults_and_none_change_nothing() -> None:
    plain = [etree.tostring(r) for r in altered(None)]
    assert [etree.tostring(r) for r in altered(Fault.SLOW)] == plain
    assert Fault.SLOW not in CONTENT_FAULTS


def test_omitted_care_unit_and_dropped_signatures_and_opinions() -> None:
    assert texts(altered(Fault.OMITS_ACCOUNTABLE_CARE_UNIT), "accountableCareUnit") == []
    assert texts(altered(Fault.DROPS_SIGNATURES), "signature") == []
    assert texts(altered(Fault.DROPS_DISSENTING_OPINIONS), "dissentingOpinion") == []
    assert texts(altered(Fault.DROPS_SIGNATURES), "blockComparisonTime") == ["20240517101500", "20230101000000"]


def test_block_comparison_time_keeps_the_pattern_but_not_the_calendar() -> None:
    stamps = texts(altered(Fault.IMPOSSIBLE_BLOCK_COMPARISON_TIME), "blockComparisonTime")
    assert stamps == ["20240231101500", "20230231000000"]
    for stamp in stamps:
        with pytest.raises(ValueError):
            datetime.strptime(stamp, "%Y%m%d%H%M%S")


def test_signs_everything_puts_the_signature_where_the_schema_wants_it() -> None:
    records = altered(Fault.SIGNS_EVERYTHING)
    second_header = [etree.QName(e).localname for e in records[1].find(f"{{{NS}}}header")]
    assert second_header == ["accessControlHeader", "record", "author", "signature"]
    assert records[2].find(f".//{{{NS}}}signature") is None, "a record without the preceding element is left alone"


def test_note_codes_docbook_and_multimedia() -> None:
    assert texts(altered(Fault.UPPER_CASE_NOTE_CODES), "code") == ["UTR", "BES"]
    assert "http://www.w3.org/1999/xhtml" in texts(altered(Fault.XHTML_FOR_DOCBOOK), "clinicalDocumentNoteText")[0]
    linked = altered(Fault.LINKS_INSTEAD_OF_EMBEDDING)
    assert texts(linked, "value") == []
    assert texts(linked, "reference") == ["https://producer.example/multimedia/1", "https://example.org/files/ekg.pdf"]
    assert texts(altered(Fault.RELATIVE_MULTIMEDIA_REFERENCES), "reference") == ["/files/ekg.pdf"]
