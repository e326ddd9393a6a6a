"""Exactly once toward each person: every message a due action gets out is written down at once.

While a due action runs, chat, mail and the calendar are wrapped so that each message (a file
posted in a channel, a document attached to a meeting) that leaves is
recorded against the action (`deliveries`), in its own committed transaction, keyed by who it
went to and what it said (`delivery_key`). If the worker then dies, the next worker runs the
action again from the top: what is recorded is skipped, the rest is sent. An escalation to
three partners that died after the first message reaches the other two, and the first once.

The window left is between a message leaving and its record committing: a crash exactly
there repeats that one message, never skips one.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bot.domain.outbox import DueAction, delivery_key
from bot.ports import Attachment, CalendarPort, Chat, Mail
from bot.services.context import ServiceContext


class Deliveries:
    """What one run of one action has sent, and what earlier runs had."""

    def __init__(self, ctx: ServiceContext, action_id: int, earlier: dict[str, str]) -> None:
        self._ctx = ctx
        self._action_id = action_id
        self._earlier = earlier
        self._seen: Counter[str] = Counter()
        self.first_id: str | None = next(iter(earlier.values()), None)
        self.skipped = 0  # messages an earlier run had already sent

    def key(self, kind: str, recipient: str, content: str) -> str:
        base = delivery_key(kind, recipient, content)
        self._seen[base] += 1
        return f"{base}#{self._seen[base]}"

    def already(self, key: str) -> str | None:
        sent = self._earlier.get(key)
        if sent is not None:
            self.skipped += 1
        return sent

    async def note(self, key: str, external_id: str) -> None:
        self.first_id = self.first_id or external_id
        async with self._ctx.uow() as uow:
            await uow.outbox.record_delivery(
                self._action_id, recipient=key, external_id=external_id, at=self._ctx.now()
            )
            await uow.commit()


class _Chat:
    """The chat port as is, except that messages are sent once per recipient and text."""

    def __init__(self, inner: Chat, sent: Deliveries) -> None:
        self._inner = inner
        self._sent = sent

    async def post(self, **message: Any) -> str:
        key = self._sent.key("post", message["channel"], message["text"])
        if (done := self._sent.already(key)) is not None:
            return done
        external_id = await self._inner.post(**message)
        await self._sent.note(key, external_id)
        return external_id

    async def direct_message(self, **message: Any) -> str:
        key = self._sent.key("dm", message["to"], message["text"])
        if (done := self._sent.already(key)) is not None:
            return done
        external_id = await self._inner.direct_message(**message)
        await self._sent.note(key, external_id)
        return external_id

    async def post_file(self, **message: Any) -> str | None:
        key = self._sent.key("file", message["channel"], _fingerprint(message["document"]))
        if (done := self._sent.already(key)) is not None:
            return done
        external_id = await self._inner.post_file(**message)
        if external_id is not None:  # None: this chat holds no file, nothing went out
            await self._sent.note(key, external_id)
        return external_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _Calendar:
    """The calendar as is, except that a document is attached to a meeting once."""

    def __init__(self, inner: CalendarPort, sent: Deliveries) -> None:
        self._inner = inner
        self._sent = sent

    async def attach_document(self, **attaching: Any) -> str:
        key = self._sent.key("attach", attaching["event_id"], _fingerprint(attaching["document"]))
        if (done := self._sent.already(key)) is not None:
            return done
        attachment_id = await self._inner.attach_document(**attaching)
        await self._sent.note(key, attachment_id)
        return attachment_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _fingerprint(document: Attachment) -> str:
    """A document by its name and the SHA-256 of its bytes: the same file sent again is known,
    a new version (other bytes) is not."""
    return f"{document.name}\n{hashlib.sha256(document.content).hexdigest()}"


class _Mail:
    def __init__(self, inner: Mail, sent: Deliveries) -> None:
        self._inner = inner
        self._sent = sent

    async def send(self, **message: Any) -> str:
        to: Sequence[str] = message["to"]
        content = message["subject"] + "\n" + message["body"]
        for document in message.get("attachments", ()):  # another version: another email
            content += "\n" + _fingerprint(document)
        key = self._sent.key("mail", ",".join(to), content)
        if (done := self._sent.already(key)) is not None:
            return done
        external_id = await self._inner.send(**message)
        await self._sent.note(key, external_id)
        return external_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def delivering_once(ctx: ServiceContext, action: DueAction) -> tuple[ServiceContext, Deliveries]:
    """A context for running one action in which each message goes out at most once (what
    earlier runs got out was read with its claim)."""
    assert action.id is not None
    sent = Deliveries(ctx, action.id, action.delivered)
    noting = replace(
        ctx,
        chat=_Chat(ctx.chat, sent),
        mail=_Mail(ctx.mail, sent),
        calendar=_Calendar(ctx.calendar, sent),
    )
    return noting, sent
