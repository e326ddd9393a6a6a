"""The meeting's papers as file attachments of the Outlook event, through Microsoft Graph.

Attendees do not see an attachment added to an existing event until the organiser updates
the event. Graph's "Add attachment" page (event-post-attachments): "If an organizer adds an
attachment to a meeting event, the organizer can subsequently update the event to send the
attachment and update the event for each attendee as well"; microsoftgraph/microsoft-graph-
docs-contrib #8055 and #4501 report attachments seen by the organiser only. So attaching is
followed by an update (the event's body PATCHed as it is), and a removal rides on the next
update: for a new version, remove the old one first, then attach the new.

Attaching twice must not leave two copies when a run fails after the attach (the update
refused, say) and the outbox runs it again: an attachment of the same name is reused (names
carry the case reference, the document and its version, so one name is one version).
"""

from __future__ import annotations

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.event import Event
from msgraph.generated.models.file_attachment import FileAttachment
from msgraph.generated.users.item.events.item.attachments.attachments_request_builder import (
    AttachmentsRequestBuilder,
)
from msgraph.generated.users.item.events.item.event_item_request_builder import (
    EventItemRequestBuilder,
)

from bot.adapters.graph.client import GraphConnection, call
from bot.adapters.graph.errors import ItemGone
from bot.domain.errors import InvalidInput
from bot.ports import Attachment

EVENT_ATTACHMENT_LIMIT = 3 * 1024 * 1024  # Graph attaches a file "under 3 MB" in one call
WRITE = "Calendars.ReadWrite"


async def attach_document(conn: GraphConnection, event_id: str, document: Attachment) -> str:
    """The attachment's id, once it is on the event and the update has gone to attendees."""
    if len(document.content) >= EVENT_ATTACHMENT_LIMIT:
        raise InvalidInput(
            f"{document.name} is {len(document.content):,} bytes: Microsoft Graph attaches a"
            " file under 3 MB to a meeting in one call; send it by email instead."
        )
    event = _event(conn, event_id)
    attachment_id = await _attached(conn, event, event_id, document.name)
    if attachment_id is None:
        attachment = FileAttachment(
            name=document.name, content_type=document.content_type, content_bytes=document.content
        )
        made = await call(
            conn,
            event.attachments.post(attachment),
            what="attaching a document to the meeting",
            permission=WRITE,
            item=f"the calendar event {event_id}",
        )
        if made is None or not made.id:
            raise InvalidInput("Microsoft Graph attached the document but did not say its id.")
        attachment_id = made.id
    await _send_update(conn, event, event_id)
    return attachment_id


async def remove_document(conn: GraphConnection, event_id: str, attachment_id: str) -> None:
    """Delete the attachment from the organiser's event; gone already (404) is fine."""
    request = _event(conn, event_id).attachments.by_attachment_id(attachment_id).delete()
    try:
        await call(
            conn,
            request,
            what="removing a document from the meeting",
            permission=WRITE,
            item=f"the attachment {attachment_id}",
        )
    except ItemGone:
        return


def _event(conn: GraphConnection, event_id: str) -> EventItemRequestBuilder:
    return conn.client.users.by_user_id(conn.mailbox).events.by_event_id(event_id)


async def _attached(
    conn: GraphConnection, event: EventItemRequestBuilder, event_id: str, name: str
) -> str | None:
    """The id of an attachment of the event named `name` (an earlier run's), if any."""
    query = AttachmentsRequestBuilder.AttachmentsRequestBuilderGetQueryParameters(
        select=["id", "name"]
    )
    request = event.attachments.get(RequestConfiguration(query_parameters=query))
    found = await call(
        conn,
        request,
        what="reading the meeting's documents",
        permission=WRITE,
        item=f"the calendar event {event_id}",
    )
    return (
        next((a.id for a in (found.value or []) if a.name == name and a.id), None)
        if found
        else None
    )


async def _send_update(
    conn: GraphConnection, event: EventItemRequestBuilder, event_id: str
) -> None:
    """PATCH the body as it is: Exchange sends the update, attachments and all."""
    query = EventItemRequestBuilder.EventItemRequestBuilderGetQueryParameters(select=["body"])
    item = f"the calendar event {event_id}"
    current = await call(
        conn,
        event.get(RequestConfiguration(query_parameters=query)),
        what="reading the meeting",
        permission=WRITE,
        item=item,
    )
    body = current.body if current else None
    await call(
        conn,
        event.patch(Event(body=body)),
        what="sending the meeting's documents",
        permission=WRITE,
        item=item,
    )
