"""Ports: the small interfaces, in our own words, that services use to reach the outside."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import TracebackType
from typing import Any, Protocol

from bot.domain.cases import Case
from bot.domain.mail_trust import Authentication, MailThread
from bot.domain.meeting import Response
from bot.domain.outbox import DueAction
from bot.domain.slots import Busy

COMMAND = "/rapidreview"  # how services write a command; each chat says it its own way


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


@dataclass(frozen=True, slots=True)
class CaseCard:
    """What the pinned card of a case channel shows; updated in place as the case moves."""

    case_ref: str
    stage: str
    next_deadline: str
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Button:
    """A button under a message; chat hands `action` and `value` back when it is pressed."""

    label: str
    action: str  # what pressing it does, e.g. "submit_return"
    value: str  # what it is about, e.g. "LLR-RR-2026-001|police"
    primary: bool = False


@dataclass(frozen=True, slots=True)
class Bookmark:
    """A link kept at the top of a case channel (its timetable, the decision form)."""

    title: str
    link: str


@dataclass(frozen=True, slots=True)
class RequestThread:
    """What a direct message asks for, kept with the message so that a reply typed (or a file
    posted) in its thread can be recorded as that agency's return."""

    case_ref: str
    agency: str


@dataclass(frozen=True, slots=True)
class ChatStyle:
    """How people on a chat type a command and answer a request. Services write a command
    the one way (`/rapidreview schedule`, as in Slack and the console); a chat that is typed
    to differently says it its own way (`@Rapid Review schedule` in Teams) with `say`."""

    command_prefix: str = COMMAND
    reply_here: str = "reply in this thread"  # where a request is answered in words
    request_place: str = "the request's thread"  # where more is added to a return
    strong: str = "*"  # what marks a button's name as bold
    space: str = "channel"  # what a case's place is called: a channel, or a (group) chat

    def say(self, text: str) -> str:
        """`text` with each command written as this chat's people type it, and the case's
        place called by this chat's name for it."""
        if self.command_prefix != COMMAND:
            text = text.replace(COMMAND + " ", self.command_prefix + " ").replace(
                f"`{COMMAND}`", f"`{self.command_prefix}`"
            )
        if self.space != "channel":
            text = text.replace("case channel", f"case {self.space}")
            text = text.replace("this channel", f"this {self.space}")
        return text

    def bold(self, text: str) -> str:
        return f"{self.strong}{text}{self.strong}"


SLASH_COMMANDS = ChatStyle()  # Slack and the console


@dataclass(frozen=True, slots=True)
class Attachment:
    """A document emailed, posted in chat or attached to a meeting (the papers), or one that
    arrived by email: held in memory, never written to disk on the way."""

    name: str
    content: bytes
    content_type: str = "application/octet-stream"


class Chat(Protocol):
    @property
    def style(self) -> ChatStyle:
        """How this chat's people type commands and answer requests."""
        ...

    async def open_case_channel(
        self, *, case_ref: str, members: Sequence[str], topic: str
    ) -> str: ...

    async def post(self, *, channel: str, text: str, buttons: Sequence[Button] = ()) -> str: ...

    async def direct_message(
        self,
        *,
        to: str,
        text: str,
        buttons: Sequence[Button] = (),
        about: RequestThread | None = None,
    ) -> str: ...

    async def set_topic(self, *, channel: str, topic: str) -> None: ...

    async def add_bookmarks(self, *, channel: str, bookmarks: Sequence[Bookmark]) -> None:
        """Add the links the channel does not have yet (a retried open adds none twice)."""
        ...

    async def update_case_card(self, *, channel: str, card: CaseCard) -> None: ...

    async def mention(self, *, email: str, name: str) -> str:
        """How to name someone in a message so that chat notifies them (`name` if it can't)."""
        ...

    async def missing_members(self, *, channel: str) -> tuple[str, ...]:
        """Emails that opening `channel` could not invite (not in the workspace, refused)."""
        ...

    async def can_message(self, *, email: str) -> bool:
        """Whether chat can send this person a direct message (they are in the workspace)."""
        ...

    def escape(self, text: str) -> str:
        """Someone's own words, made inert for this chat's markup before the bot repeats them:
        no mention, broadcast (`<!channel>`) or link can ride in on user text."""
        ...

    async def post_file(self, *, channel: str, document: Attachment, text: str) -> str | None:
        """Post `document` in `channel` as a file with `text` as its message: the chat's id
        for the file, or None when this chat cannot hold a file from the bot (a Teams group
        chat: a bot's file there needs SharePoint/OneDrive rights it does not have), so the
        caller sends it another way (by email)."""
        ...


