"""A retried action keeps the time it was planned for: a chase that failed on its day and went
out two days later says so, and a digest that ran late after an outage gives way to the
newer one due the same morning."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.adapters.console.chat import ConsoleChat
from bot.domain.errors import DomainError
from bot.domain.ladder import chase_key
from bot.domain.outbox import Outcome
from bot.domain.playbook import ChaseStepKind
from bot.services.facade import Services
from bot.services.routines import plan_digest
from schedules.runner import run_due
from tests.support.world import CHAIR, LA_SPOC, World, local


class ChatDownForDirectMessages(ConsoleChat):
    down = True

    async def direct_message(self, **message: Any) -> str:
        if self.down:
            raise DomainError("Slack is unreachable")
        return await super().direct_message(**message)


async def test_a_chase_retried_days_later_says_the_real_due_date_and_how_late_it_is_now(
    world: World,
) -> None:
    ref = await world.open_with_requests()
    rung = world.store.actions[chase_key(ref, "la", ChaseStepKind.CHASE)]
    planned = rung.due_at
    chat = ChatDownForDirectMessages(world.directory, world.transcript)
    services = Services(replace(world.ctx, chat=chat))
    world.clock.set(planned)
    await run_due(services, worker="w")  # everything due by then; the chase fails
    failed = world.store.actions[rung.key]
    assert failed.outcome is None and failed.due_at > planned
    assert failed.meant_for == planned  # the retry moved, the plan did not

    planned_day = planned.astimezone(world.ctx.zone).date()
    two_days_on = world.ctx.workdays.add(planned_day, 2)
    chat.down = False
    world.at(two_days_on, "12:00")
    await run_due(services, worker="w")

    (chase,) = [
        i.text
        for i in world.transcript.items
        if i.to == LA_SPOC and "Please send it now" in i.text and ref in i.text
    ]
    assert chase == (
        f"The Children's Social Care return for {ref} was due {planned_day:%a %d %b} and is"
        " now 2 working days late. Please send it now."
    )  # not "due today", and no second date to square with the first
    assert world.store.actions[rung.key].outcome is Outcome.DONE


async def test_a_late_digest_gives_way_to_the_one_due_the_same_morning(world: World) -> None:
    await world.open_with_requests()
    monday = world.ctx.workdays.add(world.ctx.today(), 1)
    tuesday = world.ctx.workdays.add(monday, 1)
    async with world.ctx.uow() as uow:
        await plan_digest(world.ctx, uow, CHAIR, after=local(monday, "08:00"))
        await plan_digest(world.ctx, uow, CHAIR, after=local(tuesday, "08:00"))
        await uow.commit()
    # Down from Monday 08:00 until Tuesday 09:00: Monday's digest was missed.
    world.at(tuesday, "09:00")
    ran = [r for r in await run_due(world.services, worker="w") if r.action.kind == "digest"]

    outcomes = {r.action.key: (r.outcome, r.note) for r in ran}
    assert outcomes[f"digest:{CHAIR}:{monday}"] == (
        Outcome.DROPPED,
        "a newer digest for this chair is due now",
    )
    assert outcomes[f"digest:{CHAIR}:{tuesday}"][0] is Outcome.DONE
    digests = [i for i in world.transcript.items if i.to == CHAIR and "Rapid Reviews" in i.text]
    assert len(digests) == 1 and "sent late" not in digests[0].text
    (dropped,) = [
        a
        for a in world.store.audit
        if a["action"] == "due_action_dropped" and a["detail"]["key"] == f"digest:{CHAIR}:{monday}"
    ]
    assert dropped["detail"]["reason"] == "a newer digest for this chair is due now"
