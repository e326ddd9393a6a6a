"""The partnership mailbox's Outlook calendar behind CalendarPort, through Microsoft Graph.

Meetings are Teams meetings organised by the mailbox, their times sent in UTC; invitees'
answers are read back from the event's attendees.
The meeting's papers are the event's file attachments (event_documents.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import TYPE_CHECKING

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.attendee import Attendee
from msgraph.generated.models.attendee_type import AttendeeType
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.event import Event
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.online_meeting_provider_type import OnlineMeetingProviderType
from msgraph.generated.models.response_type import ResponseType
from msgraph.generated.users.item.events.item.cancel.cancel_post_request_body import (
    CancelPostRequestBody,
)
from msgraph.generated.users.item.events.item.event_item_request_builder import (
    EventItemRequestBuilder,
)

from bot.adapters.graph.client import GraphConnection, call
from bot.adapters.graph.event_documents import attach_document, remove_document
from bot.adapters.graph.freebusy import free_busy
from bot.adapters.graph.times import graph_time, utc
from bot.domain.errors import InvalidInput
from bot.ports import Attachment, BookedEvent

if TYPE_CHECKING:
    from bot.ports import CalendarPort
from bot.domain.meeting import Response
from bot.domain.slots import Busy

READ = "Calendars.ReadBasic"
WRITE = "Calendars.ReadWrite"
# none and notResponded (and no status at all) are Response.NONE
_RESPONSES: dict[ResponseType | None, Response] = {
    ResponseType.Accepted: Response.ACCEPTED,
    ResponseType.Organizer: Response.ACCEPTED,  # the organiser comes to their own meeting
    ResponseType.TentativelyAccepted: Response.TENTATIVE,
    ResponseType.Declined: Response.DECLINED,
}


@dataclass(frozen=True, slots=True)
class EventDetails:
    id: str
    ical_uid: str  # the same in every invitee's calendar, unlike `id`
    join_url: str | None  # the Teams meeting link
    web_link: str | None  # opens the event in Outlook on the web


class GraphCalendar:
    def __init__(self, connection: GraphConnection) -> None:
        self.connection = connection
        self._mailbox = connection.client.users.by_user_id(connection.mailbox)

    async def free_busy(
        self, *, people: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, list[Busy]]:
        """Busy time per person from getSchedule (see freebusy.py)."""
        return await free_busy(self.connection, people, start, end)

    async def create_event(
        self,
        *,
        subject: str,
        body: str,
        start: datetime,
        end: datetime,
        required: Sequence[str],
        optional: Sequence[str],
        transaction_id: str,
    ) -> BookedEvent:
        """A Teams meeting in the mailbox's calendar, invitations sent by Exchange. Graph
        answers a repeat of `transaction_id` with the event it already made."""
        attendees = [_attendee(e, AttendeeType.Required) for e in required]
        attendees += [_attendee(e, AttendeeType.Optional) for e in optional]
        event = Event(
            subject=subject,
            body=ItemBody(content_type=BodyType.Html, content=_html(body)),
            start=graph_time(utc(start, "start")),
            end=graph_time(utc(end, "end")),
            attendees=attendees,
            is_online_meeting=True,
            online_meeting_provider=OnlineMeetingProviderType.TeamsForBusiness,
            transaction_id=transaction_id,
        )
        request = self._mailbox.events.post(event)
        made = await call(self.connection, request, what="booking the meeting", permission=WRITE)
        if made is None or not made.id:
            raise InvalidInput("Microsoft Graph created the meeting but did not say its id.")
        join = made.online_meeting.join_url if made.online_meeting else None
        return BookedEvent(made.id, made.i_cal_u_id or "", join)

    async def event_details(self, event_id: str) -> EventDetails:
        """What to link to: the Teams join URL, the Outlook link, the iCalendar UID."""
        event = await self._get(event_id, "id", "iCalUId", "onlineMeeting", "webLink")
        join = event.online_meeting.join_url if event.online_meeting else None
        return EventDetails(event.id or event_id, event.i_cal_u_id or "", join, event.web_link)

    async def add_attendee(self, *, event_id: str, email: str, optional: bool = False) -> None:
        """Invite one more person; Graph takes the whole attendee list, so the current one is
        read first (answers already given stay with their attendees)."""
        event = await self._get(event_id, "attendees")
        current = list(event.attendees or [])
        if any(_address(a) == email.lower() for a in current):
            return
        kind = AttendeeType.Optional if optional else AttendeeType.Required
        kept = [_attendee(_as_sent(a), a.type or AttendeeType.Required) for a in current]
        await self._patch(event_id, Event(attendees=[*kept, _attendee(email, kind)]), "inviting")

    async def responses(self, *, event_id: str) -> dict[str, Response]:
        """Each invitee's answer, by lowercased email."""
        event = await self._get(event_id, "attendees")
        answers: dict[str, Response] = {}
        for attendee in event.attendees or []:
            said = attendee.status.response if attendee.status else None
            answers[_address(attendee)] = _RESPONSES.get(said, Response.NONE)
        return answers

    async def move_event(self, *, event_id: str, start: datetime, end: datetime) -> None:
        moved = Event(start=graph_time(utc(start, "start")), end=graph_time(utc(end, "end")))
        await self._patch(event_id, moved, "moving the meeting")

    async def cancel_event(self, *, event_id: str, comment: str) -> None:
        """Cancel and tell every invitee (Graph's cancel, not a silent delete)."""
        request = self._mailbox.events.by_event_id(event_id).cancel.post(
            CancelPostRequestBody(comment=comment)
        )
        await call(
            self.connection,
            request,
            what="cancelling the meeting",
            permission=WRITE,
            item=f"the calendar event {event_id}",
        )

    async def attach_document(self, *, event_id: str, document: Attachment) -> str:
        """On the event, then sent to its attendees (event_documents.py)."""
        return await attach_document(self.connection, event_id, document)

    async def remove_document(self, *, event_id: str, attachment_id: str) -> None:
        """Off the organiser's event; attendees' copies lose it with the next update."""
        await remove_document(self.connection, event_id, attachment_id)

    async def _get(self, event_id: str, *fields: str) -> Event:
        query = EventItemRequestBuilder.EventItemRequestBuilderGetQueryParameters(
            select=list(fields)
        )
        config = RequestConfiguration(query_parameters=query)
        request = self._mailbox.events.by_event_id(event_id).get(config)
        event = await call(
            self.connection,
            request,
            what="reading the meeting",
            permission=READ,
            item=f"the calendar event {event_id}",
        )
        if event is None:
            raise InvalidInput(f"Microsoft Graph answered nothing for the event {event_id}.")
        return event

    async def _patch(self, event_id: str, change: Event, what: str) -> None:
        request = self._mailbox.events.by_event_id(event_id).patch(change)
        await call(
            self.connection,
            request,
            what=what,
            permission=WRITE,
            item=f"the calendar event {event_id}",
        )


def _attendee(email: str, kind: AttendeeType) -> Attendee:
    return Attendee(email_address=EmailAddress(address=email), type=kind)


def _as_sent(attendee: Attendee) -> str:
    return (attendee.email_address and attendee.email_address.address) or ""


def _address(attendee: Attendee) -> str:
    return _as_sent(attendee).lower()


def _html(text: str) -> str:
    """The port's plain text as HTML that shows the same lines."""
    return "<br>\n".join(escape(line) for line in text.splitlines())


if TYPE_CHECKING:  # mypy proves the adapter fits the port

    def _fits(adapter: GraphCalendar) -> CalendarPort:
        return adapter