@dataclass(frozen=True, slots=True)
class BookedEvent:
    """What the calendar says of a meeting it booked."""

    id: str  # the event in the partnership mailbox
    ical_uid: str = ""  # the same in every invitee's calendar
    join_url: str | None = None  # the Teams link


class CalendarPort(Protocol):
    async def free_busy(
        self, *, people: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, list[Busy]]: ...

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
    ) -> BookedEvent: ...

    async def add_attendee(self, *, event_id: str, email: str, optional: bool = False) -> None: ...

    async def responses(self, *, event_id: str) -> dict[str, Response]: ...

    async def cancel_event(self, *, event_id: str, comment: str) -> None: ...

    async def move_event(self, *, event_id: str, start: datetime, end: datetime) -> None:
        """Move the meeting; invitees are asked again (their responses reset)."""
        ...

    async def attach_document(self, *, event_id: str, document: Attachment) -> str:
        """Attach `document` to the meeting (the papers): the attachment's id."""
        ...

    async def remove_document(self, *, event_id: str, attachment_id: str) -> None:
        """Take a superseded document off the meeting; one already gone is not an error."""
        ...


class Mail(Protocol):
    async def send(
        self,
        *,
        to: Sequence[str],
        subject: str,
        body: str,
        attachments: Sequence[Attachment] = (),
    ) -> str: ...


WORD_FILE_LIMIT = 3 * 1024 * 1024  # bytes of one Word document kept from an inbound email
WORD_FILES_LIMIT = 10  # Word documents kept from one inbound email
WORD_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def is_word_document(name: str, content_type: str) -> bool:
    """A .docx, by its name or its content type (a client may send either alone)."""
    return name.lower().endswith(".docx") or content_type.lower() == WORD_CONTENT_TYPE


@dataclass(frozen=True, slots=True)
class ReceivedMail:
    """An email that arrived in the partnership mailbox (a reply to a request, say)."""

    message_id: str
    sender: str  # lowercased address
    subject: str
    text: str  # the body as plain text
    received_at: datetime  # aware UTC
    attachments: tuple[str, ...] = ()  # every file's name (Word documents' too)
    conversation_id: str = ""
    replies_to: tuple[str, ...] = ()  # Message-IDs from its In-Reply-To and References
    authentication: Authentication = "unknown"  # what the receiving mail system vouches for
    # The bytes of the Word documents (.docx) attached, each at most WORD_FILE_LIMIT, at most
    # WORD_FILES_LIMIT of them: a poll reads up to 1,000 mails, so other files stay by name.
    files: tuple[Attachment, ...] = ()


@dataclass(frozen=True, slots=True)
class SentMail:
    """What the mailbox's sent copy of one of our emails says of it."""

    internet_message_id: str
    conversation_id: str


class Mailbox(Protocol):
    async def replies(self, *, since: datetime) -> list[ReceivedMail]:
        """Mail received at or after `since`, oldest first."""
        ...

    async def sent_copy(self, *, send_id: str) -> SentMail | None:
        """The sent copy of the email `Mail.send` answered `send_id` for; None until the
        mailbox has it."""
        ...


class MailThreadRepository(Protocol):
    async def add(self, thread: MailThread) -> None: ...

    async def of_case(self, case_ref: str) -> list[MailThread]: ...

    async def unresolved(self, *, sent_after: datetime, limit: int) -> list[MailThread]:
        """Threads whose sent copy was not found yet, newest first."""
        ...

    async def resolve(self, send_id: str, sent: SentMail) -> None: ...


