"""Exactly once toward people: the first message an action gets out is written down at once.

While a due action runs, chat and mail are wrapped so that the id the outside world gives back
(a Slack `ts`, a mail id) is stored on the outbox row, in its own committed transaction, the
moment the first message leaves. If the worker then dies before marking the row done, the
next worker sees the id and completes the row instead of sending again.

Only the first id is kept: once anyone has been told, repeating the whole action would tell
them twice, which for a chase is worse than a rare missing copy.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.ports import Chat, Mail
from bot.services.context import ServiceContext


class FirstSent:
    def __init__(self, ctx: ServiceContext, action_id: int) -> None:
        self._ctx = ctx
        self._action_id = action_id
        self.external_id: str | None = None

    async def note(self, external_id: str) -> None:
        if self.external_id is not None:
            return
        self.external_id = external_id
        async with self._ctx.uow() as uow:
            await uow.outbox.record_external_id(self._action_id, external_id)
            await uow.commit()


class _Chat:
    """The chat port as is, except that messages are noted; anything else passes through."""

    def __init__(self, inner: Chat, sent: FirstSent) -> None:
        self._inner = inner
        self._sent = sent

    async def post(self, **message: Any) -> str:
        external_id = await self._inner.post(**message)
        await self._sent.note(external_id)
        return external_id

    async def direct_message(self, **message: Any) -> str:
        external_id = await self._inner.direct_message(**message)
        await self._sent.note(external_id)
        return external_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


class _Mail:
    def __init__(self, inner: Mail, sent: FirstSent) -> None:
        self._inner = inner
        self._sent = sent

    async def send(self, **message: Any) -> str:
        external_id = await self._inner.send(**message)
        await self._sent.note(external_id)
        return external_id


def noting_first_sent(ctx: ServiceContext, action_id: int) -> tuple[ServiceContext, FirstSent]:
    """A context for running one action whose first outgoing message is recorded."""
    sent = FirstSent(ctx, action_id)
    return replace(ctx, chat=_Chat(ctx.chat, sent), mail=_Mail(ctx.mail, sent)), sent
