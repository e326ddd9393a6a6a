"""Reading a returned reply template into a `StructuredReturn`, or saying exactly what is
wrong with it in words the SPOC can act on. The file is untrusted: `untrusted.check_package`
bounds it before python-docx opens it, and python-docx's XML parser resolves no entities
(docx.oxml.parser: `resolve_entities=False`)."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from docx import Document
from docx.document import Document as DocxDocument
from docx.table import Table
from pydantic import ValidationError

from bot.documents.cells import (
    SHORT_ANSWER_CHARS,
    bounded,
    read_day,
    read_involvement,
    read_yes_no,
)
from bot.documents.reply_template import (
    ANSWER_ROWS,
    ANSWERS_HEADER,
    CHRONOLOGY_HEADER,
    CONTACTS_HEADER,
    IDENTITY_LABEL,
    KEYWORDS_PREFIX,
    TEMPLATE_VERSION,
    NotATemplate,
    TemplateUnreadable,
)
from bot.documents.untrusted import NOT_A_DOCX, check_package
from bot.domain import returns as limits
from bot.domain.returns import (
    ChronologyEntry,
    KeyContact,
    StructuredReturn,
)

_REF = r"(?P<ref>[A-Z]{2,8}-RR-\d{4}-\d{3,})"
_AGENCY = r"(?P<agency>[a-z][a-z0-9-]{1,30})"
_KEYWORDS = re.compile(rf"^{KEYWORDS_PREFIX} v(?P<version>\d{{1,3}}) {_REF} {_AGENCY}$")
_LINE = re.compile(
    rf"^{IDENTITY_LABEL}\s*{_REF}\s*/\s*{_AGENCY}\s*/\s*reply template v(?P<version>\d{{1,3}})$"
)
_IDENTITY_SEARCH = 40  # the line is near the top; a long document is not searched through
_ROWS_READ_MAX = limits.CHRONOLOGY_MAX * 2  # empty rows included
_ANSWER_LIMITS = {
    "analysis": limits.ANALYSIS_MAX_CHARS,
    "learning": limits.LEARNING_MAX_CHARS,
    "safeguarding_actions": limits.ACTIONS_MAX_CHARS,
}


def read_reply_template(
    content: bytes, expected_ref: str | None = None, expected_agency: str | None = None
) -> tuple[str, str, StructuredReturn]:
    """(case reference, agency code, the return) from a filled-in reply template, or
    `TemplateUnreadable` saying what is wrong. With `expected_ref`/`expected_agency`, a
    template for another case or agency is refused."""
    check_package(content)
    try:
        document = Document(io.BytesIO(content))
    except Exception as error:  # anything python-docx cannot make sense of is the sender's file
        raise TemplateUnreadable(NOT_A_DOCX) from error
    ref, agency = _identity(document)
    if expected_ref is not None and ref != expected_ref:
        raise TemplateUnreadable(f"This is not the reply template for {expected_ref}.")
    if expected_agency is not None and agency != expected_agency:
        raise TemplateUnreadable(
            f"This reply template is for another agency, not {expected_agency}."
        )
    tables = {_cell_text(t, 0, 0).strip().lower(): t for t in document.tables if t.rows}
    answers = _rows(_table(tables, ANSWERS_HEADER, "answers"), "answers")
    contacts = _rows(_table(tables, CONTACTS_HEADER, "key contacts"), "key contacts")
    chronology = _rows(_table(tables, CHRONOLOGY_HEADER, "chronology"), "chronology")
    return ref, agency, _structured(answers, contacts, chronology)


def _identity(document: DocxDocument) -> tuple[str, str]:
    """The case and agency the template is for, from its properties and its visible line
    (either is enough: one of them may not survive every editor; both must agree)."""
    found = [_KEYWORDS.match((document.core_properties.keywords or "").strip()[:200])]
    found += [_LINE.match(p.text.strip()[:200]) for p in document.paragraphs[:_IDENTITY_SEARCH]]
    identities = {(m["ref"], m["agency"], m["version"]) for m in found if m is not None}
    if not identities:
        raise NotATemplate(
            "This is not a reply template: its 'Template reference' line is missing. Please"
            " fill in the template that came with the request."
        )
    if len(identities) > 1:
        raise TemplateUnreadable(
            "This document holds more than one template reference; please fill in the"
            " template that came with the request, without copying another one into it."
        )
    ((ref, agency, version),) = identities
    if int(version) != TEMPLATE_VERSION:
        raise TemplateUnreadable(
            "This is an older version of the reply template; please use the one that came"
            " with the request."
        )
    return ref, agency


def _cell_text(table: Table, row: int, column: int) -> str:
    cells = table.rows[row].cells
    return cells[column].text if column < len(cells) else ""


def _table(tables: dict[str, Table], header: Sequence[str], name: str) -> Table:
    table = tables.get(header[0].lower())
    if table is None:
        raise TemplateUnreadable(
            f"The {name} table is missing (its first column is headed '{header[0]}'). Please"
            " fill in the template that came with the request, keeping its tables."
        )
    return table


def _rows(table: Table, name: str) -> list[list[str]]:
    """The table's rows below its header, as text; empty rows left out, too many refused."""
    if len(table.rows) - 1 > _ROWS_READ_MAX:
        raise TemplateUnreadable(f"The {name} table has more than {_ROWS_READ_MAX} rows.")
    rows = []
    for number, row in enumerate(table.rows[1:], start=1):
        texts = [cell.text.strip() for cell in row.cells]
        rows.append([f"{number}", *texts] if any(texts) else [])
    return [r for r in rows if r]


