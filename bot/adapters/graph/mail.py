"""Mail from, and replies to, the partnership mailbox through Microsoft Graph."""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.attachment import Attachment as GraphAttachment
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.file_attachment import FileAttachment
from msgraph.generated.models.internet_message_header import InternetMessageHeader
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.message import Message
from msgraph.generated.models.recipient import Recipient
from msgraph.generated.models.single_value_legacy_extended_property import (
    SingleValueLegacyExtendedProperty,
)
from msgraph.generated.users.item.mail_folders.item.messages.messages_request_builder import (
    MessagesRequestBuilder,
)
from msgraph.generated.users.item.send_mail.send_mail_post_request_body import (
    SendMailPostRequestBody,
)

from bot.adapters.graph.client import GraphConnection, call
from bot.adapters.graph.inbound import (
    InboundAttachment,
    InboundMail,
    authentication,
    plain_text,
    replied_ids,
)
from bot.domain.cases import ref_mentioned
from bot.domain.errors import InvalidInput
from bot.ports import (
    WORD_FILE_LIMIT,
    WORD_FILES_LIMIT,
    Attachment,
    ReceivedMail,
    SentMail,
    is_word_document,
)

if TYPE_CHECKING:
    from bot.ports import Mail, Mailbox

# sendMail takes attachments inline up to a 4 MB request; base64 adds a third, so 3 MB of
# files is the most one message can carry (larger ones need an upload session).
MAX_ATTACHMENT_BYTES = 3 * 1024 * 1024
SEND_ID_HEADER = "X-RRBot-Send-Id"  # Graph's sendMail answers 202 with no id: we bring our own
# The same id as a named MAPI property: Sent Items copies carry no internet headers, but they
# keep extended properties, which $filter can find (Microsoft's advice for finding a message
# sent with sendMail). Our own property set; the GUID is fixed for good.
SEND_ID_PROPERTY = "String {6f1d3c2a-8b4e-4f5a-9c7d-2e1b0a9f8c61} Name RRBotSendId"
READ = "Mail.Read"
PAGE_SIZE = 50
MAX_PAGES = 20  # 1,000 messages a poll; the rest wait for the next one
_FIELDS = [
    "id",
    "conversationId",
    "internetMessageId",
    "internetMessageHeaders",  # only sent when asked for; In-Reply-To, Authentication-Results
    "from",
    "subject",
    "body",
    "receivedDateTime",
    "hasAttachments",
]
_SEND_ID = re.compile(r"[0-9a-f]{32}")


