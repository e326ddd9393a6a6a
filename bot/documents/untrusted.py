"""Bounds on a Word document someone sent us, checked before python-docx opens it: its size,
its zip entries (count, total size, compression ratio: a zip bomb stops here) and its XML
(no DOCTYPE: a real .docx never has one, and an entity trick needs one)."""

from __future__ import annotations

import io
import zipfile

from bot.documents.reply_template import TemplateUnreadable

MAX_FILE_BYTES = 3 * 1024 * 1024
MAX_ENTRIES = 200
MAX_UNCOMPRESSED_BYTES = 30 * 1024 * 1024
MAX_RATIO = 100
_CHUNK = 64 * 1024
NOT_A_DOCX = (
    "The file is not a Word document (.docx). Please send the reply template back as the"
    " Word document it came as."
)


def check_package(content: bytes) -> None:
    """Refuse `content` unless it is a modest, well-formed zip with no DOCTYPE in any part."""
    if len(content) > MAX_FILE_BYTES:
        raise TemplateUnreadable(
            f"The file is {len(content) / 1024 / 1024:.1f} MB; a reply template is at most"
            " 3 MB. Please send the chronology's attachments separately."
        )
    try:
        package = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError) as error:
        raise TemplateUnreadable(NOT_A_DOCX) from error
    with package:
        entries = package.infolist()
        names = {e.filename for e in entries}
        if len(entries) > MAX_ENTRIES or not {"[Content_Types].xml", "word/document.xml"} <= names:
            raise TemplateUnreadable(NOT_A_DOCX)
        if sum(e.file_size for e in entries) > MAX_UNCOMPRESSED_BYTES:
            raise TemplateUnreadable(f"{NOT_A_DOCX} (It unpacks to more than 30 MB.)")
        budget = MAX_UNCOMPRESSED_BYTES
        for entry in entries:
            if entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
                raise TemplateUnreadable(f"{NOT_A_DOCX} (Part of it is packed suspiciously.)")
            budget = _read_within(package, entry, budget)


def _read_within(package: zipfile.ZipFile, entry: zipfile.ZipInfo, budget: int) -> int:
    """Unpack one entry (the sizes in a zip's directory can lie) within what is left of the
    budget, looking for a DOCTYPE in its XML; returns the budget left."""
    is_xml = entry.filename.endswith((".xml", ".rels"))
    tail, unpacked, most = b"", 0, MAX_RATIO * max(entry.compress_size, 1)
    try:
        with package.open(entry) as stream:
            while chunk := stream.read(_CHUNK):
                budget, unpacked = budget - len(chunk), unpacked + len(chunk)
                if budget < 0 or unpacked > most:
                    raise TemplateUnreadable(f"{NOT_A_DOCX} (It unpacks to more than 30 MB.)")
                if is_xml and b"<!doctype" in (tail + chunk).lower():
                    raise TemplateUnreadable(NOT_A_DOCX)
                tail = chunk[-16:]
    except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError) as error:
        raise TemplateUnreadable(NOT_A_DOCX) from error
    return budget
