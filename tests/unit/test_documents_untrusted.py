"""A returned reply template is untrusted: it is bounded before python-docx opens it, and
python-docx's XML parser resolves no entities."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx.oxml.parser import parse_xml

from bot.documents import TemplateUnreadable, read_reply_template, reply_template
from bot.documents.untrusted import NOT_A_DOCX
from tests.support.documents_samples import MADE_ON, PARTNERSHIP, POLICE, REF


def template() -> bytes:
    return reply_template(
        ref=REF, partnership=PARTNERSHIP, agency=POLICE, due=MADE_ON, made_on=MADE_ON
    )


def rezipped(replace: dict[str, bytes], extra: int = 0) -> bytes:
    """The template with some parts replaced or added, and `extra` small parts added."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(template())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            target.writestr(entry.filename, replace.get(entry.filename, source.read(entry)))
        for name in replace.keys() - set(source.namelist()):
            target.writestr(name, replace[name])
        for n in range(extra):
            target.writestr(f"word/media/extra{n}.txt", b"x")
    return out.getvalue()


def refusal(content: bytes) -> str:
    with pytest.raises(TemplateUnreadable) as refused:
        read_reply_template(content)
    return refused.value.message


def test_a_file_that_is_not_a_word_document_is_refused() -> None:
    assert refusal(b"%PDF-1.7 our return") == NOT_A_DOCX
    spreadsheet = io.BytesIO()
    with zipfile.ZipFile(spreadsheet, "w") as package:
        package.writestr("[Content_Types].xml", b"<Types/>")
        package.writestr("xl/workbook.xml", b"<workbook/>")
    assert refusal(spreadsheet.getvalue()) == NOT_A_DOCX
    assert "not a Word document (.docx)" in NOT_A_DOCX


def test_a_word_package_python_docx_cannot_open_is_refused_the_same_way() -> None:
    assert refusal(rezipped({"word/document.xml": b"<not-closed"})) == NOT_A_DOCX


def test_a_file_over_3_mb_is_refused_before_it_is_opened() -> None:
    assert refusal(b"PK" + b"\0" * (3 * 1024 * 1024)).startswith("The file is 3.0 MB")


def test_a_zip_bomb_is_refused() -> None:
    bomb = rezipped({"word/media/zeros.bin": b"\0" * (8 * 1024 * 1024)})
    assert len(bomb) < 3 * 1024 * 1024
    assert "packed suspiciously" in refusal(bomb)


def test_a_package_of_too_many_parts_is_refused() -> None:
    assert refusal(rezipped({}, extra=200)) == NOT_A_DOCX


XXE = (
    b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p></w:body></w:document>"
)


def test_an_entity_trick_is_refused() -> None:
    assert refusal(rezipped({"word/document.xml": XXE})) == NOT_A_DOCX


def test_python_docx_parser_does_not_resolve_entities_either() -> None:
    # The second line of defence, should a DOCTYPE ever get past the package check.
    element = parse_xml(XXE)
    assert "root:" not in "".join(element.itertext())