class GraphMail:
    def __init__(self, connection: GraphConnection) -> None:
        self.connection = connection
        self._mailbox = connection.client.users.by_user_id(connection.mailbox)
        self._inbox = self._mailbox.mail_folders.by_mail_folder_id("inbox")

    async def send(
        self,
        *,
        to: Sequence[str],
        subject: str,
        body: str,
        attachments: Sequence[Attachment] = (),
    ) -> str:
        """Send from the mailbox (a copy kept in Sent Items). Returns the id carried in the
        message's `X-RRBot-Send-Id` header, to find it again in Sent Items or a bounce."""
        if not to:
            raise InvalidInput("An email needs at least one recipient.")
        if sum(len(a.content) for a in attachments) > MAX_ATTACHMENT_BYTES:
            raise InvalidInput("The attachments are larger than the 3 MB one email can carry.")
        send_id = uuid.uuid4().hex
        attached: list[GraphAttachment] = [
            FileAttachment(name=a.name, content_type=a.content_type, content_bytes=a.content)
            for a in attachments
        ]
        message = Message(
            subject=subject,
            body=ItemBody(content_type=BodyType.Text, content=body),
            to_recipients=[Recipient(email_address=EmailAddress(address=a)) for a in to],
            attachments=attached or None,
            internet_message_headers=[InternetMessageHeader(name=SEND_ID_HEADER, value=send_id)],
            single_value_extended_properties=[
                SingleValueLegacyExtendedProperty(id=SEND_ID_PROPERTY, value=send_id)
            ],
        )
        request = self._mailbox.send_mail.post(
            SendMailPostRequestBody(message=message, save_to_sent_items=True)
        )
        await call(self.connection, request, what="sending an email", permission="Mail.Send")
        return send_id

    async def sent_copy(self, *, send_id: str) -> SentMail | None:
        """The Mailbox port: the copy in Sent Items of the email sent under `send_id`, found
        by its extended property, with the Message-ID and conversation replies will carry."""
        if not _SEND_ID.fullmatch(send_id):  # ours are uuid4 hex: nothing else reaches $filter
            return None
        query = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(
            filter=(
                f"singleValueExtendedProperties/Any(ep: ep/id eq '{SEND_ID_PROPERTY}'"
                f" and ep/value eq '{send_id}')"
            ),
            select=["id", "internetMessageId", "conversationId"],
            top=1,
        )
        sent_items = self._mailbox.mail_folders.by_mail_folder_id("sentitems").messages
        request = sent_items.get(RequestConfiguration(query_parameters=query))
        page = await call(self.connection, request, what="reading Sent Items", permission=READ)
        found = next(iter(page.value or []), None) if page else None
        if found is None or not found.internet_message_id:
            return None
        return SentMail(found.internet_message_id, found.conversation_id or "")

    async def replies(self, *, since: datetime) -> list[ReceivedMail]:
        """The Mailbox port: what arrived since `since`, oldest first, attachments by name
        and the bytes of Word documents (bounded, `_bounded`); the others' bytes stay in the
        mailbox, the partnership's record."""
        return [
            ReceivedMail(
                message_id=m.message_id,
                sender=m.sender,
                subject=m.subject,
                text=m.body_text,
                received_at=m.received_at,
                attachments=tuple(a.name for a in m.attachments),
                files=tuple(Attachment(f.name, f.content, f.content_type) for f in _kept(m)),
                conversation_id=m.conversation_id,
                replies_to=m.replies_to,
                authentication=m.authentication,
            )
            for m in await self.inbound(since=since)
        ]

    async def inbound(self, *, since: datetime) -> list[InboundMail]:
        """Messages received in the inbox at or after `since`, oldest first, with their file
        attachments."""
        if since.utcoffset() is None:
            raise InvalidInput("`since` must carry its time zone.")
        # Graph wants an $orderby property to lead the $filter too: receivedDateTime, in both.
        query = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(
            filter=f"receivedDateTime ge {since.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}",
            orderby=["receivedDateTime asc"],
            select=_FIELDS,
            top=PAGE_SIZE,
        )
        messages: list[Message] = []
        builder = self._inbox.messages
        request = builder.get(RequestConfiguration(query_parameters=query))
        for _ in range(MAX_PAGES):
            page = await call(self.connection, request, what="reading the inbox", permission=READ)
            messages += (page.value or []) if page else []
            next_link = page.odata_next_link if page else None
            if not next_link:
                break
            request = builder.with_url(next_link).get()
        return [await self._inbound(m) for m in messages if m.id]

    async def _inbound(self, message: Message) -> InboundMail:
        assert message.id is not None
        files: tuple[InboundAttachment, ...] = ()
        # Only mail naming a case can be a return: other mail's files are never fetched, so a
        # reading holds the bytes of agencies' replies, not of the whole inbox.
        if message.has_attachments and ref_mentioned(message.subject or ""):
            files = await self._attachments(message.id)
        sender = message.from_.email_address if message.from_ else None
        body = message.body
        headers = [(h.name or "", h.value or "") for h in message.internet_message_headers or []]
        return InboundMail(
            message_id=message.id,
            conversation_id=message.conversation_id or "",
            sender=((sender.address if sender else None) or "").lower(),
            subject=message.subject or "",
            body_text=plain_text(
                (body.content if body else None) or "",
                html=body is not None and body.content_type is BodyType.Html,
            ),
            received_at=_aware_utc(message.received_date_time),
            attachments=files,
            internet_message_id=message.internet_message_id or "",
            replies_to=replied_ids(headers),
            authentication=authentication(headers),
        )

    async def _attachments(self, message_id: str) -> tuple[InboundAttachment, ...]:
        request = self._inbox.messages.by_message_id(message_id).attachments.get()
        found = await call(
            self.connection,
            request,
            what="reading an email's attachments",
            permission=READ,
            item=f"the email {message_id}",
        )
        files = [
            InboundAttachment(
                name=a.name or "attachment",
                content_type=a.content_type or "application/octet-stream",
                size=a.size if a.size is not None else len(a.content_bytes or b""),
                content=a.content_bytes or b"",
            )
            for a in ((found.value or []) if found else [])
            # Item and reference attachments (a forwarded email, a OneDrive link) have no bytes.
            if isinstance(a, FileAttachment)
        ]
        return _bounded(files)


def _kept(mail: InboundMail) -> list[InboundAttachment]:
    return [file for file in mail.attachments if file.content]


def _bounded(files: list[InboundAttachment]) -> tuple[InboundAttachment, ...]:
    """Every file by name; the bytes kept only of Word documents (up to WORD_FILES_LIMIT of
    WORD_FILE_LIMIT each): a poll reads up to 1,000 mails, and only a returned reply template
    is read by the bot. The rest stay in the mailbox, the partnership's record."""
    kept: list[InboundAttachment] = []
    words = 0
    for file in files:
        wanted = is_word_document(file.name, file.content_type)
        if wanted and len(file.content) <= WORD_FILE_LIMIT and words < WORD_FILES_LIMIT:
            words += 1
            kept.append(file)
        else:
            kept.append(replace(file, content=b""))
    return tuple(kept)


def _aware_utc(moment: datetime | None) -> datetime:
    if moment is None:  # Graph always sends it; an epoch keeps such a message sortable
        return datetime.fromtimestamp(0, UTC)
    return moment.replace(tzinfo=UTC) if moment.utcoffset() is None else moment.astimezone(UTC)


if TYPE_CHECKING:  # mypy proves the adapter fits the port

    def _fits(adapter: GraphMail) -> Mail:
        return adapter

    def _reads(adapter: GraphMail) -> Mailbox:
        return adapter
