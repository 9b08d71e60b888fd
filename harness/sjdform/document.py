"""The body of a .docx as a flat list of blocks: headings (level, numbered?) and text lines.

python-docx opens the package and resolves styles; the walk over ``w:p`` is our own so that
text inside content controls and line breaks (``w:br``: many forms put the "[] Ja [] Nej" boxes
on a new line of the question's own paragraph) are kept. Heading numbers are not stored in
the file (Word computes them from numbering definitions that differ between forms, and some
forms number a chapter heading only through a stale table of contents), so the reader
computes them as an outline from the heading levels, which is what the forms' tables of
contents show.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.oxml.ns import qn

from harness.errors import ConfigError

MAX_PART_BYTES = 20 * 1024 * 1024
MAX_PARTS = 2_000
_HEADING_NAME = re.compile(r"^heading ([1-9])$", re.IGNORECASE)
_NO_FILL = {"", "auto", "FFFFFF"}


@dataclass(frozen=True, slots=True)
class Heading:
    level: int
    numbered: bool
    title: str


@dataclass(frozen=True, slots=True)
class Line:
    text: str
    field: bool  # inside a shaded answer box ("fylls i av anslutande part")


Block = Heading | Line


def open_document(path: Path) -> docx.document.Document:
    """python-docx over a package that was checked first: a zip, a Word document, no DTDs, bounded size."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_PARTS or any(m.file_size > MAX_PART_BYTES for m in members):
                raise ConfigError(f"{path}: too many or too large parts for a self-declaration form")
            if "word/document.xml" not in archive.namelist():
                raise ConfigError(f"{path}: not a Word document (no word/document.xml)", hint="give the SjD .docx")
            for member in members:
                if member.filename.endswith((".xml", ".rels")) and b"<!DOCTYPE" in archive.read(member):
                    raise ConfigError(f"{path}!/{member.filename}: contains a DOCTYPE/entity declaration")
    except (zipfile.BadZipFile, EOFError):
        raise ConfigError(f"{path}: not a .docx (not a zip archive)", hint="give the SjD .docx from docs/") from None
    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises assorted types for broken packages
        raise ConfigError(f"{path}: not a readable Word document ({type(exc).__name__}: {exc})") from None


def blocks(document: docx.document.Document) -> list[Block]:
    """Headings and text lines of the body in document order (tables included)."""
    levels = _heading_levels(document)
    numbered_styles = _numbered_styles(document)
    found: list[Block] = []
    for paragraph in document.element.body.iter(qn("w:p")):
        properties = paragraph.find(qn("w:pPr"))
        style = _value(properties, "w:pStyle")
        lines = _lines(paragraph)
        if style in levels:
            number_id = _number_id(properties)  # numId 0 is how Word removes a style's numbering
            numbered = number_id != "0" if number_id is not None else style in numbered_styles
            found.append(Heading(levels[style], numbered, " ".join(" ".join(lines).split())))
            continue
        field = _shaded(paragraph, properties)
        found.extend(Line(" ".join(line.split()), field) for line in lines)
    return found


def title_of(document: docx.document.Document) -> str:
    """The form's title: its Title and Subtitle paragraphs (often inside the cover-page control)."""
    wanted = {style.style_id for style in document.styles if style.name in ("Title", "Subtitle")}
    parts: list[str] = []
    for paragraph in document.element.body.iter(qn("w:p")):
        if _value(paragraph.find(qn("w:pPr")), "w:pStyle") in wanted:
            parts.extend(_lines(paragraph))
    text = " ".join(" ".join(parts).split())
    return text or " ".join((document.core_properties.title or "").split())


def _heading_levels(document: docx.document.Document) -> dict[str, int]:
    """Style id → level of Word's own "Heading N" styles (ids are localised: "Rubrik2").

    Styles merely based on a heading ("TOC Heading", a table title) are not section headings.
    """
    levels: dict[str, int] = {}
    for style in document.styles:
        matched = _HEADING_NAME.match(style.name or "")
        if matched:
            levels[style.style_id] = int(matched.group(1))
    return levels


def _numbered_styles(document: docx.document.Document) -> set[str]:
    """Paragraph styles that carry list numbering themselves or through the styles they are based on."""
    numbered: set[str] = set()
    for style in document.styles:
        seen: set[str] = set()
        current = style
        while current is not None and current.style_id not in seen:
            seen.add(current.style_id)
            number_id = _number_id(current.element.find(qn("w:pPr")))
            if number_id is not None:
                if number_id != "0":
                    numbered.add(style.style_id)
                break
            current = getattr(current, "base_style", None)
    return numbered


def _number_id(properties: object) -> str | None:
    if properties is None:
        return None
    numbering = properties.find(qn("w:numPr"))  # type: ignore[attr-defined]
    return _value(numbering, "w:numId") if numbering is not None else None


def _value(parent: object, tag: str) -> str | None:
    if parent is None:
        return None
    child = parent.find(qn(tag))  # type: ignore[attr-defined]
    return child.get(qn("w:val")) if child is not None else None


def _lines(paragraph: object) -> list[str]:
    text: list[str] = []
    for element in paragraph.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):  # type: ignore[attr-defined]
        if element.tag == qn("w:t"):
            text.append(element.text or "")
        elif element.tag == qn("w:tab"):
            text.append("\t")
        else:
            text.append("\n")
    return "".join(text).split("\n")


def _shaded(paragraph: object, properties: object) -> bool:
    fills = [_fill(properties)]
    cell = next((a for a in paragraph.iterancestors(qn("w:tc"))), None)  # type: ignore[attr-defined]
    if cell is not None:
        fills.append(_fill(cell.find(qn("w:tcPr"))))
    return any(fill not in _NO_FILL for fill in fills)


def _fill(properties: object) -> str:
    if properties is None:
        return ""
    shading = properties.find(qn("w:shd"))  # type: ignore[attr-defined]
    return (shading.get(qn("w:fill")) or "") if shading is not None else ""
