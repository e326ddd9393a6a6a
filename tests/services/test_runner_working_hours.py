"""The outbox runner keeps office hours: a chase that comes due at night, at a weekend or on a
bank holiday waits for the next working morning and then goes out once; catching up after
downtime sends each missed rung once, oldest first, saying the day it was meant for."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.adapters.console.chat import Delivered
from bot.domain.ladder import chase_key
from bot.domain.outbox import DueAction, Outcome
from bot.domain.playbook import ChaseStepKind
from bot.domain.requests import ReturnKind
from schedules.runner import Ran, run_due
from tests.services.test_case_channel_retry import failing_world
from tests.support.world import GP_SPOC, OFFICER, POLICE_DEPUTY, World, local

POLICE_SPOC = "ira.castell@police.example.org"
MESSAGES = ("dm", "email", "channel")


async def tick(world: World, day: date, hhmm: str, kind: str = "chase") -> list[Ran]:
    """Run the outbox then; what it did of `kind` (milestone reminders run too)."""
    world.at(day, hhmm)
    return [r for r in await run_due(world.services, worker="test") if r.action.kind == kind]


async def tick_hourly(
    world: World, start: datetime, end: datetime
) -> list[tuple[datetime, Delivered]]:
    """Run the outbox on the hour, every hour, and say when each message went out."""
    sent: list[tuple[datetime, Delivered]] = []
    at = start
    while at <= end:
        world.clock.set(at)
        before = len(world.transcript.items)
        await run_due(world.services, worker="test")
        sent += [(at, i) for i in world.transcript.items[before:] if i.kind in MESSAGES]
        at += timedelta(hours=1)
    return sent


def police_reminder(world: World, ref: str) -> DueAction:
    return world.store.actions[chase_key(ref, "police", ChaseStepKind.REMINDER)]


def reminders_to(world: World, email: str) -> list[str]:
    return [i.text for i in world.transcript.items if i.to == email and "Reminder:" in i.text]


async def test_a_reminder_due_on_saturday_goes_out_on_monday_at_nine_once(world: World) -> None:
    ref = await world.open_with_requests()
    saturday = date(2027, 1, 2)
    police_reminder(world, ref).due_at = local(saturday, "10:00")

    weekend = await tick_hourly(world, local(saturday, "10:00"), local(date(2027, 1, 4), "08:00"))
    assert weekend == []
    held = police_reminder(world, ref)
    assert held.done_at is None and held.attempts == 0  # held back, not an attempt
    assert held.due_at == local(saturday, "10:00")  # still due when it was due

    monday = await tick_hourly(
        world, local(date(2027, 1, 4), "09:00"), local(date(2027, 1, 4), "17:00")
    )
    to_police = [(at, i.text) for at, i in monday if i.to == POLICE_SPOC]
    assert [at for at, _ in to_police] == [local(date(2027, 1, 4), "09:00")]
    assert to_police[0][1].startswith("Reminder: the Constabulary return")
    assert "(this was due" not in to_police[0][1]  # Monday morning is when it was meant for
    assert police_reminder(world, ref).outcome is Outcome.DONE


async def test_the_deferral_says_until_when(world: World) -> None:
    ref = await world.open_with_requests()
    police_reminder(world, ref).due_at = local(date(2027, 1, 2), "10:00")
    (ran,) = await tick(world, date(2027, 1, 2), "10:00")
    assert ran.outcome is None and ran.deferred_until == local(date(2027, 1, 4), "09:00")
    assert ran.note == "waits for working hours: Mon 04 Jan 09:00"


async def test_a_reminder_due_after_hours_on_new_years_eve_waits_over_the_bank_holiday(
    world: World,
) -> None:
    ref = await world.open_with_requests()
    police_reminder(world, ref).due_at = local(date(2026, 12, 31), "17:30")

    sent = await tick_hourly(
        world, local(date(2026, 12, 31), "17:00"), local(date(2027, 1, 4), "12:00")
    )

    to_police = [(at, i.text) for at, i in sent if i.to == POLICE_SPOC]
    # Not New Year's Day (a bank holiday), not the weekend: Monday at nine, and not "late".
    assert [at for at, _ in to_police] == [local(date(2027, 1, 4), "09:00")]
    assert "(this was due" not in to_police[0][1]


async def test_the_whole_ladder_goes_out_in_working_hours_over_christmas_each_rung_once(
    world: World,
) -> None:
    ref = await world.open_with_requests()

    sent = await tick_hourly(
        world, local(date(2026, 12, 21), "11:00"), local(date(2027, 1, 12), "17:00")
    )

    calendar = world.ctx.workdays
    assert sent, "the ladder sent nothing"
    for at, item in sent:
        when = at.astimezone(local(date(2027, 1, 1), "00:00").tzinfo)
        assert calendar.is_working_day(when.date()), (when, item.text)
        assert 9 <= when.hour < 17, (when, item.text)
    ladder_days = {date(2027, 1, 4), date(2027, 1, 6), date(2027, 1, 7)}
    ladder_days |= {date(2027, 1, 8), date(2027, 1, 11)}
    assert ladder_days <= {at.date() for at, _ in sent}  # milestone reminders go out too
    texts = [(i.to, i.text) for _, i in sent]
    assert len(texts) == len(set(texts)), "a message went out twice"
    for agency in ("la", "police", "icb", "gp", "school"):
        assert len(world.store.cases[ref].requests[agency].chases) == 5
    assert len(reminders_to(world, POLICE_SPOC)) == 1
    assert sum("Escalation to the chair" in i.text for _, i in sent) == 5  # one per agency


async def test_after_three_days_down_each_missed_rung_runs_once_worded_for_now(
    world: World,
) -> None:
    """Oldest first; a missed reminder gives way to the missed chase to the same SPOC, which
    says the real due date and how late the return is now."""
    ref = await world.open_with_requests()
    # Down from Monday 4 January before nine until Thursday 7 January at ten. Meanwhile the
    # GP's return arrives (the HTTP side was up), which cancels the GP's ladder.
    world.at(date(2027, 1, 5), "11:00")
    await world.services.record_return(
        case_ref=ref, agency="gp", kind=ReturnKind.FULL, summary="Seen twice.", actor=OFFICER
    )

    ran = await tick(world, date(2027, 1, 7), "10:00")

    assert [(r.action.payload["agency"], r.action.payload["step"]) for r in ran] == [
        *((a, "reminder") for a in ("la", "police", "icb", "school")),  # due Mon 4 Jan
        *((a, "chase") for a in ("la", "police", "icb", "school")),  # due Wed 6 Jan
        *((a, "escalate_chair") for a in ("la", "police", "icb", "school")),  # Thu 7 Jan 09:00
    ]
    assert [r.outcome for r in ran] == [Outcome.DROPPED] * 4 + [Outcome.DONE] * 8
    assert [r.late_since for r in ran] == [date(2027, 1, 4)] * 4 + [date(2027, 1, 6)] * 4 + [
        None
    ] * 4
    (chase,) = [i.text for i in world.transcript.to(POLICE_SPOC, "dm") if ref in i.text][1:]
    assert chase == (
        f"The Constabulary return for {ref} was due Wed 06 Jan and is now"
        " 1 working day late. Please send it now."
    )
    escalation = world.transcript.to(f"#{ref.lower()}", "channel")[-1].text
    assert "Escalation to the chair" in escalation and "1 working day late" in escalation
    assert not any(i.subject.startswith("Chase") for i in world.transcript.to(GP_SPOC, "email"))

    assert await tick(world, date(2027, 1, 7), "10:30") == []  # once each
    friday = await tick(world, date(2027, 1, 8), "09:00")
    assert {r.action.payload["step"] for r in friday} == {"escalate_strategic_lead"}
    assert all(r.late_since is None for r in friday)
    assert len(world.transcript.to(POLICE_DEPUTY, "dm")) == 1


async def test_downtime_into_the_evening_holds_the_catch_up_until_morning(world: World) -> None:
    ref = await world.open_with_requests()
    deferred = await tick(world, date(2027, 1, 4), "19:00")  # back up after hours
    assert {r.deferred_until for r in deferred} == {local(date(2027, 1, 5), "09:00")}
    assert reminders_to(world, POLICE_SPOC) == []

    (police, *_) = [
        r
        for r in await tick(world, date(2027, 1, 5), "09:00")
        if r.action.payload["agency"] == "police"
    ]
    assert police.late_since == date(2027, 1, 4)
    assert reminders_to(world, POLICE_SPOC)[0] == (  # worded for Tuesday, when it goes
        f"Reminder: the Constabulary return for {ref} is due Wed 06 Jan (day 10)."
    )
    assert police_reminder(world, ref).attempts == 1  # the evening's claim was given back


async def test_plumbing_is_not_held_for_working_hours() -> None:
    """Opening the case channel is no message to a person: it runs at night too."""
    world = failing_world(failures=1)
    ref = await world.open()
    (opened,) = await tick(world, date(2026, 12, 19), "23:00", "open_channel")  # Saturday night
    assert opened.outcome is Outcome.DONE
    assert world.store.cases[ref].channel == f"#{ref.lower()}"


async def test_a_message_already_out_is_not_held_either(world: World) -> None:
    """Completing an action whose message already went out sends nothing: no need to wait."""
    ref = await world.open_with_requests()
    reminder = police_reminder(world, ref)
    reminder.external_id = "msg-already-out"
    reminder.due_at = local(date(2027, 1, 2), "10:00")
    (ran,) = await tick(world, date(2027, 1, 2), "10:00")
    assert ran.outcome is Outcome.DONE and reminders_to(world, POLICE_SPOC) == []
