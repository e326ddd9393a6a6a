"""A whole case under each playbook, walked day by day by a simulated clock, with the outbox run
four times a day (before, at, during and after working hours, weekends and bank holidays
included), on SQLite and on PostgreSQL.

Every agency but the police returns; the meeting is booked, held, decided, ratified where the
playbook asks, and submitted on the Panel deadline day. Every reminder and every rung of the
police's ladder goes out once, on the working day it was planned for, inside working hours;
what stopped mattering is dropped, never sent.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import select

from bot import playbooks
from bot.adapters.clock import SimulatedClock
from bot.adapters.console.chat import Delivered
from bot.adapters.db.models import DueActionRow
from bot.domain.notification import Notification
from bot.domain.requests import ReturnKind
from bot.domain.stages import Stage
from bot.services.facade import Services
from handlers.slack.forms import read_decision
from schedules.runner import run_due
from tests.integration.slack.test_forms_in_slack import decision_values
from tests.integration.sql_world import SqlWorld

OFFICER = "bo.adeyemi@partnership.example.org"
CHAIR = "chris.lindqvist@partnership.example.org"
AGENCIES = ("la", "police", "icb", "gp", "school")
TICKS = (time(7), time(9), time(13), time(18))  # local times the outbox is run each day
NOTIFIED = date(2026, 12, 18)  # the ladder and the window run over Christmas and New Year
REMINDER_WORDS = (
    "Reminder for ", "Due today for ", "papers for the", "Rapid Review meeting is ",
    "must be ratified", "to the Panel deadline", "due at the National Panel today",
)  # fmt: skip


class Walk:
    def __init__(self, world: SqlWorld) -> None:
        self.world = world
        self.sent: list[tuple[datetime, Delivered]] = []

    @property
    def services(self) -> Services:
        return self.world.services

    def local(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.world.ctx.zone)

    async def tick(self, instant: datetime) -> None:
        if instant < self.world.clock.now():  # the notification day's early ticks
            return
        self.world.clock.set(instant)
        before = len(self.world.transcript.items)
        await run_due(self.services, worker="walk")
        new = self.world.transcript.items[before:]
        self.sent += [(instant, i) for i in new if i.kind in ("dm", "email", "channel")]

    async def day(self, day: date, *, at_ten: object = None) -> None:
        """Run the day's ticks; `at_ten` (a coroutine function) is what people do at 10:00."""
        for at in TICKS:
            if at_ten is not None and at == time(13):
                self.world.clock.set(self.local(day, time(10)))
                await at_ten()  # type: ignore[operator]
            await self.tick(self.local(day, at))