class CaseRepository(Protocol):
    async def add(self, case: Case) -> None: ...

    async def get(self, ref: str) -> Case:
        """The case, or NotFound with a message that names the reference."""
        ...

    async def save(self, case: Case) -> None:
        """Persist every change to the aggregate; refuses a stale version (concurrent edit)."""
        ...

    async def by_external_ref(self, code: str, external_ref: str) -> Case | None: ...

    async def next_ref(self, code: str, year: int) -> str:
        """`{CODE}-RR-{YYYY}-{NNN}`, sequential per partnership code and year."""
        ...

    async def open_cases(self) -> list[Case]: ...

    async def all_cases(self) -> list[Case]: ...


class OutboxRepository(Protocol):
    async def plan(self, action: DueAction) -> bool:
        """Insert unless the key exists (idempotent); True when it was new."""
        ...

    async def cancel(
        self, *, key_prefix: str, reason: str, at: datetime, keep: Sequence[str] = ()
    ) -> int:
        """Mark every pending action whose key starts with `key_prefix` as dropped, but those
        whose key is in `keep`."""
        ...

    async def replan(self, action: DueAction) -> bool:
        """Plan it, or bring a row with this key back to run again at `action.due_at`."""
        ...

    async def claim_due(
        self,
        *,
        now: datetime,
        worker: str,
        lease: timedelta,
        limit: int,
        case_ref: str | None = None,
    ) -> list[DueAction]: ...

    async def complete(
        self, action_id: int, *, at: datetime, outcome: str, external_id: str | None = None
    ) -> None: ...

    async def record_delivery(
        self, action_id: int, *, recipient: str, external_id: str, at: datetime
    ) -> None:
        """One message of this action is out: a rerun after a crash will not send it again."""
        ...

    async def deliveries(self, action_id: int) -> dict[str, str]:
        """Delivery key -> the outside world's id, for what this action already got out."""
        ...

    async def renew(self, ids: list[int], *, worker: str, until: datetime) -> int: ...

    async def claim_holders(self, *, now: datetime) -> list[str]: ...

    async def release_claims_of(self, holder: str) -> int:
        """Free the claims of a worker known to be gone."""
        ...

    async def fail(self, action_id: int, *, error: str, retry_at: datetime) -> None: ...

    async def defer(self, action_id: int, *, until: datetime) -> None:
        """Hand a claimed action back, unclaimable until `until`, as if the claim had not
        happened: no attempt is counted and its due time (so its lateness) is kept."""
        ...

    async def pending(
        self, *, case_ref: str | None = None, key_prefix: str | None = None
    ) -> list[DueAction]: ...


class AuditLog(Protocol):
    async def append(
        self,
        *,
        at: datetime,
        actor: str,
        action: str,
        case_ref: str | None,
        detail: Mapping[str, Any],
    ) -> None: ...


class BookingClaims(Protocol):
    """One change to a case's meeting at a time (book, move, cancel), across processes."""

    async def claim(
        self, *, case_ref: str, holder: str, now: datetime, until: datetime
    ) -> int | None:
        """Take the case's claim until `until` unless another holder's claim is still live
        at `now`: the number of this change (one more than the changes recorded so far), or
        None. NotFound for an unknown case."""
        ...

    async def release(self, *, case_ref: str, holder: str, recorded: bool) -> bool:
        """Give the claim back, counting the change when it was `recorded`; False when it
        was no longer `holder`'s (it expired and someone else took it). A change not
        recorded keeps its number, so trying it again sends Outlook the same transaction id
        and an invite whose answer was lost is not made twice."""
        ...


class UnitOfWork(Protocol):
    @property
    def cases(self) -> CaseRepository: ...

    @property
    def outbox(self) -> OutboxRepository: ...

    @property
    def audit(self) -> AuditLog: ...

    @property
    def mail_threads(self) -> MailThreadRepository: ...

    @property
    def booking_claims(self) -> BookingClaims: ...

    async def __aenter__(self) -> UnitOfWork: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed."""
        ...

    async def commit(self) -> None: ...
