"""Exactly once: a chase whose request was returned after it was claimed is dropped, not sent;
a worker that dies mid-action leaves a row the next worker runs again, sending exactly the
messages that had not gone out, to each person once."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest

from bot.adapters.console.chat import ConsoleChat
from bot.domain.ladder import chase_key
from bot.domain.outbox import Outcome
from bot.domain.playbook import ChaseStepKind
from bot.domain.requests import ReturnKind
from bot.ports import CaseCard
from bot.services.facade import Services
from schedules.runner import LEASE, claim, run_claimed, run_due
from tests.support.world import GP_SPOC, LA_SPOC, OFFICER, World, local

MONDAY = date(2027, 1, 4)  # the reminders of the world's ladder are due at 09:00
POLICE_SPOC = "ira.castell@police.example.org"


class WorkerKilled(BaseException):
    """The process dies: nothing after this point runs (not an error the runner handles)."""


class ChatThatDiesAfterTheFirstMessage(ConsoleChat):
    """Delivers, then the worker dies at the next chat call (updating the case card)."""

    async def update_case_card(self, *, channel: str, card: CaseCard) -> None:
        raise WorkerKilled


def reminders_to(world: World, email: str) -> list[str]:
    return [i.text for i in world.transcript.items if i.to == email and "Reminder:" in i.text]


async def test_a_return_that_arrives_between_claim_and_send_drops_the_chase(world: World) -> None:
    ref = await world.open_with_requests()
    world.at(MONDAY, "09:00")
    ready, _ = await claim(world.services, worker="A")
    await world.services.record_return(
        case_ref=ref, agency="gp", kind=ReturnKind.NIL, summary="", actor=OFFICER
    )

    ran = await run_claimed(world.services, ready)

    (gp,) = [r for r in ran if r.action.payload.get("agency") == "gp"]
    assert gp.outcome is Outcome.DROPPED
    assert not any(i.subject.startswith("Chase") for i in world.transcript.to(GP_SPOC, "email"))
    assert world.store.actions[gp.action.key].outcome is Outcome.DROPPED
    (audited,) = [a for a in world.store.audit if a["action"] == "due_action_dropped"]
    assert audited["detail"] == {
        "key": chase_key(ref, "gp", ChaseStepKind.REMINDER),
        "reason": "the request was already returned or the case closed",
    }
    assert len(reminders_to(world, LA_SPOC)) == 1  # the others went out as usual


async def test_a_worker_killed_mid_action_is_finished_by_another_without_a_second_send(
    world: World,
) -> None:
    ref = await world.open_with_requests()
    world.at(MONDAY, "09:00")
    # Worker A claims the five reminders, gets the first (the LA's) out, and dies.
    dying = ChatThatDiesAfterTheFirstMessage(world.directory, world.transcript)
    worker_a = Services(replace(world.ctx, chat=dying))
    with pytest.raises(WorkerKilled):
        await run_due(worker_a, worker="A")
    la_key = chase_key(ref, "la", ChaseStepKind.REMINDER)
    assert len(reminders_to(world, LA_SPOC)) == 1
    la_id = world.store.actions[la_key].id
    assert la_id is not None and len(world.store.deliveries[la_id]) == 1  # written as it went

    # While A's claim lasts, nobody else touches those rows.
    world.clock.set(local(MONDAY, "09:00") + LEASE - timedelta(seconds=1))
    assert await run_due(world.services, worker="B") == []

    world.clock.set(local(MONDAY, "09:00") + LEASE)
    ran = {r.action.payload["agency"]: r for r in await run_due(world.services, worker="B")}

    assert set(ran) == {"la", "police", "icb", "gp", "school"}
    assert all(r.outcome is Outcome.DONE for r in ran.values())
    assert ran["la"].note.endswith("1 message(s) sent before a restart were not sent again")
    assert len(reminders_to(world, LA_SPOC)) == 1  # not sent a second time
    assert len(reminders_to(world, POLICE_SPOC)) == 1  # A never got to it: B sent it, once
    (resumed,) = [a for a in world.store.audit if a["action"] == "due_action_not_resent"]
    assert resumed["detail"]["key"] == la_key
    (first_sent,) = world.store.deliveries[la_id].values()
    assert world.store.actions[la_key].external_id == first_sent
    world.at(MONDAY, "12:00")
    assert await run_due(world.services, worker="B") == []


async def test_a_worker_killed_before_anything_went_out_is_sent_once_by_the_next(
    world: World,
) -> None:
    await world.open_with_requests()
    world.at(MONDAY, "09:00")
    await claim(world.services, worker="A")  # ... and A dies before running any of them

    world.clock.set(local(MONDAY, "09:00") + LEASE)
    ran = [r for r in await run_due(world.services, worker="B") if r.action.kind == "chase"]

    assert len(ran) == 5 and all(r.outcome is Outcome.DONE for r in ran)
    assert all(r.action.attempts == 2 for r in ran)  # A's claim and B's
    assert len(reminders_to(world, POLICE_SPOC)) == 1


async def test_the_first_message_id_is_kept_on_the_row(world: World) -> None:
    ref = await world.open_with_requests()
    world.at(MONDAY, "09:00")
    await run_due(world.services, worker="A")
    gp = world.store.actions[chase_key(ref, "gp", ChaseStepKind.REMINDER)]
    la = world.store.actions[chase_key(ref, "la", ChaseStepKind.REMINDER)]
    assert gp.external_id is not None and gp.external_id.startswith("mail-")  # by email
    assert la.external_id is not None and la.external_id.startswith("msg-")  # by chat


class ChatThatDiesMidEscalation(ConsoleChat):
    """Tells the first safeguarding partner, then the worker dies before the second."""

    partners: tuple[str, ...] = ()

    async def direct_message(self, **message: Any) -> str:
        if message["to"] == self.partners[1] and "safeguarding partners" in message["text"]:
            raise WorkerKilled
        return await super().direct_message(**message)


async def test_an_escalation_cut_short_by_a_crash_reaches_exactly_the_partners_missed(
    world: World,
) -> None:
    ref = await world.open_with_requests()
    for agency in ("la", "icb", "gp", "school"):  # only the police are late
        await world.services.record_return(
            case_ref=ref, agency=agency, kind=ReturnKind.NIL, summary="", actor=OFFICER
        )
    rung = world.store.actions[chase_key(ref, "police", ChaseStepKind.ESCALATE_PARTNERS)]
    world.clock.set(rung.due_at)
    partners = tuple(world.ctx.partner_decision_makers())
    assert len(partners) == 3
    dying = ChatThatDiesMidEscalation(world.directory, world.transcript)
    dying.partners = partners
    with pytest.raises(WorkerKilled):
        await run_due(Services(replace(world.ctx, chat=dying)), worker="A")

    world.clock.set(rung.due_at + LEASE)
    await run_due(world.services, worker="B")

    for partner in partners:
        told = [
            i
            for i in world.transcript.items
            if i.to == partner and "safeguarding partners" in i.text
        ]
        assert len(told) == 1, partner  # the first once, the two it missed once each
    assert world.store.actions[rung.key].outcome is Outcome.DONE
