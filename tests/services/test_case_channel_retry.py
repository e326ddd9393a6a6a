"""If chat refuses to open the case channel, the case is still open, the chairs are told by
email, and the channel is opened later from the outbox, once."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from bot.adapters.console.chat import ConsoleChat
from bot.domain.errors import DomainError
from bot.services.facade import Services
from schedules.runner import run_due
from tests.support.world import CHAIR, NOTIFIED, World


class ChatThatFailsToOpen(ConsoleChat):
    """The console chat, refusing to open a channel the first `failures` times."""

    failures = 1

    async def open_case_channel(self, *, case_ref: str, members: Sequence[str], topic: str) -> str:
        if self.failures:
            self.failures -= 1
            raise DomainError("Slack refused conversations.create: restricted_action")
        return await super().open_case_channel(case_ref=case_ref, members=members, topic=topic)


def failing_world(failures: int) -> World:
    world = World()
    chat = ChatThatFailsToOpen(world.directory, world.transcript)
    chat.failures = failures
    world.chat = chat
    world.ctx = replace(world.ctx, chat=chat)
    world.services = Services(world.ctx)
    return world


async def test_the_case_survives_and_the_chairs_are_emailed() -> None:
    world = failing_world(failures=1)
    ref = await world.open()
    assert world.store.cases[ref].channel == ""
    (email,) = world.transcript.to(CHAIR, "email")
    assert email.subject == f"Rapid Review: {ref} channel not opened yet"
    assert "restricted_action" in email.text
    assert "The bot keeps trying" in email.text


async def test_the_outbox_opens_the_channel_once_chat_is_back() -> None:
    world = failing_world(failures=2)
    ref = await world.open()
    world.at(NOTIFIED, "10:01")
    (first,) = await run_due(world.services, worker="test")
    assert first.outcome is None  # failed again: rescheduled, not dropped
    world.at(date(2026, 12, 18), "10:30")
    (second,) = await run_due(world.services, worker="test")
    assert second.outcome is not None and second.outcome.value == "done"
    assert world.store.cases[ref].channel == f"#{ref.lower()}"
    assert list(world.chat.channels) == [f"#{ref.lower()}"]
    world.at(date(2026, 12, 18), "12:00")
    assert await run_due(world.services, worker="test") == []