def _answers(rows: list[list[str]]) -> dict[str, str]:
    by_label = {" ".join(r[1].lower().split()): (r[2] if len(r) > 2 else "") for r in rows}
    answers = {}
    for key, label in ANSWER_ROWS:
        if " ".join(label.lower().split()) not in by_label:
            raise TemplateUnreadable(
                f"The answers table has lost its row '{label}'. Please fill in the template"
                " that came with the request, keeping its rows."
            )
        most = _ANSWER_LIMITS.get(key, SHORT_ANSWER_CHARS)
        answers[key] = bounded(by_label[" ".join(label.lower().split())], most, f"'{label}'")
    return answers


def _contacts(rows: list[list[str]]) -> list[KeyContact]:
    if len(rows) > limits.CONTACTS_MAX:
        raise TemplateUnreadable(f"At most {limits.CONTACTS_MAX} key contacts, please.")
    contacts = []
    for number, name, role, *_ in ([*r, "", ""] for r in rows):
        where = f"Row {number} of the key contacts"
        if not (name and role):
            raise TemplateUnreadable(f"{where}: give both the name and the role.")
        contacts.append(
            KeyContact(
                name=bounded(name, limits.CONTACT_NAME_MAX_CHARS, f"{where}: the name"),
                role=bounded(role, limits.CONTACT_ROLE_MAX_CHARS, f"{where}: the role"),
            )
        )
    return contacts


def _entries(rows: list[list[str]]) -> list[ChronologyEntry]:
    if len(rows) > limits.CHRONOLOGY_MAX:
        raise TemplateUnreadable(
            f"The chronology has {len(rows)} entries; at most {limits.CHRONOLOGY_MAX}. Please"
            " send a longer history as a separate document and summarise it here."
        )
    entries = []
    for number, on, until, what, who, source, *_ in ([*r, "", "", "", "", ""] for r in rows):
        where = f"Row {number} of the chronology"
        day = read_day(on, where)
        if day is None or not what:
            raise TemplateUnreadable(f"{where}: give the date and what happened.")
        last = read_day(until, where)
        if last is not None and last < day:
            raise TemplateUnreadable(f"{where}: 'Until' is before the date.")
        entries.append(
            ChronologyEntry(
                on=day,
                until=last,
                what=bounded(what, limits.WHAT_MAX_CHARS, f"{where}: 'What happened'"),
                who=bounded(who, limits.WHO_MAX_CHARS, f"{where}: 'Who was involved'"),
                source=bounded(source, limits.SOURCE_MAX_CHARS, f"{where}: 'Source record'"),
            )
        )
    return entries


def _structured(
    answer_rows: list[list[str]], contact_rows: list[list[str]], chronology_rows: list[list[str]]
) -> StructuredReturn:
    answers = _answers(answer_rows)
    try:
        return StructuredReturn(
            involvement=read_involvement(answers["involvement"]),
            period_from=read_day(answers["period_from"], "The period of involvement"),
            period_to=read_day(answers["period_to"], "The period of involvement"),
            contacts=tuple(_contacts(contact_rows)),
            chronology=tuple(_entries(chronology_rows)),
            analysis=answers["analysis"],
            learning=answers["learning"],
            safeguarding_actions=answers["safeguarding_actions"],
            records_secured=read_yes_no(answers["records_secured"], "Records secured"),
            partial=bool(read_yes_no(answers["more_to_follow"], "More to follow")),
        )
    except ValidationError as error:
        reason = str(error.errors()[0]["msg"]).removeprefix("Value error, ")
        raise TemplateUnreadable(f"The reply cannot be recorded yet: {_plain(reason)}") from error


def _plain(reason: str) -> str:
    """The domain's message without its field name prefix ("analysis: ...")."""
    field, _, said = reason.partition(": ")
    return said if said and field.isidentifier() else reason
