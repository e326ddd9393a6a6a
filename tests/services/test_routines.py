"""What recurs from the outbox: each chair's 09:00 digest on working days, a booked meeting's
responses read back every quarter hour in working hours, and the mailbox read for returns."""

from __future__ import annotations

from datetime import date

from bot.domain.meeting import Response
from bot.domain.requests import ReturnKind
from bot.services.routines import ensure_routines
from schedules.runner import run_due
from tests.support.world import CHAIR, GP_SPOC, POLICE_DM, World, local


def digests_to(world: World, email: str) -> list[str]:
    return [i.text for i in world.transcript.to(email, "dm") if "Your Rapid Reviews" in i.text]


async def test_each_chair_gets_one_digest_each_working_morning_at_nine(world: World) -> None:
    ref = await world.open_with_requests()  # Mon 21 Dec 2026, 10:00
    await ensure_routines(world.ctx)
    days = {}
    for day in (date(2026, 12, 22), date(2026, 12, 23), date(2026, 12, 24), date(2026, 12, 25)):
        for hhmm in ("08:00", "09:00", "12:00"):
            world.at(day, hhmm)
            before = len(digests_to(world, CHAIR))
            await run_due(world.services, worker="test")
            if len(digests_to(world, CHAIR)) > before:
                days[day] = hhmm
    # Christmas Day is not a working day: no digest; each other morning, one, at nine.
    assert days == {date(2026, 12, 22): "09:00", date(2026, 12, 23): "09:00",
                    date(2026, 12, 24): "09:00"}  # fmt: skip
    latest = digests_to(world, CHAIR)[-1]
    assert latest.startswith("Your Rapid Reviews this morning (1 open):")
    assert ref in latest and "Next: " in latest


async def test_a_chair_with_no_open_case_gets_no_digest(world: World) -> None:
    await ensure_routines(world.ctx)
    world.at(date(2026, 12, 21), "09:00")
    await run_due(world.services, worker="test")
    assert digests_to(world, CHAIR) == []
    planned = [a for a in world.store.actions.values() if a.kind == "digest" and a.done_at is None]
    assert [a.key for a in planned] == [f"digest:{CHAIR}:2026-12-22"]  # it tries again tomorrow


async def test_responses_are_read_back_every_quarter_hour_until_the_meeting(world: World) -> None:
    ref = await world.open_with_requests()
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)
    meeting = await world.services.book_meeting(
        case_ref=ref, slot=offer.proposal.slots[0], actor=CHAIR
    )
    world.calendar.respond(meeting.event_id, POLICE_DM, Response.DECLINED)
    world.at(date(2026, 12, 21), "10:20")
    await run_due(world.services, worker="test")
    assert world.store.cases[ref].meeting.invitations[POLICE_DM].response is Response.DECLINED  # type: ignore[union-attr]
    polls = sorted(
        a.due_at for a in world.store.actions.values()
        if a.kind == "poll_responses" and a.done_at is None
    )  # fmt: skip
    assert polls == [local(date(2026, 12, 21), "10:30")]  # the next quarter hour
    world.at(date(2026, 12, 21), "17:00")
    await run_due(world.services, worker="test")
    (after_hours,) = [
        a for a in world.store.actions.values()
        if a.kind == "poll_responses" and a.done_at is None
    ]  # fmt: skip
    assert after_hours.due_at == local(date(2026, 12, 22), "09:00")  # working hours only


async def test_the_mailbox_is_read_and_an_emailed_return_recorded(world: World) -> None:
    ref = await world.open_with_requests()
    await ensure_routines(world.ctx)
    (request_mail,) = world.store.mail_threads  # the GP's request went by email
    world.mailbox.reply_to(
        request_mail.send_id,
        sender=GP_SPOC,
        subject=f"RE: Rapid Review information request: {ref}",
        text="Nil return.",
        at=local(date(2026, 12, 21), "10:05"),
    )
    world.at(date(2026, 12, 21), "10:30")
    await run_due(world.services, worker="test")
    assert world.store.cases[ref].requests["gp"].return_kind is ReturnKind.NIL
    (next_read,) = [
        a for a in world.store.actions.values()
        if a.kind == "read_mailbox" and a.done_at is None
    ]  # fmt: skip
    assert next_read.due_at == local(date(2026, 12, 21), "10:45")  # the next quarter hour


async def test_moving_the_meeting_does_not_double_the_polling(world: World) -> None:
    ref = await world.open_with_requests()
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)
    await world.services.book_meeting(case_ref=ref, slot=offer.proposal.slots[0], actor=CHAIR)
    world.at(date(2026, 12, 21), "10:07")
    await world.services.move_meeting(case_ref=ref, slot=offer.proposal.slots[1], actor=CHAIR)
    for hhmm in ("10:15", "10:30", "10:45"):
        world.at(date(2026, 12, 21), hhmm)
        await run_due(world.services, worker="test")
    pending = [
        a for a in world.store.actions.values()
        if a.kind == "poll_responses" and a.done_at is None
    ]  # fmt: skip
    assert [a.due_at for a in pending] == [local(date(2026, 12, 21), "11:00")]  # one chain
