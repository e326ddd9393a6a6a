"""The console and in-memory adapters keep the documents they are given, bytes and all: the
demo prints where the papers are, and tests read back what each person received."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.adapters.console.chat import ConsoleChat, ConsoleMail, Transcript
from bot.adapters.memory.calendar import InMemoryCalendar
from bot.adapters.memory.mailbox import InMemoryMailbox
from bot.directories import load_directory
from bot.domain.errors import NotFound
from bot.ports import WORD_CONTENT_TYPE, Attachment, is_word_document

SUMMARY = Attachment("LLR-RR-2026-001-combined-summary-v1.docx", b"PK\x03\x04 papers")
LA_SPOC = "fay.morrow@council.example.org"


async def test_a_file_posted_on_the_console_is_kept_and_written_where_the_demo_says(
    tmp_path: Path,
) -> None:
    printed: list[str] = []
    chat = ConsoleChat(load_directory(), Transcript(printed.append), files_dir=tmp_path)

    file_id = await chat.post_file(channel="#LLR-RR-2026-001", document=SUMMARY, text="Papers")

    written = tmp_path / "LLR-RR-2026-001" / SUMMARY.name
    assert file_id is not None
    assert written.read_bytes() == SUMMARY.content
    assert str(written) in printed[-1]
    (item,) = chat.transcript.to("#LLR-RR-2026-001", "file")
    assert (item.text, item.subject, item.files) == ("Papers", SUMMARY.name, (SUMMARY,))


async def test_a_file_name_cannot_write_outside_the_papers_folder(tmp_path: Path) -> None:
    chat = ConsoleChat(load_directory(), Transcript(), files_dir=tmp_path / "papers")
    climbing = Attachment("../../escaped.docx", b"x")

    await chat.post_file(channel="#LLR-RR-2026-001", document=climbing, text="")

    assert not (tmp_path / "escaped.docx").exists()
    assert (tmp_path / "papers" / "LLR-RR-2026-001" / "escaped.docx").read_bytes() == b"x"


async def test_without_a_folder_the_console_keeps_the_file_in_memory_only(tmp_path: Path) -> None:
    printed: list[str] = []
    chat = ConsoleChat(load_directory(), Transcript(printed.append))

    await chat.post_file(channel="#LLR-RR-2026-001", document=SUMMARY, text="Papers")

    assert f"{SUMMARY.name}, {len(SUMMARY.content)} bytes" in printed[-1]
    assert chat.transcript.items[-1].files == (SUMMARY,)


async def test_an_email_keeps_its_attachments_bytes_for_each_recipient() -> None:
    mail = ConsoleMail(load_directory(), Transcript())

    await mail.send(to=[LA_SPOC], subject="Papers", body="Attached.", attachments=[SUMMARY])

    (item,) = mail.transcript.to(LA_SPOC, "email")
    assert item.files == (SUMMARY,)


async def test_a_meeting_keeps_its_documents_until_one_is_taken_off() -> None:
    calendar = InMemoryCalendar()
    booked = await calendar.create_event(
        subject="Meeting",
        body="",
        start=datetime(2027, 1, 4, 14, tzinfo=UTC),
        end=datetime(2027, 1, 4, 15, tzinfo=UTC),
        required=[LA_SPOC],
        optional=[],
        transaction_id="t-1",
    )
    first = await calendar.attach_document(event_id=booked.id, document=SUMMARY)
    second = await calendar.attach_document(event_id=booked.id, document=SUMMARY)
    assert first != second

    await calendar.remove_document(event_id=booked.id, attachment_id=first)
    await calendar.remove_document(event_id=booked.id, attachment_id=first)  # gone: fine

    assert list(calendar.events[booked.id].documents) == [second]
    with pytest.raises(NotFound):
        await calendar.attach_document(event_id="no-such-meeting", document=SUMMARY)


async def test_a_reply_carries_its_word_documents_bytes_and_names_every_file() -> None:
    mailbox = InMemoryMailbox()
    template = Attachment("reply.docx", b"PK\x03\x04 reply", WORD_CONTENT_TYPE)

    mailbox.reply_to(
        "mail-1",
        sender=LA_SPOC,
        subject="Re: request",
        text="Our return attached.",
        at=datetime(2027, 1, 4, 10, tzinfo=UTC),
        attachments=("scan.pdf",),
        files=(template,),
    )

    (received,) = await mailbox.replies(since=datetime(2027, 1, 4, tzinfo=UTC))
    assert received.files == (template,)
    assert received.attachments == ("scan.pdf", "reply.docx")


def test_a_word_document_is_known_by_its_name_or_its_content_type() -> None:
    assert is_word_document("Return.DOCX", "application/octet-stream")
    assert is_word_document("return", WORD_CONTENT_TYPE)
    assert not is_word_document("return.doc", "application/msword")
    assert not is_word_document("return.pdf", "application/pdf")
