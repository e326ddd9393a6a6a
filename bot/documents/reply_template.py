"""The Information Request Reply Template (seed 001 §4.3) for one agency on one case: a Word
document the agency's SPOC fills in and emails back, read back by `reply_reading`.

The template says which case and agency it is for twice, in its core properties (keywords)
and in a visible line, so that it is still recognised after Word, LibreOffice or a mail
client has rewritten one of them. It carries no detail of the child: the request it travels
with says which case it is by reference only.
"""

from __future__ import annotations

from datetime import date

from bot.documents.views import AgencyName
from bot.documents.word import add_table, clean, long_date, new_document, to_bytes
from bot.domain.errors import DomainError

TITLE = "Information Request Reply Template"
TEMPLATE_VERSION = 1
KEYWORDS_PREFIX = "rrbot-reply-template"
IDENTITY_LABEL = "Template reference:"

# The answers table: (key, the label in the template's first column).
ANSWER_ROWS = (
    ("involvement", "Involvement with the child and family (full / limited / none)"),
    ("period_from", "Period of involvement: from (date)"),
    ("period_to", "Period of involvement: to (date)"),
    ("records_secured", "Records secured (yes / no)"),
    ("analysis", "Your analysis"),
    ("learning", "Learning identified"),
    ("safeguarding_actions", "Immediate safeguarding actions taken"),
    ("more_to_follow", "More to follow (yes / no)"),
)
ANSWERS_HEADER = ("Question", "Your answer")
CONTACTS_HEADER = ("Key contact's name", "Their role")
CHRONOLOGY_HEADER = ("Date", "Until", "What happened", "Who was involved", "Source record")
CONTACT_ROWS = 8
CHRONOLOGY_ROWS = 15

INSTRUCTIONS = (
    "Fill in the tables below and send this document back as a reply to the request email."
    " Please keep the template reference line and the tables' headings as they are.",
    "Dates: 3 November 2026, 03/11/2026 or 2026-11-03.",
    "Involvement: full, limited (we give a factual summary) or none (a nil return).",
    "Chronology: one row per event, in any order; for a run of days give the last day under"
    " 'Until'. Add rows if you need more; empty rows are ignored. Name practitioners by role"
    " and family members by relationship (mother, father).",
    "If you cannot finish yet, answer 'yes' to 'More to follow' and send what you have;"
    " send the completed template later.",
)


class TemplateUnreadable(DomainError):
    """A returned reply template could not be read; the message tells the sender what to fix."""

    code = "template_unreadable"


class NotATemplate(TemplateUnreadable):
    """A Word document that is not a reply template at all (the agency's own report, say):
    whoever reads a mailbox treats it as an ordinary attachment."""


def identity_keywords(ref: str, agency: str) -> str:
    return f"{KEYWORDS_PREFIX} v{TEMPLATE_VERSION} {ref} {agency}"


def identity_line(ref: str, agency: str) -> str:
    return f"{IDENTITY_LABEL} {ref} / {agency} / reply template v{TEMPLATE_VERSION}"


def reply_template(
    *, ref: str, partnership: str, agency: AgencyName, due: date, made_on: date
) -> bytes:
    """The template for `agency` on case `ref`, due back by `due`, as .docx bytes."""
    document = new_document(partnership)
    document.add_heading(TITLE, level=0)
    document.add_paragraph(f"Rapid Review {ref}, for {clean(agency.name)}.")
    document.add_paragraph(f"Please return it by {long_date(due)}.")
    document.add_paragraph(identity_line(ref, agency.code))
    document.add_heading("How to fill it in", level=1)
    for line in INSTRUCTIONS:
        document.add_paragraph(line, style="List Bullet")
    document.add_heading("Your answers", level=1)
    add_table(document, ANSWERS_HEADER, [(label, "") for _, label in ANSWER_ROWS], (3800, 5200))
    document.add_heading("Key contacts", level=1)
    add_table(document, CONTACTS_HEADER, [("", "")] * CONTACT_ROWS, (4000, 5000))
    document.add_heading("Chronology of your involvement", level=1)
    add_table(
        document,
        CHRONOLOGY_HEADER,
        [("",) * len(CHRONOLOGY_HEADER)] * CHRONOLOGY_ROWS,
        (1300, 1300, 3400, 1700, 1300),
    )
    return to_bytes(
        document,
        partnership=partnership,
        title=f"{TITLE} {ref} {agency.code}",
        made_on=made_on,
        subject=ref,
        keywords=identity_keywords(ref, agency.code),
    )
