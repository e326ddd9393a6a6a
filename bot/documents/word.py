"""The parts every document shares: the partnership's name and the protective marking in the
header and footer of every section, page numbers, fast tables, deterministic bytes, and file
names that can only ever hold a case reference, a document kind, a version and an agency code.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime
from xml.sax.saxutils import escape

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from docx.section import Section
from docx.shared import Pt

from bot.domain.errors import InvalidInput

MARKING = "OFFICIAL-SENSITIVE"
TO_COMPLETE = "To be completed at the meeting."

_CASE_REF = re.compile(r"^[A-Z]{2,8}-RR-\d{4}-\d{3,}$")
_AGENCY_CODE = re.compile(r"^[a-z][a-z0-9-]{1,30}$")
_KIND = re.compile(r"^[a-z]+(?:-[a-z]+)*$")
KINDS = frozenset(
    {"combined-summary", "panel-submission", "covering-letter", "reply-template", "outcome"}
)
# Characters XML 1.0 cannot hold; agency text pasted from elsewhere sometimes carries them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def long_date(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def short_date(day: date | None) -> str:
    return f"{day.day} {day:%b %Y}" if day else ""


def new_document(partnership: str) -> DocxDocument:
    document = Document()
    document.styles["Normal"].font.size = Pt(11)
    mark_section(document.sections[0], partnership)
    return document


def mark_section(section: Section, partnership: str) -> None:
    """The partnership and OFFICIAL-SENSITIVE at the top and bottom of every page of this
    section, written into the section itself (not linked to the previous one), so that a
    section added later never shows a page without its marking."""
    section.header.is_linked_to_previous = False
    section.footer.is_linked_to_previous = False
    head = section.header.paragraphs[0]
    head.text = f"{MARKING}    {clean(partnership)}"
    foot = section.footer.paragraphs[0]
    foot.text = f"{MARKING}    {clean(partnership)}    Page "
    foot._p.append(parse_xml(f'<w:fldSimple {nsdecls("w")} w:instr="PAGE"/>'))


def new_section(document: DocxDocument, partnership: str, *, landscape: bool) -> Section:
    """A new section on landscape pages (the chronology's wide table) or back on portrait
    ones, marked like the rest."""
    section: Section = document.add_section()
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = section.page_width, section.page_height
    if width is not None and height is not None and (width < height) == landscape:
        section.page_width, section.page_height = height, width
    mark_section(section, partnership)
    return section


def _cell_xml(text: str, width: int, bold: bool = False) -> str:
    weight = "<w:rPr><w:b/></w:rPr>" if bold else ""
    paragraphs = "".join(
        f'<w:p><w:r>{weight}<w:t xml:space="preserve">{escape(line)}</w:t></w:r></w:p>'
        for line in clean(text).split("\n")
    )
    return f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/></w:tcPr>{paragraphs}</w:tc>'


def add_table(
    document: DocxDocument,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    widths: Sequence[int],
) -> None:
    """A bordered table at the end of the document, the header repeated on every page.

    Built as one piece of WordprocessingML and parsed once: a 2,400-row chronology made cell
    by cell through python-docx's table API takes seconds. `widths` are in twentieths of a
    point; every row must have as many cells as the header.
    """
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    head = "".join(_cell_xml(text, w, bold=True) for text, w in zip(header, widths, strict=True))
    body = "".join(
        "<w:tr>" + "".join(_cell_xml(t, w) for t, w in zip(row, widths, strict=True)) + "</w:tr>"
        for row in rows
    )
    table = parse_xml(
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        '<w:tblW w:w="0" w:type="auto"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
        f"<w:tr><w:trPr><w:tblHeader/></w:trPr>{head}</w:tr>{body}</w:tbl>"
    )
    final_section = document.element.body.sectPr
    if final_section is None:
        document.element.body.append(table)
    else:
        final_section.addprevious(table)
    document.add_paragraph()  # Word wants a paragraph between a table and what follows


def to_bytes(
    document: DocxDocument,
    *,
    partnership: str,
    title: str,
    made_on: date,
    subject: str = "",
    keywords: str = "",
) -> bytes:
    """The document's bytes, the same for the same content: the core properties' dates are
    `made_on` (midnight UTC), the author is the partnership (never a person), and every zip
    entry carries `made_on` as its timestamp. `title`, `subject` and `keywords` travel in
    the file's properties, which mail previews and file lists show: never a name there."""
    stamp = datetime(made_on.year, made_on.month, made_on.day, tzinfo=UTC)
    core = document.core_properties
    core.author = core.last_modified_by = clean(partnership)
    core.title, core.subject, core.keywords = clean(title), subject, keywords
    core.comments = core.category = core.content_status = core.identifier = ""
    core.created = core.modified = core.last_printed = stamp
    core.revision = 1
    raw = io.BytesIO()
    document.save(raw)
    fixed = io.BytesIO()
    when = (made_on.year, made_on.month, made_on.day, 0, 0, 0)
    with (
        zipfile.ZipFile(raw) as source,
        zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o600 << 16
            target.writestr(info, source.read(entry))
    return fixed.getvalue()


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def file_name(ref: str, kind: str, version: int | None = None, agency: str | None = None) -> str:
    """e.g. `LLR-RR-2026-001_combined-summary_v2.docx`,
    `LLR-RR-2026-001_reply-template_police.docx`. Every part is checked against what a case
    reference, a document kind, a version number and an agency code look like, so a child's
    name (or any other free text) can never reach a file name."""
    if not _CASE_REF.fullmatch(ref):
        raise InvalidInput("A document's file name holds a case reference such as LLR-RR-2026-001.")
    if kind not in KINDS or not _KIND.fullmatch(kind):
        raise InvalidInput(f"Unknown document kind; one of {', '.join(sorted(KINDS))}.")
    parts = [ref, kind]
    if agency is not None:
        if not _AGENCY_CODE.fullmatch(agency):
            raise InvalidInput("A document's file name holds an agency code such as 'police'.")
        parts.append(agency)
    if version is not None:
        if not 1 <= version <= 999:
            raise InvalidInput("A document's version is a number from 1 to 999.")
        parts.append(f"v{version}")
    return "_".join(parts) + ".docx"
