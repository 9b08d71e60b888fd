"""Inera's self-declaration form (självdeklaration, ``docs/SjD_TP_<Contract>_<m.n>.docx``), read at run time.

    find_form(release, contract_name, version, role="TP") -> Path | None
    read_form(path) -> SjdForm(title, sections: SjdSection(number, title, questions: SjdQuestion))

The report answers the contract's own form, so its section numbers and question texts come
from the vendor's release at run time and are never copied into the project. A yes/no
question is the text before a "[] Ja [] Nej" box (on its own line or the same paragraph); a
shaded answer box ending in ":" ("Övrig kommentar:", "Ange domänversion:") is a text question.
TF references in the question text are parsed into ``tf``.
"""

from __future__ import annotations

import atexit
import hashlib
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from harness.contracts.package import read_release_file
from harness.sjdform.document import Heading, Line, blocks, open_document, title_of
from harness.sjdform.tf import parse_references, reference_covers

__all__ = ["SjdForm", "SjdQuestion", "SjdSection", "find_form", "read_form"]

_BOX = r"(?:\[\s*\]|[☐☒□])"
_CHECKBOXES = re.compile(rf"{_BOX}\s*Ja\W*?{_BOX}\s*Nej", re.IGNORECASE)
_PLACEHOLDER = re.compile(r"\s*\[\s*\]\s*$")


@dataclass(frozen=True, slots=True)
class SjdQuestion:
    """One question of the form, as the form words it."""

    text: str
    kind: Literal["yes_no", "text"]
    tf: tuple[str, ...] = ()

    def covers(self, tf: str) -> bool:
        """Whether this question names test case ``tf`` ("1.2.3" is inside "1.2.1–1.2.4")."""
        return any(reference_covers(reference, tf) for reference in self.tf)


@dataclass(frozen=True, slots=True)
class SjdSection:
    """A numbered heading of the form and the questions under it (up to the next heading)."""

    number: str
    title: str
    questions: tuple[SjdQuestion, ...] = ()


@dataclass(frozen=True, slots=True)
class SjdForm:
    """The whole form in document order."""

    title: str
    sections: tuple[SjdSection, ...]

    def questions_for_tf(self, tf: str) -> list[tuple[SjdSection, SjdQuestion]]:
        """Every question that names test case ``tf``, with its section."""
        return [
            (section, question) for section in self.sections for question in section.questions if question.covers(tf)
        ]

    def section(self, number: str) -> SjdSection | None:
        """The section numbered ``number`` (e.g. "2.2.1"), or None."""
        return next((section for section in self.sections if section.number == number), None)


def find_form(release: Path, contract_name: str, version: str, role: str = "TP") -> Path | None:
    """``docs/SjD_<role>_<Contract>_<m.n>.docx`` of a release folder or zip, or None.

    From a zip, the one member is extracted (by content, so two releases never collide) to a
    private temporary folder removed at exit.
    """
    major_minor = ".".join(version.split(".")[:2])
    relative = f"docs/SjD_{role}_{contract_name}_{major_minor}.docx"
    if release.is_dir():
        candidate = release / relative
        if candidate.is_file():
            return candidate
    if not release.exists():
        return None
    content = read_release_file(release, relative)
    if content is None:
        return None
    target = _extraction_folder() / hashlib.sha256(content).hexdigest()[:16] / Path(relative).name
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(content)
    return target


def read_form(path: Path) -> SjdForm:
    """Parse a self-declaration .docx; ConfigError (one line) when it is not a readable Word file."""
    document = open_document(path)
    sections: list[SjdSection] = []
    counters: list[int] = []
    heading: Heading | None = None
    number = ""
    body: list[Line] = []
    for block in [*blocks(document), None]:
        if isinstance(block, Line):
            body.append(block)
            continue
        questions = tuple(_questions(body))
        if heading is not None and (heading.numbered or questions):
            sections.append(SjdSection(number, heading.title, questions))
        if block is None:
            break
        heading, body = block, []
        number = _advance(counters, block) if block.numbered else ""
    return SjdForm(title_of(document) or path.stem, tuple(sections))


def _advance(counters: list[int], heading: Heading) -> str:
    """Outline numbering as Word shows it: bump this level, reset deeper ones ("2.2.1" after "2.2").

    A level whose parent never occurred shows the parent as 1 and counts it as used, so a
    form whose "Inledning" is unnumbered still has "1.1 Definitioner" and "2 Underlag ...".
    """
    del counters[heading.level :]
    while len(counters) < heading.level:
        counters.append(1 if len(counters) < heading.level - 1 else 0)
    counters[-1] += 1
    return ".".join(str(n) for n in counters)


def _questions(lines: list[Line]) -> list[SjdQuestion]:
    """Yes/no questions (the text before a box pair) and text prompts (a shaded line ending in ":").

    A prompt directly followed by the boxes is the yes/no question itself ("Tjänstekonsumenten
    kan skicka anrop ...:" then "[] Ja [] Nej").
    """
    questions: list[SjdQuestion] = []
    pending, prompt = "", False

    def flush_prompt() -> None:
        nonlocal pending, prompt
        if prompt:
            questions.append(SjdQuestion(pending, "text", parse_references(pending)))
            pending, prompt = "", False

    queue = [(line.text, line.field) for line in lines]
    while queue:
        text, field = queue.pop(0)
        boxes = _CHECKBOXES.search(text)
        if boxes:
            asked = text[: boxes.start()].strip()
            if asked:
                flush_prompt()
            asked = asked or pending
            if asked:
                questions.append(SjdQuestion(asked, "yes_no", parse_references(asked)))
            pending, prompt = "", False
            rest = text[boxes.end() :].strip()
            if rest:
                queue.insert(0, (rest, field))
            continue
        flush_prompt()
        line = _PLACEHOLDER.sub("", text).strip()
        if line:
            pending, prompt = line, field and line.endswith(":")
    flush_prompt()
    return questions


_extraction: Path | None = None


def _extraction_folder() -> Path:
    global _extraction  # noqa: PLW0603 - one private folder per process, removed at exit
    if _extraction is None:
        _extraction = Path(tempfile.mkdtemp(prefix="rivta-harness-sjd-"))
        atexit.register(shutil.rmtree, _extraction, ignore_errors=True)
    return _extraction
