"""Two scheduler processes on one PostgreSQL database, ticking at the same moments for three
weeks of simulated time over Christmas: every rung of every ladder and every milestone
reminder is sent exactly once, in working hours, and nothing is sent for a request already
returned."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.adapters.clock import SimulatedClock
from bot.adapters.db.models import DueActionRow
from bot.domain.authorisation import SYSTEM, Operation
from bot.domain.notification import Notification
from bot.domain.outbox import DueAction, Outcome
from bot.domain.playbook import ChaseStepKind
from bot.domain.requests import ReturnKind
from bot.services.change import change_case
from bot.services.facade import Services
from schedules.performers import Performer
from schedules.runner import claim, run_claimed
from schedules.scheduler import tick_once
from tests.integration.sql_world import SqlWorld
from tests.support.world import LONDON, OFFICER, local

pytestmark = pytest.mark.postgres_only

CASES = 4
AGENCIES = ("la", "police", "icb", "gp", "school")


def notification(n: int) -> Notification:
    return Notification.model_validate(
        {
            "external_ref": f"LA-{n:04d}",
            "notified_on": date(2026, 12, 18),
            "agencies": AGENCIES,
            "child_names": ("Jamie Fictitious",),
            "family_names": ("Testperson",),
        }
    )


def messages_per_rung(world: SqlWorld) -> dict[str, int]:
    """How many messages one rung of the llr ladder sends (see its `targets`)."""
    return {
        ChaseStepKind.REMINDER: 1,  # the agency's SPOC
        ChaseStepKind.CHASE: 1,
        ChaseStepKind.ESCALATE_CHAIR: 1,  # one post in the case channel, mentioning both
        ChaseStepKind.ESCALATE_STRATEGIC_LEAD: 1,
        ChaseStepKind.ESCALATE_PARTNERS: len(world.ctx.partner_decision_makers()),
    }


async def test_two_schedulers_send_every_rung_exactly_once(database_url: str) -> None:
    clock = SimulatedClock(local(date(2026, 12, 18), "10:00"))
    a = SqlWorld(database_url, clock)
    b = a.another_process()
    try:
        refs = [
            (await a.services.open_case(notification=notification(n), actor=OFFICER)).case.ref
            for n in range(CASES)
        ]
        clock.set(local(date(2026, 12, 21), "10:00"))
        for ref in refs:
            await a.services.send_information_requests(case_ref=ref, actor=OFFICER)
        returns = {  # (case, agency) -> when its return is recorded
            (refs[0], "gp"): local(date(2027, 1, 5), "11:00"),  # after its reminder
            (refs[1], "police"): local(date(2027, 1, 7), "13:00"),  # after escalation
            (refs[2], "la"): local(date(2027, 1, 4), "09:00"),  # just before its reminder
            (refs[3], "school"): local(date(2026, 12, 23), "10:00"),  # long before any rung
        }

        sent, papers = [], []
        at = local(date(2026, 12, 21), "11:00")
        while at <= local(date(2027, 1, 13), "17:00"):
            clock.set(at)
            for (ref, agency), when in returns.items():
                if when == at:
                    await a.services.record_return(
                        case_ref=ref, agency=agency, kind=ReturnKind.NIL, summary="", actor=OFFICER
                    )
            before = len(a.transcript.items)
            await asyncio.gather(  # both processes tick at once, in small batches
                tick_once(a.services, worker="bot-a-101", limit=3),
                tick_once(b.services, worker="bot-b-202", limit=3),
            )
            sent += [
                (at, i)
                for i in a.transcript.items[before:]
                if i.kind in ("dm", "email", "channel") and not i.files  # the papers: below
            ]
            papers += [i for i in a.transcript.items[before:] if i.kind == "file"]
            at += timedelta(hours=1)

        async with a.engine.connect() as connection:
            rows = (await connection.execute(select(DueActionRow))).all()
    finally:
        await a.aclose()
        await b.aclose()

    chases = [r for r in rows if r.kind == "chase"]
    assert len(chases) == CASES * len(AGENCIES) * 5
    assert all(r.done_at is not None for r in chases), "a rung was never run"
    done = [r for r in chases if r.outcome == "done"]
    per_rung = messages_per_rung(a)
    # Milestone reminders run from the same outbox: one post in the case channel each.
    reminders = [r for r in rows if r.kind == "reminder" and r.outcome == "done"]
    assert reminders, "no milestone reminder ran"
    expected = sum(per_rung[ChaseStepKind(r.payload["step"])] for r in done) + len(reminders)
    assert len(sent) == expected
    repeated = [m for m, n in Counter((i.to, i.text) for _, i in sent).items() if n > 1]
    assert repeated == [], "sent twice"
    assert {r.leased_by for r in done} == {"bot-a-101", "bot-b-202"}  # both did real work
    # Each case's papers went once, on its papers day (no meeting booked: day 10, Wed 06 Jan);
    # the police's return after it made the second case a version 2, once.
    assert sorted(f.subject for f in papers) == sorted(
        [f"{ref}_combined-summary_v1.docx" for ref in refs]
        + [f"{refs[1]}_combined-summary_v2.docx"]
    )
    # Both replicas worked on the same cases at once: a collision on a case is run again at
    # once, never left to wait out a backoff as a failure.
    collided = [r.idempotency_key for r in rows if "ConcurrentUpdate" in (r.last_error or "")]
    assert collided == []

    dropped = {(r.case_ref, r.payload["agency"], r.payload["step"]) for r in chases} - {
        (r.case_ref, r.payload["agency"], r.payload["step"]) for r in done
    }
    assert {(ref, agency) for ref, agency, _ in dropped} == set(returns)
    assert (refs[0], "gp", "reminder") not in dropped  # sent before the return came in
    assert (refs[2], "la", "reminder") in dropped  # the return came first

    for at, item in sent:
        wall = at.astimezone(LONDON)
        assert a.ctx.workdays.is_working_day(wall.date()) and 9 <= wall.hour < 17, (wall, item)


async def test_two_replicas_changing_one_case_at_once_both_succeed_without_waiting(
    database_url: str,
) -> None:
    clock = SimulatedClock(local(date(2026, 12, 18), "10:00"))
    a = SqlWorld(database_url, clock)
    b = a.another_process()
    both_loaded = asyncio.Barrier(2)
    runs: Counter[str] = Counter()

    async def touch_the_case(
        services: Services, action: DueAction, late_since: date | None
    ) -> tuple[Outcome, str]:
        runs[action.key] += 1
        async with change_case(
            services.ctx, str(action.case_ref), actor=SYSTEM, operation=Operation.CHASE
        ) as change:
            change.record("touched", key=action.key)
            if runs[action.key] == 1:  # the first time, both hold the same version
                await both_loaded.wait()
        return Outcome.DONE, "touched"

    try:
        ref = (await a.services.open_case(notification=notification(0), actor=OFFICER)).case.ref
        async with a.ctx.uow() as uow:
            for key in ("x", "y"):
                await uow.outbox.plan(
                    DueAction(key=f"{ref}:{key}", kind="touch", due_at=clock.now(), case_ref=ref)
                )
            await uow.commit()
        performers = {"touch": Performer(touch_the_case, to_people=False)}
        ready_a, _ = await claim(a.services, worker="bot-a-101", limit=1, performers=performers)
        ready_b, _ = await claim(b.services, worker="bot-b-202", limit=1, performers=performers)

        ran = await asyncio.gather(
            run_claimed(a.services, ready_a, performers=performers),
            run_claimed(b.services, ready_b, performers=performers),
        )
    finally:
        await a.aclose()
        await b.aclose()

    assert [r.outcome for rs in ran for r in rs] == [Outcome.DONE, Outcome.DONE]
    assert sorted(runs.values()) == [1, 2]  # the one that lost the race ran again, at once
