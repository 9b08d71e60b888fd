"""Inera's self-declaration forms read at run time: sections numbered as the form's TOC, questions, TF references."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from harness.errors import ConfigError
from harness.sjdform import SjdQuestion, find_form, read_form
from harness.sjdform.tf import parse_references

RELEASES = "domain-releases"
GCD_RELEASE = f"{RELEASES}/clinicalprocess_healthcond_description_3.0.5"
EI_RELEASE = f"{RELEASES}/itintegration_engagementindex_1.0.10"
BOXES = re.compile(r"\[\s*\]\s*Ja\W*?\[\s*\]\s*Nej")
TOC_LINE = re.compile(r"^(\d+(?:\.\d+)*)\.\t(.+?)\t\d+$", re.MULTILINE)
STALE_TOC = {"SjD_TP_GetAlertInformation_2.0.docx"}  # its TOC field lists another contract's headings


@pytest.fixture(scope="module")
def gcd_form(corpus: Path):
    path = find_form(corpus / GCD_RELEASE, "GetCareDocumentation", "3.0.5")
    assert path == corpus / GCD_RELEASE / "docs" / "SjD_TP_GetCareDocumentation_3.0.docx"
    return read_form(path)


def yes_no(section) -> list[SjdQuestion]:
    return [q for q in section.questions if q.kind == "yes_no"]


def test_gcd_form_sections_and_questions(gcd_form) -> None:
    assert gcd_form.title == "Självdeklaration Tjänsteproducent GetCareDocumentation 3.0"
    selection = gcd_form.section("2.2.1")
    assert selection is not None
    assert selection.title == "Inparametrar och tjänstens funktion"
    assert [q.tf for q in yes_no(selection)] == [
        ("1.1.1",),
        ("1.1.2",),
        ("1.1.4",),
        ("1.2.1–1.2.4",),
        ("1.3",),
        ("1.4",),
        ("1.6",),
        ("1.8",),
    ]
    assert [q.kind for q in selection.questions[-2:]] == ["text", "text"]
    assert selection.questions[-1].text == "Övrig kommentar:"
    faults = gcd_form.section("2.2.3")
    assert faults is not None
    assert [q.tf for q in yes_no(faults)] == [("1.7",)] * 3
    sla = gcd_form.section("2.5.2")
    assert sla is not None
    assert sla.title == "SLA-krav"
    assert [q.tf for q in yes_no(sla) if q.tf] == [("6.1.1",), ("6.1.2",), ("6.2.1",)]
    domain_version = gcd_form.section("2.6.1")
    assert domain_version is not None
    assert SjdQuestion("Ange domänversion:", "text") in domain_version.questions


def test_questions_for_tf_understand_ranges(gcd_form) -> None:
    found = gcd_form.questions_for_tf("1.2.3")
    assert [(section.number, question.tf) for section, question in found] == [("2.2.1", ("1.2.1–1.2.4",))]
    assert [s.number for s, _ in gcd_form.questions_for_tf("TF 1.7")] == ["2.2.3"] * 3
    assert gcd_form.questions_for_tf("1.2.5") == []
    assert gcd_form.questions_for_tf("1.2") == []
    assert [q.tf for _, q in gcd_form.questions_for_tf("EI_TF 2.3")] == [("EI_TF 2.3",)] * 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Urval (TF 1.1.1)", ("1.1.1",)),
        ("Urval (TF 1.2.1 – 1.2.4)", ("1.2.1–1.2.4",)),
        ("Urval (TF 1.2.1 - 1.2.4)", ("1.2.1–1.2.4",)),
        ("Flera (TF 5.20, 5.21) och (TF 5.20 och 5.22)", ("5.20", "5.21", "5.22")),
        ("EI (EI_TF 2.3)", ("EI_TF 2.3",)),
        ("Oavsett svar på TF 6.2.1 ovan", ()),
        ("Teckenkodning (UTF-8 eller UTF-16)", ()),
    ],
)
def test_tf_references(text: str, expected: tuple[str, ...]) -> None:
    assert parse_references(text) == expected


def test_covers() -> None:
    ranged = SjdQuestion("q", "yes_no", ("1.2.1–1.2.4", "EI_TF 2.3"))
    assert ranged.covers("1.2.1")
    assert ranged.covers("TF 1.2.4")
    assert not ranged.covers("1.2.10")
    assert not ranged.covers("2.3")
    assert ranged.covers("EI_TF_2.3")


@pytest.mark.corpus
def test_every_corpus_form_parses_numbered_as_its_toc(corpus: Path) -> None:
    forms = sorted((corpus / RELEASES).rglob("SjD_*.docx"))
    assert len(forms) >= 13
    for path in forms:
        form = read_form(path)
        text = path.with_suffix(".txt").read_text(encoding="utf-8")
        toc = [(number, " ".join(title.split())) for number, title in TOC_LINE.findall(text)]
        numbered = [(s.number, s.title) for s in form.sections if s.number]
        if path.name in STALE_TOC:
            titles = {title: number for number, title in toc}
            assert all(titles[t] == n for n, t in numbered if t in titles), path.name
        else:
            assert numbered == toc, path.name
        # every "[] Ja [] Nej" of the form is one yes/no question, each with its text
        questions = [q for s in form.sections for q in s.questions]
        assert sum(q.kind == "yes_no" for q in questions) == len(BOXES.findall(text)), path.name
        assert all(q.text for q in questions)
        chapter_two = [s for s in form.sections if s.number.startswith("2.")]
        for section in chapter_two:
            boxes = any(q.kind == "yes_no" for q in section.questions)
            assert not boxes or yes_no(section), (path.name, section.number)


def test_ei_update_form(corpus: Path) -> None:
    path = find_form(corpus / EI_RELEASE, "EI_Update", "1.0", role="TK")
    assert path is not None
    form = read_form(path)
    references = {tf for s in form.sections for q in s.questions for tf in q.tf}
    assert {"EI_TF 1.1", "EI_TF 1.2", "EI_TF 2.1", "EI_TF 2.2", "EI_TF 2.3", "EI_TF 2.4"} <= references
    assert all(tf.startswith("EI_TF ") for tf in references)


def test_find_form_in_a_zip(corpus: Path, tmp_path: Path) -> None:
    original = corpus / GCD_RELEASE / "docs" / "SjD_TP_GetCareDocumentation_3.0.docx"
    zipped = tmp_path / "release.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        archive.write(
            original, "clinicalprocess_healthcond_description_3.0.5/docs/SjD_TP_GetCareDocumentation_3.0.docx"
        )
    found = find_form(zipped, "GetCareDocumentation", "3.0")
    assert found is not None
    assert found.read_bytes() == original.read_bytes()
    assert find_form(zipped, "GetDiagnosis", "2.0") is None
    assert find_form(corpus / GCD_RELEASE, "GetCareDocumentation", "2.1") is None
    assert find_form(tmp_path / "absent", "GetCareDocumentation", "3.0") is None


def numbered_heading(document, text: str, level: int) -> None:
    paragraph = document.add_heading(text, level)
    numbering = OxmlElement("w:numPr")
    for tag, value in (("w:ilvl", str(level - 1)), ("w:numId", "1")):
        child = OxmlElement(tag)
        child.set(qn("w:val"), value)
        numbering.append(child)
    paragraph._p.get_or_add_pPr().append(numbering)


def test_a_form_written_here(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Min blankett", style="Title")
    document.add_heading("Revisionshistorik", 1)  # not numbered: no section
    numbered_heading(document, "Underlag", 1)
    numbered_heading(document, "Funktion", 2)
    document.add_paragraph("Ange vad som stöds:")
    document.add_paragraph("Urval på datum (TF 1.2.1 – 1.2.4)\n☐ Ja   ☐ Nej")
    document.add_paragraph("Urval på vårdenhet (TF 1.3)[ ] Ja [ ] Nej")
    shaded = document.add_paragraph("Övrig kommentar:")
    fill = OxmlElement("w:shd")
    fill.set(qn("w:fill"), "DC98B3")
    shaded._p.get_or_add_pPr().append(fill)
    numbered_heading(document, "Felhantering", 2)
    numbered_heading(document, "Resultat", 1)
    path = tmp_path / "form.docx"
    document.save(str(path))
    form = read_form(path)
    assert form.title == "Min blankett"
    assert [(s.number, s.title) for s in form.sections] == [
        ("1", "Underlag"),
        ("1.1", "Funktion"),
        ("1.2", "Felhantering"),
        ("2", "Resultat"),
    ]
    assert form.sections[1].questions == (
        SjdQuestion("Urval på datum (TF 1.2.1 – 1.2.4)", "yes_no", ("1.2.1–1.2.4",)),
        SjdQuestion("Urval på vårdenhet (TF 1.3)", "yes_no", ("1.3",)),
        SjdQuestion("Övrig kommentar:", "text", ()),
    )


def test_bad_forms_give_one_line(corpus: Path, tmp_path: Path) -> None:
    original = corpus / GCD_RELEASE / "docs" / "SjD_TP_GetCareDocumentation_3.0.docx"
    hostile = tmp_path / "hostile.docx"
    with zipfile.ZipFile(original) as source, zipfile.ZipFile(hostile, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"?>", b'?><!DOCTYPE w:document [<!ENTITY a "b">]>', 1)
            target.writestr(item, data)
    not_zip = tmp_path / "text.docx"
    not_zip.write_text("hello", encoding="utf-8")
    not_word = tmp_path / "other.docx"
    with zipfile.ZipFile(not_word, "w") as archive:
        archive.writestr("content.xml", "<x/>")
    cases = [
        (hostile, r"hostile\.docx!/word/document\.xml: contains a DOCTYPE"),
        (not_zip, r"text\.docx: not a \.docx \(not a zip archive\)"),
        (not_word, r"other\.docx: not a Word document \(no word/document\.xml\)"),
        (tmp_path / "missing.docx", r"missing\.docx: cannot read"),
    ]
    for path, message in cases:
        with pytest.raises(ConfigError, match=message) as caught:
            read_form(path)
        assert "\n" not in str(caught.value)
