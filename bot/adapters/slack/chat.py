"""The `Chat` port on Slack's Web API, in as few calls as Slack allows.

Opening a case for N people costs at most 3 + L calls (N <= 1000): conversations.create,
L users.lookupByEmail (L = N less the addresses cached in this process; 8 at a time), one
conversations.invite per 1000 people found and conversations.setTopic (create takes no topic).
A name collision adds auth.test and one conversations.list page per 1000 of the bot's private
channels.

A name collision (`name_taken`) adopts the channel when the bot created it (a retry of an open
that failed half-way must not make a second channel) and otherwise tries `<name>-2` ... `-5`;
`OpenedChannel.name` says which name was used. An adopted channel is emptied of anyone not on
the case (members.py), with one conversations.members page per 200 members and one
conversations.kick per person removed, and the chairs are told in it.

The pinned card's message `ts` is held per channel in memory. A process that did not open the
channel (a restart, another replica) finds the card among the channel's pins (one pins.list,
the first time it updates that channel's card) and edits it: never a second card.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.card import card_blocks, card_text, escape, message_blocks
from bot.adapters.slack.client import Reply, call
from bot.adapters.slack.errors import ChatUnavailable, NotInWorkspace, clean_code
from bot.adapters.slack.files import upload_file
from bot.adapters.slack.members import Strangers, notice, remove_strangers
from bot.logging import get_logger
from bot.ports import SLASH_COMMANDS, Attachment, Bookmark, Button, CaseCard, RequestThread

log = get_logger(__name__)

INVITE_BATCH = 1000  # conversations.invite takes up to 1000 users a call
LOOKUPS_AT_ONCE = 8  # users.lookupByEmail is Tier 3: a burst of 17 is fine, of 500 is not
REQUEST_EVENT = "rapid_review_information_request"  # message metadata of a request DM
SUFFIXES = 5  # <name>, <name>-2 ... <name>-5 before giving up on a collision
# Per-user refusals of conversations.invite: that person is reported, the others still invited.
_PER_USER = frozenset(
    {"already_in_channel", "cant_invite", "cant_invite_self", "user_not_found", "no_user"}
    | {"user_is_restricted", "ura_max_channels", "org_user_not_in_team", "user_disabled"}
    | {"invitee_cant_see_channel", "no_external_invite_permission"}
)


@dataclass(frozen=True, slots=True)
class OpenedChannel:
    """What opening a case channel did; the service tells the chair about anyone missing."""

    channel_id: str
    name: str
    adopted: bool  # an existing channel of the bot's was reused (a retried open)
    invited: tuple[str, ...]  # emails now in the channel (including those already there)
    not_found: tuple[str, ...]  # emails Slack does not know: not in the workspace
    not_invited: tuple[tuple[str, str], ...]  # (email, Slack's code) for refused invites
    strangers: Strangers = field(default_factory=Strangers)  # not on the case, in an adopted one


@dataclass(frozen=True, slots=True)
class _Made:
    channel_id: str
    name: str
    topic: str | None  # an adopted channel's current topic; None for a new channel


@dataclass(slots=True)
class _Card:
    ts: str
    card: CaseCard | None  # None: the ts was handed over, its content is unknown
    pinned: bool


class SlackChat:
    style = SLASH_COMMANDS

    def __init__(self, client: AsyncWebClient, *, chairs: Sequence[tuple[str, str]] = ()) -> None:
        self._client = client
        self._chairs = tuple(chairs)  # (email, name): told of strangers in an adopted channel
        self._users: dict[str, str] = {}  # lowercased email -> user id (hits only)
        self._ims: dict[str, str] = {}  # user id -> DM channel id
        self._cards: dict[str, _Card] = {}  # channel id -> its pinned card
        self._card_locks: dict[str, asyncio.Lock] = {}  # two updates at once: still one card
        self._me: str | None = None  # the bot's own user id, read on a name collision
        self._lookups = asyncio.Semaphore(LOOKUPS_AT_ONCE)
        self.last_open: OpenedChannel | None = None
        self._missing: dict[str, tuple[str, ...]] = {}  # channel id -> emails left out
        self._fresh: set[str] = set()  # channels opened new by this process: no card yet
        self._topics: dict[str, str] = {}  # channel id -> its topic, as last set or read

    # -- the port --------------------------------------------------------------------------

    async def open_case_channel(self, *, case_ref: str, members: Sequence[str], topic: str) -> str:
        self.last_open = opened = await self.open_channel(
            case_ref=case_ref, members=members, topic=topic
        )
        if not opened.adopted:
            self._fresh.add(opened.channel_id)
        self._missing[opened.channel_id] = opened.not_found + tuple(
            email for email, _code in opened.not_invited
        )
        return opened.channel_id

    async def mention(self, *, email: str, name: str) -> str:
        """`<@U…>` notifies the person; someone Slack does not know keeps their plain name."""
        user = await self._lookup(email)
        return f"<@{user}>" if user else name

    async def missing_members(self, *, channel: str) -> tuple[str, ...]:
        return self._missing.get(channel, ())

    async def can_message(self, *, email: str) -> bool:
        return await self._lookup(email) is not None

    def escape(self, text: str) -> str:
        """Slack's three control characters, as its docs ask: `<!here>` then reads as text."""
        return escape(text)

    async def post(self, *, channel: str, text: str, buttons: Sequence[Button] = ()) -> str:
        return await self._post(channel, text, buttons, None)

    async def post_file(self, *, channel: str, document: Attachment, text: str) -> str | None:
        """Through Slack's current upload flow (files.py); Slack always takes a file."""
        return await upload_file(self._client, channel=channel, document=document, text=text)

    async def direct_message(
        self,
        *,
        to: str,
        text: str,
        buttons: Sequence[Button] = (),
        about: RequestThread | None = None,
    ) -> str:
        user = await self._lookup(to)
        if user is None:
            raise NotInWorkspace(to)
        im = self._ims.get(user)
        if im is None:
            reply = await call("conversations.open", self._client.conversations_open(users=user))
            im = self._ims[user] = str(reply["channel"]["id"])
        return await self._post(im, text, buttons, about)

    async def _post(
        self, channel: str, text: str, buttons: Sequence[Button], about: RequestThread | None
    ) -> str:
        # Message metadata carries what a request is about, so a reply in its thread can be
        # recorded by any process later, with nothing extra to store.
        metadata = (
            {
                "event_type": REQUEST_EVENT,
                "event_payload": {"case_ref": about.case_ref, "agency": about.agency},
            }
            if about
            else None
        )
        blocks = message_blocks(text, buttons) if buttons else None
        post = self._client.chat_postMessage(
            channel=channel, text=text, blocks=blocks, metadata=metadata
        )
        reply = await call("chat.postMessage", post)
        return str(reply["ts"])

    async def request_of_thread(self, *, channel: str, thread_ts: str) -> RequestThread | None:
        """The request a thread's first message was about, or None for any other thread."""
        replies = self._client.conversations_replies(
            channel=channel, ts=thread_ts, limit=1, include_all_metadata=True
        )
        reply = await call("conversations.replies", replies, expected={"thread_not_found"})
        messages = reply.get("messages") or [] if reply["ok"] else []
        first = messages[0] if messages else {}
        metadata = first.get("metadata") or {}
        payload = metadata.get("event_payload") or {}
        if metadata.get("event_type") != REQUEST_EVENT or first.get("ts") != thread_ts:
            return None
        return RequestThread(str(payload.get("case_ref", "")), str(payload.get("agency", "")))

    async def set_topic(self, *, channel: str, topic: str) -> None:
        """Set only a changed topic: Slack posts "set the channel topic" in the channel each
        time, even for the same text. A channel this process has not seen is asked first."""
        if channel not in self._topics:
            reply = await call(
                "conversations.info", self._client.conversations_info(channel=channel)
            )
            self._topics[channel] = str((reply["channel"].get("topic") or {}).get("value", ""))
        if self._topics[channel] == topic:
            return
        await call(
            "conversations.setTopic",
            self._client.conversations_setTopic(channel=channel, topic=topic),
        )
        self._topics[channel] = topic

    async def add_bookmarks(self, *, channel: str, bookmarks: Sequence[Bookmark]) -> None:
        have: set[str] = set()
        if channel not in self._fresh:  # an adopted channel may have them from the first try
            listed = await call("bookmarks.list", self._client.bookmarks_list(channel_id=channel))
            have = {str(b.get("link", "")) for b in listed.get("bookmarks", [])}
        for bookmark in bookmarks:
            if bookmark.link in have:
                continue
            add = self._client.bookmarks_add(
                channel_id=channel, title=bookmark.title, type="link", link=bookmark.link
            )
            await call("bookmarks.add", add)

    async def update_case_card(self, *, channel: str, card: CaseCard) -> None:
        async with self._card_locks.setdefault(channel, asyncio.Lock()):
            await self._update_card(channel, card)

    # -- beyond the port -------------------------------------------------------------------

    def card_ts(self, channel: str) -> str | None:
        held = self._cards.get(channel)
        return held.ts if held else None

    def adopt_card(self, *, channel: str, ts: str) -> None:
        """Hand back a card's ts persisted by an earlier process: the next update edits it."""
        self._cards[channel] = _Card(ts, None, pinned=True)

    async def open_channel(
        self, *, case_ref: str, members: Sequence[str], topic: str
    ) -> OpenedChannel:
        """Open (or, on a retry, adopt) the case channel and report who could not be added."""
        made = await self._create(case_ref.lower())
        wanted = list(dict.fromkeys(m.strip().lower() for m in members if m.strip()))
        ids = await asyncio.gather(*(self._lookup(email) for email in wanted))
        found = {email: uid for email, uid in zip(wanted, ids, strict=True) if uid is not None}
        strangers = Strangers()
        if made.topic is not None:  # adopted: it may still hold an earlier case's people
            keep = {*found.values(), await self._bot_user()}
            strangers = await remove_strangers(self._client, made.channel_id, keep=keep)
        refused = await self._invite(made.channel_id, found)
        self._topics[made.channel_id] = made.topic or ""  # what create or the list said
        if topic and topic != made.topic:
            await self.set_topic(channel=made.channel_id, topic=topic)
        if strangers:
            chairs = " ".join([await self.mention(email=e, name=n) for e, n in self._chairs])
            text = notice(case_ref.upper(), strangers, chairs)  # the port passes the name
            await self.post(channel=made.channel_id, text=text)
        opened = OpenedChannel(
            channel_id=made.channel_id,
            name=made.name,
            adopted=made.topic is not None,
            invited=tuple(e for e in found if e not in refused),
            not_found=tuple(e for e in wanted if e not in found),
            not_invited=tuple(refused.items()),
            strangers=strangers,
        )
        log.info(
            "case_channel_opened",
            case_ref=case_ref,
            channel=made.channel_id,
            adopted=opened.adopted,
            renamed=made.name != case_ref.lower(),
            invited=len(opened.invited),
            not_found=len(opened.not_found),
            not_invited=len(opened.not_invited),
            removed=len(strangers.removed),
            not_removed=len(strangers.kept),
        )
        return opened

    # -- steps -----------------------------------------------------------------------------

    async def _create(self, base: str) -> _Made:
        ours: dict[str, Reply] | None = None  # the bot's private channels, listed once
        for n in range(1, SUFFIXES + 1):
            name = base if n == 1 else f"{base}-{n}"
            create = self._client.conversations_create(name=name, is_private=True)
            reply = await call("conversations.create", create, expected={"name_taken"})
            if reply["ok"]:
                return _Made(str(reply["channel"]["id"]), name, topic=None)
            ours = ours if ours is not None else await self._own_channels()
            if name in ours:
                topic = str(ours[name].get("topic", {}).get("value", ""))
                return _Made(str(ours[name]["id"]), name, topic)
        raise ChatUnavailable(
            "conversations.create",
            "name_taken",
            f"Slack refused conversations.create: name_taken ({base} and {base}-2 to "
            f"{base}-{SUFFIXES} are all used by channels this bot did not create)",
        )

    async def _bot_user(self) -> str:
        if self._me is None:
            self._me = str((await call("auth.test", self._client.auth_test()))["user_id"])
        return self._me

    async def _own_channels(self) -> dict[str, Reply]:
        """The live private channels the bot created, by name (for a bot token Slack lists
        only the private channels it is in; `creator` tells ours from those it was added to)."""
        me = await self._bot_user()
        ours: dict[str, Reply] = {}
        cursor: str | None = None
        while True:
            page = self._client.conversations_list(
                types="private_channel", exclude_archived=True, limit=1000, cursor=cursor
            )
            reply = await call("conversations.list", page)
            ours |= {c["name"]: c for c in reply.get("channels", []) if c["creator"] == me}
            cursor = reply.get("response_metadata", {}).get("next_cursor") or None
            if cursor is None:
                return ours

    async def _lookup(self, email: str) -> str | None:
        key = email.strip().lower()
        if key in self._users:
            return self._users[key]
        # Misses are not cached: someone not in the workspace today may join tomorrow.
        async with self._lookups:
            request = self._client.users_lookupByEmail(email=key)
            reply = await call("users.lookupByEmail", request, expected={"users_not_found"})
        user = reply.get("user") or {}
        if not reply["ok"] or user.get("deleted"):
            return None
        self._users[key] = str(user["id"])
        return self._users[key]

    async def _invite(self, channel: str, found: dict[str, str]) -> dict[str, str]:
        """Invite in batches; `force` lets the valid invitees in when one of a batch is refused.
        Returns {email: code} for those Slack refused; `already_in_channel` is not a refusal."""
        email_of = {uid: email for email, uid in found.items()}
        users = list(email_of)
        refused: dict[str, str] = {}
        for start in range(0, len(users), INVITE_BATCH):
            batch = users[start : start + INVITE_BATCH]
            invite = self._client.conversations_invite(channel=channel, users=batch, force=True)
            reply = await call("conversations.invite", invite, expected=_PER_USER)
            if reply["ok"]:
                continue
            # Per-user detail when Slack gives it, else the one code stands for the batch.
            errors = reply.get("errors") or [{"user": u, "error": reply["error"]} for u in batch]
            for e in errors:
                if e.get("error") != "already_in_channel" and e.get("user") in email_of:
                    refused[email_of[e["user"]]] = clean_code(e.get("error"))
        return refused

    async def _pinned_card(self, channel: str, case_ref: str) -> _Card | None:
        """The bot's card for `case_ref` among the channel's pins, if one is there."""
        me = await self._bot_user()
        reply = await call("pins.list", self._client.pins_list(channel=channel))
        for item in reply.get("items", []):
            message = item.get("message") or {}
            blocks = message.get("blocks") or [{}]
            header = (blocks[0].get("text") or {}).get("text")
            if message.get("user") == me and header == case_ref[:150]:
                return _Card(str(message["ts"]), None, pinned=True)
        return None

    async def _update_card(self, channel: str, card: CaseCard) -> None:
        held = self._cards.get(channel)
        if held is None and channel not in self._fresh:
            held = await self._pinned_card(channel, card.case_ref)
            if held is not None:
                self._cards[channel] = held
        if held is not None and held.card != card:
            update = self._client.chat_update(
                channel=channel, ts=held.ts, blocks=card_blocks(card), text=card_text(card)
            )
            reply = await call("chat.update", update, expected={"message_not_found"})
            held = held if reply["ok"] else None  # deleted by someone: post a new card
            if held is not None:
                held.card = card
        if held is None:
            post = self._client.chat_postMessage(
                channel=channel, blocks=card_blocks(card), text=card_text(card)
            )
            reply = await call("chat.postMessage", post)
            held = self._cards[channel] = _Card(str(reply["ts"]), card, pinned=False)
        if not held.pinned:  # also finishes a card whose pin failed last time
            pin = self._client.pins_add(channel=channel, timestamp=held.ts)
            await call("pins.add", pin, expected={"already_pinned"})
            held.pinned = True
