"""The `Chat` port on Microsoft Teams: the Bot Connector (the Teams SDK's ApiClient) for
messages and cards, Microsoft Graph for people, the case chat and the app's installation.

Opening a case for N people costs ceil(N / 15) + 1 Graph calls and no connector call: the
people found by email 15 to a call (less those this process already knows), then one
`POST /chats` that makes the group chat with its members and the app installed in it. For 17
people that is 3 calls. The set-up the service does next is one connector call a message (the
timetable, anyone missing) and one for the card; links ride on the card (no call of their own).

A case chat's id is kept in the database per case reference (card_store.py): a retried open
reuses it and makes no second chat. Its topic IS the case reference, never changed:
`set_topic` makes no call (renaming would need Chat.ReadWrite.All, and the reference is the
only name the sensitivity rule allows); the stage and next deadline live on the card. The card
is one message edited in place (PUT), its activity id and content in the database, so a
restart or another replica edits it and an unchanged card costs no call.

A direct message installs the app for the person (Graph; 409 "already installed" is success),
creates the 1:1 conversation (the connector, with the tenant) once per person and process,
then sends. Connector calls are retried on 429/5xx as sending.py says, then left to the outbox.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from microsoft_teams.api import ApiClient
from microsoft_teams.api.activities.message import MessageActivityInput
from microsoft_teams.api.clients.conversation.params import CreateConversationParams
from microsoft_teams.api.models import Account, Attachment, MentionEntity

from bot.adapters.graph.client import GraphConnection
from bot.adapters.teams import cards
from bot.adapters.teams.card_store import ChatMessages
from bot.adapters.teams.errors import ChatUnavailable, NotInTenant
from bot.adapters.teams.members import Person, create_case_chat, find_people, install_for_user
from bot.adapters.teams.sending import DEFAULT_RETRY, SendRetry, Sleep, send
from bot.adapters.teams.style import TEAMS_STYLE
from bot.logging import get_logger
from bot.ports import Attachment as Document
from bot.ports import Bookmark, Button, CaseCard, Chat, RequestThread

T = TypeVar("T")
log = get_logger(__name__)


class TeamsChat:
    """`api` is the bot's connector client (TEAMS_SERVICE_URL), `graph` the Graph connection
    of the app registration that holds the Teams permissions; `app_id` is TEAMS_APP_ID (the
    catalogue id), `bot_id` the bot's Teams account ("28:" and TEAMS_CLIENT_ID), `tenant_id`
    TEAMS_TENANT_ID; `store` keeps the case chats and cards in the bot's database."""

    style = TEAMS_STYLE

    def __init__(
        self,
        api: ApiClient,
        graph: GraphConnection,
        *,
        app_id: str,
        bot_id: str,
        tenant_id: str,
        store: ChatMessages,
        retry: SendRetry = DEFAULT_RETRY,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self._api, self._graph, self._store = api, graph, store
        self._app_id, self._bot_id, self._tenant_id = app_id, bot_id, tenant_id
        self._retry, self._sleep = retry, sleep
        self._people: dict[str, Person] = {}  # lowercased email -> person (hits only)
        self._dms: dict[str, str] = {}  # Entra object id -> 1:1 conversation id
        self._missing: dict[str, tuple[str, ...]] = {}  # chat id -> emails left out
        self._mentions: dict[str, Person] = {}  # "<at>Name</at>" -> who it notifies
        self._card_locks: dict[str, asyncio.Lock] = {}

    # -- the port --------------------------------------------------------------------------

    async def open_case_channel(self, *, case_ref: str, members: Sequence[str], topic: str) -> str:
        ref = case_ref.upper()  # the chat's topic, for good: see the module's docstring
        wanted = list(dict.fromkeys(m.strip().lower() for m in members if m.strip()))
        found = await self._find(wanted)
        chat = await self._store.case_chat(ref)
        adopted = chat is not None
        if chat is None:
            people = [found[e] for e in wanted if e in found]
            try:
                chat = await create_case_chat(
                    self._graph, topic=ref, people=people, app_id=self._app_id
                )
            except Exception:  # someone may have left the tenant: look everyone up again
                for email in wanted:
                    self._people.pop(email, None)
                raise
            await self._store.remember_case_chat(ref, chat)
        self._missing[chat] = tuple(e for e in wanted if e not in found)
        log.info(
            "case_chat_opened",
            case_ref=ref,
            adopted=adopted,
            members=len(found),
            not_found=len(self._missing[chat]),
        )
        return chat

    async def missing_members(self, *, channel: str) -> tuple[str, ...]:
        return self._missing.get(channel, ())

    async def can_message(self, *, email: str) -> bool:
        return await self._person(email) is not None

    async def mention(self, *, email: str, name: str) -> str:
        """`<at>Name</at>`, notified through the entity sent with it; someone Graph does not
        know keeps their plain name."""
        person = await self._person(email)
        if person is None:
            return name
        token = f"<at>{cards.html_escape(name)}</at>"  # a directory name: no markdown in it
        self._mentions[token] = person
        return token

    def escape(self, text: str) -> str:
        return cards.escape(text)

    async def post(self, *, channel: str, text: str, buttons: Sequence[Button] = ()) -> str:
        return await self._message(channel, text, buttons, None)

    async def direct_message(
        self,
        *,
        to: str,
        text: str,
        buttons: Sequence[Button] = (),
        about: RequestThread | None = None,
    ) -> str:
        person = await self._person(to)
        if person is None:
            raise NotInTenant(to)
        conversation = self._dms.get(person.aad_id)
        if conversation is None:
            await install_for_user(self._graph, aad_id=person.aad_id, app_id=self._app_id)
            params = CreateConversationParams(
                members=[Account(id=person.aad_id)],
                tenant_id=self._tenant_id,
                channel_data={"tenant": {"id": self._tenant_id}},
                bot=Account(id=self._bot_id),  # an extra field the model keeps
            )
            made = await self._send("create conversation", self._api.conversations.create, params)
            conversation = self._dms[person.aad_id] = made.id
        return await self._message(conversation, text, buttons, about)

    async def post_file(self, *, channel: str, document: Document, text: str) -> str | None:
        """None, always: the case chat is a group chat, and Teams' own bot file API (the file
        consent card) works in personal chats only; a file in a group chat must be put in
        someone's OneDrive or SharePoint first (Graph Files.ReadWrite rights this app does not
        hold). Microsoft Learn, "Send and receive files using bots": "This method works only
        in the personal context. It does not work in the channel or groupchat context." The
        services email the papers to the chat's members instead."""
        return None

    async def set_topic(self, *, channel: str, topic: str) -> None:
        """No call: a Teams case chat's topic is its reference for good (see the docstring)."""

    async def add_bookmarks(self, *, channel: str, bookmarks: Sequence[Bookmark]) -> None:
        """The links go on the case card as buttons; an existing card is edited to show them."""
        async with self._card_locks.setdefault(channel, asyncio.Lock()):
            held = await self._store.card(channel)
            content = dict(held.content) if held else {}
            links = [tuple(pair) for pair in content.get("links", [])]
            links += [(b.title, b.link) for b in bookmarks if b.link not in {u for _, u in links}]
            content["links"] = [list(pair) for pair in links]
            if held is not None and held.content == content:
                return
            case_ref = content.get("card", {}).get("case_ref") or await self._case_of(channel)
            activity_id = held.activity_id if held else None
            if activity_id and "card" in content:
                activity_id = await self._show_card(channel, activity_id, content)
            await self._store.remember_card(channel, case_ref, activity_id, content)

    async def update_case_card(self, *, channel: str, card: CaseCard) -> None:
        async with self._card_locks.setdefault(channel, asyncio.Lock()):
            held = await self._store.card(channel)
            content = dict(held.content) if held else {}
            content["card"] = {
                "case_ref": card.case_ref,
                "stage": card.stage,
                "next_deadline": card.next_deadline,
                "lines": list(card.lines),
            }
            if held is not None and held.activity_id and held.content == content:
                return  # shows this already: no call
            activity_id = await self._show_card(
                channel, held.activity_id if held else None, content
            )
            await self._store.remember_card(channel, card.case_ref, activity_id, content)

    # -- steps -----------------------------------------------------------------------------

    async def _show_card(
        self, channel: str, activity_id: str | None, content: dict[str, Any]
    ) -> str:
        """Edit the card in place, or post it when there is none (or it was deleted)."""
        shown = content["card"]
        card = CaseCard(
            shown["case_ref"], shown["stage"], shown["next_deadline"], tuple(shown["lines"])
        )
        links = [Bookmark(title, link) for title, link in content.get("links", [])]
        activity = MessageActivityInput(
            summary=cards.card_summary(card),
            attachments=[Attachment(content_type=cards.CARD, content=cards.case_card(card, links))],
        )
        if activity_id:
            try:
                update = self._api.conversations.update_activity
                await self._send("update activity", update, channel, activity_id, activity)
                return activity_id
            except ChatUnavailable as err:
                if err.status != 404:
                    raise
                log.info("case_card_gone", channel_kind="group")  # deleted by someone: post anew
        sent = await self._send(
            "send activity", self._api.conversations.create_activity, channel, activity
        )
        return sent.id

    async def _message(
        self, conversation: str, text: str, buttons: Sequence[Button], about: RequestThread | None
    ) -> str:
        words = cards.teams_text(self.style.say(text))
        entities = [
            MentionEntity(mentioned=Account(id=p.aad_id, name=p.name), text=token)
            for token, p in self._mentions.items()
            if token in words
        ]
        attachments = (
            [Attachment(content_type=cards.CARD, content=cards.buttons_card(buttons, about))]
            if buttons
            else None
        )
        activity = MessageActivityInput(
            text=words, entities=entities or None, attachments=attachments
        )
        create = self._api.conversations.create_activity
        return (await self._send("send activity", create, conversation, activity)).id

    async def _send(self, operation: str, method: Callable[..., Awaitable[T]], *args: Any) -> T:
        return await send(operation, method, *args, retry=self._retry, sleep=self._sleep)

    async def _find(self, emails: Sequence[str]) -> dict[str, Person]:
        unknown = [e for e in emails if e not in self._people]
        if unknown:  # misses are not kept: someone not in the tenant today may be tomorrow
            self._people |= await find_people(self._graph, unknown)
        return {e: self._people[e] for e in emails if e in self._people}

    async def _person(self, email: str) -> Person | None:
        key = email.strip().lower()
        return (await self._find([key])).get(key)

    async def _case_of(self, channel: str) -> str:
        return await self._store.case_of(channel) or channel[:64]


def as_chat(chat: TeamsChat) -> Chat:
    """The port the services hold (mypy checks here that TeamsChat is one)."""
    return chat
