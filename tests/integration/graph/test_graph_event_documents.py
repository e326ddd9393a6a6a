"""The meeting's papers attached to the Outlook event: GraphCalendar on the real msgraph-sdk
against the Graph fake. Attendees' copies get an attachment only with the event's next update,
so attaching sends one; a superseded version comes off with the next."""

from __future__ import annotations

import base64

import pytest

from bot.adapters.graph.calendar import GraphCalendar
from bot.adapters.graph.event_documents import EVENT_ATTACHMENT_LIMIT
from bot.domain.errors import InvalidInput, NotFound, Unavailable
from bot.ports import WORD_CONTENT_TYPE, Attachment
from tests.fakes.graph_api import MAILBOX, GraphApiFake
from tests.integration.graph.test_graph_calendar import book

VERSION_1 = Attachment(
    "LLR-RR-2026-014-combined-summary-v1.docx", bytes(range(256)) * 8, WORD_CONTENT_TYPE
)
VERSION_2 = Attachment(
    "LLR-RR-2026-014-combined-summary-v2.docx", b"PK\x03\x04 v2", WORD_CONTENT_TYPE
)


async def test_a_document_is_attached_and_reaches_the_attendees_copies(
    calendar: GraphCalendar, graph_api: GraphApiFake
) -> None:
    event_id = await book(calendar)

    attachment_id = await calendar.attach_document(event_id=event_id, document=VERSION_1)

    event = graph_api.events[event_id]
    assert event.attachments == {
        attachment_id: (VERSION_1.name, WORD_CONTENT_TYPE, VERSION_1.content)
    }
    assert event.attendee_copy == event.attachments  # the update was sent
    (posted,) = graph_api.calls_to(f"/events/{event_id}/attachments", "POST")
    assert posted.path == f"/v1.0/users/{MAILBOX}/events/{event_id}/attachments"
    assert posted.body["@odata.type"] == "#microsoft.graph.fileAttachment"
    assert base64.b64decode(posted.body["contentBytes"]) == VERSION_1.content
    assert "Agenda: the facts &amp; the decision." in event.body["content"]  # body unchanged


async def test_a_rerun_after_the_update_failed_reuses_the_attachment_and_sends_the_update(
    calendar: GraphCalendar, graph_api: GraphApiFake
) -> None:
    event_id = await book(calendar)
    graph_api.fail(f"/events/{event_id}", method="PATCH", status=500)

    with pytest.raises(Unavailable):
        await calendar.attach_document(event_id=event_id, document=VERSION_1)
    event = graph_api.events[event_id]
    assert len(event.attachments) == 1 and event.attendee_copy == {}  # on it, not sent

    attachment_id = await calendar.attach_document(event_id=event_id, document=VERSION_1)

    assert list(event.attachments) == [attachment_id]  # one copy, not two
    assert event.attendee_copy == event.attachments
    assert len(graph_api.calls_to(f"/events/{event_id}/attachments", "POST")) == 1


async def test_a_new_version_replaces_the_old_on_the_attendees_copies(
    calendar: GraphCalendar, graph_api: GraphApiFake
) -> None:
    event_id = await book(calendar)
    first = await calendar.attach_document(event_id=event_id, document=VERSION_1)

    await calendar.remove_document(event_id=event_id, attachment_id=first)
    second = await calendar.attach_document(event_id=event_id, document=VERSION_2)

    event = graph_api.events[event_id]
    assert list(event.attachments) == [second]
    assert [name for name, _, _ in event.attendee_copy.values()] == [VERSION_2.name]


async def test_removing_a_document_already_gone_is_not_an_error(
    calendar: GraphCalendar, graph_api: GraphApiFake
) -> None:
    event_id = await book(calendar)
    attachment_id = await calendar.attach_document(event_id=event_id, document=VERSION_1)
    await calendar.remove_document(event_id=event_id, attachment_id=attachment_id)

    await calendar.remove_document(event_id=event_id, attachment_id=attachment_id)

    deletes = graph_api.calls_to(f"/attachments/{attachment_id}", "DELETE")
    assert [c.status for c in deletes] == [204, 404]


async def test_a_missing_mailbox_is_still_an_error_when_removing(
    calendar: GraphCalendar, graph_api: GraphApiFake
) -> None:
    event_id = await book(calendar)
    graph_api.mailboxes.clear()

    with pytest.raises(NotFound, match="GRAPH_MAILBOX"):
        await calendar.remove_document(event_id=event_id, attachment_id="AAMkAGV2ZW50=")


async def test_a_document_of_3_mb_or_more_is_refused_before_any_call(
    calendar: GraphCalendar, graph_api: GraphApiFake
) -> None:
    event_id = await book(calendar)
    big = Attachment("LLR-RR-2026-014-combined-summary-v1.docx", b"x" * EVENT_ATTACHMENT_LIMIT)
    calls = len(graph_api.calls)

    with pytest.raises(InvalidInput, match="under 3 MB"):
        await calendar.attach_document(event_id=event_id, document=big)

    assert len(graph_api.calls) == calls


async def test_attaching_to_a_meeting_that_is_gone_says_so(
    calendar: GraphCalendar, graph_api: GraphApiFake
) -> None:
    with pytest.raises(NotFound, match="no longer exists"):
        await calendar.attach_document(event_id="AAMkAGdvbmU=", document=VERSION_1)
