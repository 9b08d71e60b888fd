"""The self-declaration questions for EI Update 1.0 that observed calls can answer.

From ``SjD_TK_EI_Update_1.0`` sections 2.3.2 (Engagemangsindexuppdatering) and 2.3.3
(SLA-krav): EI_TF 1.1–1.4 and 2.1–2.4, plus the two questions the form leaves unnumbered
(calls in sequence; RIVTA BP rule #22 on retries). Each rule the mock enforces feeds exactly
one question, so a broken rule turns exactly its answer to "no".
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from harness.sjdform import SjdForm

SECTION_UPDATE = "2.3.2"
SECTION_SLA = "2.3.3"


class Question(StrEnum):
    """Stable check ids of the answered questions."""

    CONTENT = "ei.tf-1.1"
    CATEGORIZATION = "ei.tf-1.2"
    EVERY_CHANGE = "ei.tf-1.3"
    DELETE = "ei.tf-1.4"
    SEQUENTIAL = "ei.sequential"
    WITHIN_60_MINUTES = "ei.tf-2.1"
    KEY_INTERVAL = "ei.tf-2.2"
    RETRY_INTERVAL = "ei.retry-interval"
    MAX_ENGAGEMENTS = "ei.tf-2.3"
    INITIAL_LOAD = "ei.tf-2.4"


@dataclass(frozen=True, slots=True)
class QuestionText:
    """How a question reads in the form, and the rule the mock measures for it."""

    question: Question
    tf: str
    section: str
    title_sv: str
    title_en: str
    rule: str
    source: str


QUESTIONS: tuple[QuestionText, ...] = (
    QuestionText(Question.CONTENT, "EI_TF 1.1", SECTION_UPDATE,
                 "Uppdateringar följer innehållsreglerna för tjänstedomänen",
                 "Updates follow the domain's content rules",
                 "Every Update is schema-valid and passes the general and the domain's Schematron rules",
                 "TKB itintegration:engagementindex (Update); domain TKB, EI section", ),
    QuestionText(Question.CATEGORIZATION, "EI_TF 1.2", SECTION_UPDATE,
                 "Categorization-kod enligt tjänstekontraktets beskrivning",
                 "Categorization code as the contract describes",
                 "Every categorization value is one the domain's EI rules allow",
                 "Domain TKB, EI section; *_ei_update_constraints.xml"),
    QuestionText(Question.EVERY_CHANGE, "EI_TF 1.3", SECTION_UPDATE,
                 "Uppdatering sker för ändringar i källsystemet",
                 "Every change in the source system gives an Update",
                 "Every change marked with `ei mark` is followed by an Update for that person",
                 "UpdateMock test instruction 1.3"),
    QuestionText(Question.DELETE, "EI_TF 1.4", SECTION_UPDATE,
                 "Borttag med deleteFlag = true",
                 "Removal with deleteFlag = true",
                 "An Update with deleteFlag=true was received and accepted",
                 "TKB kR2; UpdateMock test instruction 1.4"),
    QuestionText(Question.SEQUENTIAL, "", SECTION_UPDATE,
                 "Anrop till EI Update sker i sekvens utan parallellitet",
                 "Calls to EI Update are made in sequence, never in parallel",
                 "No Update arrives while another from the same source system is being answered",
                 "SjD EI Update 2.3.2"),
    QuestionText(Question.WITHIN_60_MINUTES, "EI_TF 2.1", SECTION_SLA,
                 "Uppdatering inom 60 minuter efter registrering i källsystemet",
                 "Update within 60 minutes of the change in the source system",
                 "An Update for the person named in an `ei mark` arrives within 60 minutes of the mark",
                 "Domain TKB, EI section; UpdateMock test instruction 2.1"),
    QuestionText(Question.KEY_INTERVAL, "EI_TF 2.2", SECTION_SLA,
                 "Samma unika nyckel högst var 5:e minut och en gång per anrop",
                 "Same unique key at most every 5 minutes and once per call",
                 "No unique key twice in one call (TKB R1), nor in accepted calls less than 5 minutes apart (R8), "
                 "nor twice during an initial load",
                 "TKB itintegration:engagementindex R1, R8"),
    QuestionText(Question.RETRY_INTERVAL, "", SECTION_SLA,
                 "Omsändning vid SOAP-fault inte oftare än var 5:e minut",
                 "No resend after a SOAP fault sooner than 5 minutes",
                 "After a fault, the same engagements are not sent again from that source system within 5 minutes",
                 "RIVTA BP 2.1 rule #22; TKB itintegration:engagementindex"),
    QuestionText(Question.MAX_ENGAGEMENTS, "EI_TF 2.3", SECTION_SLA,
                 "Högst 1000 engagemangsposter per Update",
                 "At most 1000 engagements per Update",
                 "No Update carries more than 1000 engagementTransaction elements",
                 "TKB itintegration:engagementindex kR3"),
    QuestionText(Question.INITIAL_LOAD, "EI_TF 2.4", SECTION_SLA,
                 "Grundladdning högst var 5:e sekund",
                 "Initial load calls at least 5 seconds apart",
                 "During the initial load, calls from one source system start at least 5 s after the previous answer",
                 "TKB itintegration:engagementindex R12"),
)  # fmt: skip

# Words that pick a question out of the form where its TF reference is missing or shared.
FORM_KEYWORDS = {
    Question.SEQUENTIAL: "parallellitet",
    Question.RETRY_INTERVAL: "#22",
    Question.MAX_ENGAGEMENTS: "1000",
}


def from_form(form: SjdForm) -> tuple[tuple[QuestionText, ...], tuple[tuple[str, str, str], ...]]:
    """The questions worded, numbered and sectioned as the vendor's own form has them.

    A question the form does not have keeps the harness's wording, so a changed form never
    loses an answer; the sections are the form's numbered headings that hold a question.
    """
    worded: list[QuestionText] = []
    titles: dict[str, str] = {}
    for text in QUESTIONS:
        keyword = FORM_KEYWORDS.get(text.question, "")
        candidates = (
            form.questions_for_tf(text.tf)
            if text.tf
            else [(section, question) for section in form.sections for question in section.questions]
        )
        found = next(
            ((section, question) for section, question in candidates
             if question.kind == "yes_no" and keyword in question.text),
            None,
        )  # fmt: skip
        if found is None:
            worded.append(text)
            continue
        section, question = found
        titles.setdefault(section.number, section.title)
        worded.append(replace(text, section=section.number, title_sv=question.text))
    for text in worded:  # a question the form lacks still needs its section
        titles.setdefault(text.section, DEFAULT_SECTIONS[text.section][0])
    sections = tuple((number, title, DEFAULT_SECTIONS.get(number, ("", title))[1]) for number, title in titles.items())
    return tuple(worded), sections


DEFAULT_SECTIONS = {
    SECTION_UPDATE: ("Engagemangsindexuppdatering", "Engagement index update"),
    SECTION_SLA: ("SLA-krav", "SLA requirements"),
}