async def rows(world: SqlWorld) -> list[tuple[str, str, datetime, datetime | None, str | None]]:
    """Every outbox row: key, kind, due, done and outcome."""
    columns = (
        DueActionRow.idempotency_key,
        DueActionRow.kind,
        DueActionRow.due_at,
        DueActionRow.done_at,
        DueActionRow.outcome,
    )
    async with world.engine.connect() as connection:
        found = (await connection.execute(select(*columns))).all()
    return [
        (k, kind, _utc(due), _utc(done) if done else None, out) for k, kind, due, done, out in found
    ]


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@pytest.mark.parametrize("key", playbooks.available())
async def test_a_whole_case_sends_every_reminder_and_rung_once_on_its_day(
    key: str, database_url: str
) -> None:
    clock = SimulatedClock(datetime.combine(NOTIFIED, time(10), tzinfo=UTC))
    world = SqlWorld(database_url, clock)
    world.ctx = replace(world.ctx, playbook=playbooks.load(key))
    world.services = Services(world.ctx)
    walk = Walk(world)
    s, workdays = walk.services, world.ctx.workdays
    try:
        clock.set(walk.local(NOTIFIED, time(10)))
        opened = await s.receive_notification(
            notification=Notification(
                external_ref="WALK-1", notified_on=NOTIFIED, agencies=AGENCIES
            ),
            actor=OFFICER,
        )
        ref = opened.case.ref
        assert opened.case.stage is Stage.REQUESTS_SENT
        timetable = world.ctx.timetable(opened.case)
        offer = await s.find_slots(case_ref=ref, actor=CHAIR)
        meeting = await s.book_meeting(case_ref=ref, slot=offer.proposal.slots[0], actor=CHAIR)
        meeting_day = meeting.start.astimezone(world.ctx.zone).date()
        returns_day = workdays.add(NOTIFIED, 2)
        ratified_day = workdays.add(meeting_day, 1)  # decided at the meeting itself
        deadline = timetable.panel_deadline
        assert ratified_day <= deadline

        async def returns() -> None:
            for agency in (a for a in AGENCIES if a != "police"):
                await s.record_return(
                    case_ref=ref, agency=agency, kind=ReturnKind.NIL, summary="", actor=OFFICER
                )

        async def hold_and_decide() -> None:
            clock.set(meeting.start + timedelta(minutes=5))
            present = sorted(meeting.invitations)
            await s.record_attendance(case_ref=ref, present=present, actor=CHAIR)
            await decide()

        async def decide() -> None:
            every = [{"value": a} for a in AGENCIES]
            values = decision_values(
                agencies_taking_part={
                    "value": {"type": "multi_static_select", "selected_options": every}
                }
            )
            record = read_decision(values)
            await s.record_decision(case_ref=ref, record=record, actor=CHAIR)

        async def ratify() -> None:
            if world.ctx.playbook.ratification.required:
                await s.ratify(case_ref=ref, actor=CHAIR)

        async def submit() -> None:
            await s.submit_to_panel(case_ref=ref, actor=OFFICER)

        async def ratify_and_submit() -> None:  # a meeting on the eve of the deadline
            await ratify()
            await submit()

        plan = {returns_day: returns, ratified_day: ratify, deadline: submit}
        if ratified_day == deadline:
            plan[deadline] = ratify_and_submit
        day = NOTIFIED
        while day <= deadline + timedelta(days=3):
            if day == meeting_day:
                held = False
                for at in TICKS:
                    instant = walk.local(day, at)
                    if not held and instant > meeting.start:
                        await hold_and_decide()
                        held = True
                    await walk.tick(instant)
            else:
                await walk.day(day, at_ten=plan.get(day))
            day += timedelta(days=1)

        # Inside working hours, on working days, and never twice.
        for instant, item in walk.sent:
            local = instant.astimezone(world.ctx.zone)
            assert workdays.is_working_day(local.date()), (local, item.text)
            assert time(9) <= local.time() < time(17), (local, item.text)
        texts = Counter((i.to, i.text) for _, i in walk.sent)
        assert [t for t, n in texts.items() if n > 1] == []

        # Every reminder and rung due by now ran: sent on its own working day, or dropped.
        planned = await rows(world)
        for key_, kind, due, done, outcome in planned:
            if kind not in ("reminder", "chase") or due > clock.now():
                continue
            assert done is not None, key_
            if outcome == "done":
                assert (
                    done.astimezone(world.ctx.zone).date() == due.astimezone(world.ctx.zone).date()
                ), key_
        sent_reminders = [i for _, i in walk.sent if any(w in i.text for w in REMINDER_WORDS)]
        done_reminders = [r for r in planned if r[1] == "reminder" and r[4] == "done"]
        assert len(sent_reminders) == len(done_reminders) > 0

        # The police never returned: every rung of their ladder went out, once each.
        police_rungs = [r for r in planned if r[0].startswith(f"{ref}:chase:police:")]
        assert len(police_rungs) == len(world.ctx.playbook.chase_ladder)
        assert all(r[4] == "done" for r in police_rungs)
        others = [r for r in planned if ":chase:" in r[0] and ":police:" not in r[0]]
        assert all(r[4] != "done" for r in others if r[2] > walk.local(returns_day, time(10)))

        # The eve of the meeting, and the Panel countdown, each on their day.
        eve = [at for at, i in walk.sent if "Rapid Review meeting is " in i.text]
        assert [at.astimezone(world.ctx.zone).date() for at in eve] == [
            workdays.add(meeting_day, -1)
        ]
        countdown = [
            at.astimezone(world.ctx.zone).date()
            for at, i in walk.sent
            if "to the Panel deadline" in i.text or "at the National Panel today" in i.text
        ]
        assert countdown == [workdays.add(deadline, -n) for n in (3, 2, 1, 0)]
        assert (await s.status(case_ref=ref, actor=CHAIR)).case.stage is Stage.SUBMITTED
    finally:
        await world.aclose()
