"""The meeting papers go out once, at 15:00 on the papers day: a file in the case channel, on
the booked meeting, and by email to those chat cannot reach. A return after that makes a new
version that says what changed and supersedes the last; an unchanged pack is not sent again;
a crash sends nothing twice; the papers day moves with the meeting."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from docx import Document

from bot.adapters.console.chat import ConsoleMail, Delivered
from bot.domain.outbox import Outcome
from bot.domain.papers import papers_key
from bot.domain.requests import ReturnKind
from bot.services.facade import Services
from bot.services.papers import plan_papers_update
from schedules.runner import LEASE, run_due
from tests.support.world import CHAIR, GP_SPOC, LA_SPOC, LONDON, OFFICER, World, local

ICB = "Integrated Care Board"
PAPERS_DAY = date(2027, 1, 6)  # Wed: day 10 with no meeting; the day before Thursday's meeting


def files(world: World, ref: str) -> list[Delivered]:
    return world.transcript.to(f"#{ref.lower()}", "file")


def text_of(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


async def returned(world: World, ref: str, *agencies: str) -> None:
    for agency in agencies:
        await world.services.record_return(
            case_ref=ref,
            agency=agency,
            kind=ReturnKind.FULL,
            summary=f"The {agency} return (fictional).",
            actor=OFFICER,
        )


async def booked(world: World) -> str:
    ref = await world.open_with_requests()
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)
    slot = next(s for s in offer.proposal.slots if s.start.date() == date(2027, 1, 7))
    await world.services.book_meeting(case_ref=ref, slot=slot, actor=CHAIR)
    return ref


async def papers_sent(world: World) -> str:
    ref = await booked(world)
    await returned(world, ref, "la", "police", "gp", "school")  # the ICB's is missing
    world.at(PAPERS_DAY, "15:00")
    await run_due(world.services, worker="w")
    return ref


async def test_before_15_00_on_the_papers_day_nothing_goes(world: World) -> None:
    ref = await booked(world)
    world.at(PAPERS_DAY, "14:59")
    await run_due(world.services, worker="w")
    assert files(world, ref) == []
    action = world.store.actions[papers_key(ref, 1)]
    assert action.due_at == local(PAPERS_DAY, "15:00")


async def test_the_papers_go_once_to_the_channel_the_meeting_and_those_outside_chat(
    world: World,
) -> None:
    ref = await papers_sent(world)
    await run_due(world.services, worker="w")  # however often the outbox runs

    (posted,) = files(world, ref)
    (document,) = posted.files
    assert document.name == f"{ref}_combined-summary_v1.docx"
    assert posted.text.startswith(f"Meeting papers for {ref}, version 1: the Combined Summary")
    assert "the meeting on Thursday 07 January" in posted.text
    content = text_of(document.content)
    assert ref in content and "Jamie Fictitious" in content  # the papers: the one place
    (event,) = world.calendar.events.values()
    assert [d.name for d in event.documents.values()] == [document.name]
    case = world.store.cases[ref]
    emailed = [
        i
        for i in world.transcript.items
        if i.kind == "email" and i.files and "_combined-summary_" in i.files[0].name
    ]  # the GP's request email carries its reply template: not the papers
    # The GP's people are outside the chat (its contact is email): only they are emailed.
    outside = {e for e in case.meeting.invitations if "@gp." in e}  # type: ignore[union-attr]
    assert outside and {i.to for i in emailed} == outside
    assert all(i.subject == f"Rapid Review meeting papers: {ref}" for i in emailed)
    assert all(i.files[0].content == document.content for i in emailed)
    (sent,) = case.papers
    assert sent.version == 1 and sent.event_attachment in event.documents
    (audited,) = [a for a in world.store.audit if a["action"] == "papers_sent"]
    assert audited["detail"]["documents"] == [
        {"name": document.name, "sha256": sent.documents[0][1]}
    ]
    assert "Papers: version 1 sent Wed 06 Jan" in world.ctx.card(case).lines


async def test_a_late_return_makes_version_2_saying_what_changed_and_superseding_1(
    world: World,
) -> None:
    ref = await papers_sent(world)
    (event,) = world.calendar.events.values()
    (first,) = event.documents
    world.at(PAPERS_DAY, "16:30")
    await returned(world, ref, "icb")
    assert world.store.actions[papers_key(ref, 2)].due_at == world.clock.now()  # planned with it
    await run_due(world.services, worker="w")

    _, second = files(world, ref)
    assert second.subject == f"{ref}_combined-summary_v2.docx"
    start = world.store.cases[ref].meeting.start.astimezone(LONDON)  # type: ignore[union-attr]
    assert second.text == (
        f"Meeting papers for {ref}, version 2: the Combined Summary for the meeting on"
        f" Thursday 07 January at {start:%H:%M}. Changed: {ICB}'s return received."
        " Version 1 is superseded."
    )  # on its due day, after 15:00: not late
    assert first not in event.documents  # version 1 taken off the meeting
    assert [d.name for d in event.documents.values()] == [second.subject]
    case = world.store.cases[ref]
    assert [p.version for p in case.papers] == [1, 2]
    assert "returned" in text_of(second.files[0].content).lower()


async def test_an_unchanged_pack_is_not_sent_again(world: World) -> None:
    ref = await papers_sent(world)
    async with world.ctx.uow() as uow:
        await plan_papers_update(world.ctx, uow, world.store.cases[ref])
        await uow.commit()
    await run_due(world.services, worker="w")

    assert len(files(world, ref)) == 1
    action = world.store.actions[papers_key(ref, 2)]
    assert action.outcome is Outcome.DROPPED
    (dropped,) = [
        a
        for a in world.store.audit
        if a["action"] == "due_action_dropped" and a["detail"]["key"] == action.key
    ]
    assert dropped["detail"]["reason"] == "unchanged since version 1"


class WorkerKilled(BaseException):
    """The process dies: nothing after this point runs."""


class MailThatDies(ConsoleMail):
    async def send(self, **message: Any) -> str:
        raise WorkerKilled


async def test_a_rerun_after_a_crash_sends_nothing_twice(world: World) -> None:
    ref = await booked(world)
    await returned(world, ref, "la", "police", "gp", "school")
    world.at(PAPERS_DAY, "15:00")
    dying = Services(replace(world.ctx, mail=MailThatDies(world.directory, world.transcript)))
    with pytest.raises(WorkerKilled):  # posted and attached, then died at the first email
        await run_due(dying, worker="A")
    assert len(files(world, ref)) == 1

    world.clock.set(local(PAPERS_DAY, "15:00") + LEASE)
    await run_due(world.services, worker="B")

    assert len(files(world, ref)) == 1
    (event,) = world.calendar.events.values()
    assert len(event.documents) == 1
    assert [p.version for p in world.store.cases[ref].papers] == [1]
    assert world.store.actions[papers_key(ref, 1)].outcome is Outcome.DONE


async def test_moving_the_meeting_moves_the_papers_day_and_cancelling_it_moves_it_back(
    world: World,
) -> None:
    ref = await booked(world)
    key = papers_key(ref, 1)
    assert world.store.actions[key].due_at == local(PAPERS_DAY, "15:00")
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)
    later = next(s for s in offer.proposal.slots if s.start.date() == date(2027, 1, 8))
    await world.services.move_meeting(case_ref=ref, slot=later, actor=CHAIR)
    assert world.store.actions[key].due_at == local(date(2027, 1, 7), "15:00")

    await world.services.cancel_meeting(case_ref=ref, reason="The chair is unwell", actor=CHAIR)
    assert world.store.actions[key].due_at == local(PAPERS_DAY, "15:00")  # day 10 again


async def test_with_no_meeting_booked_the_members_outside_chat_are_emailed(world: World) -> None:
    ref = await world.open_with_requests()
    await returned(world, ref, "la", "police", "icb", "gp", "school")
    world.at(PAPERS_DAY, "15:00")
    await run_due(world.services, worker="w")

    (posted,) = files(world, ref)
    assert "the Rapid Review meeting (not booked yet)" in posted.text
    emailed = {
        i.to
        for i in world.transcript.items
        if i.kind == "email" and any("_combined-summary_" in f.name for f in i.files)
    }
    assert emailed == {GP_SPOC}
    assert LA_SPOC not in emailed


def _names_nowhere(world: World, names: tuple[str, ...]) -> None:
    for item in world.transcript.items:
        shown = [item.text, item.subject, *(f.name for f in item.files)]
        for name in names:
            for word in name.split():
                assert all(word.lower() not in s.lower() for s in shown), (item.kind, word)


async def test_no_name_of_the_child_in_any_message_subject_or_file_name(world: World) -> None:
    ref = await papers_sent(world)
    world.at(PAPERS_DAY, "16:30")
    await returned(world, ref, "icb")
    _names_nowhere(world, ("Jamie Fictitious", "Testperson"))


async def test_a_return_late_by_a_day_says_so_and_waits_for_working_hours(world: World) -> None:
    ref = await papers_sent(world)
    world.at(date(2027, 1, 7), "07:30")  # before working hours, on the meeting's day
    await returned(world, ref, "icb")
    await run_due(world.services, worker="w")
    assert len(files(world, ref)) == 1  # held until the working day starts

    world.at(date(2027, 1, 7), "09:00")
    await run_due(world.services, worker="w")
    _, second = files(world, ref)
    assert f"Changed: {ICB}'s return received, 1 working day late." in second.text
