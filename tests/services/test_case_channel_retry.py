"""If chat refuses to open the case channel, the case is still open, the chairs are told by
email what is true so far, and the channel is opened later from the outbox, once."""

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
    assert email.subject == f"Rapid Review: {ref} needs attention"
    assert email.text.startswith(f"{ref}: opening the case (its channel, then its requests) failed")
    assert "restricted_action" in email.text
    assert (
        "So far: the case is recorded and its timetable runs; its channel is not open yet;"
        " no request is sent yet." in email.text
    )
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


async def test_a_retry_that_keeps_failing_is_told_to_the_chairs_once_in_words() -> None:
    world = failing_world(failures=99)
    ref = await world.open()
    minute = 0
    for _ in range(5):  # after the first, at once; each retry waits longer: 1, 2, 4 ... min
        minute += 16
        world.at(NOTIFIED, f"{10 + minute // 60:02d}:{minute % 60:02d}")
        (ran,) = await run_due(world.services, worker="test")
        assert ran.outcome is None
    alerts = [e for e in world.transcript.to(CHAIR, "email") if "needs attention" in e.subject]
    first, again = alerts  # at the first failure and the fourth, not at every failure
    assert first.subject == again.subject == f"Rapid Review: {ref} needs attention"
    opening = "opening the case (its channel, then its requests)"
    assert first.text.startswith(f"{ref}: {opening} failed (Slack refused")
    assert again.text.startswith(f"{ref}: {opening} has failed 4 times (Slack refused")
    assert "if it is urgent, do it by hand" in again.text
