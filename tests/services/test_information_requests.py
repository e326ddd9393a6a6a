"""Information requests: sent by day 2, chased on the ladder, closed by a return."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.errors import IllegalTransition, NotAuthorised, NotFound
from bot.domain.playbook import ChaseStepKind
from bot.domain.requests import AlreadyReturned, ReturnClosed, ReturnKind
from schedules.runner import run_due
from tests.support.world import GP_SPOC, LA_SPOC, OFFICER, World, local


async def test_each_spoc_gets_the_request_with_its_deadline(world: World) -> None:
    await world.open_with_requests()
    dm = world.transcript.to(LA_SPOC, "dm")[-1].text
    assert "Wednesday 06 January 2027 (working day 10)" in dm


async def test_agencies_outside_chat_get_an_email_whose_subject_is_the_reference_only(
    world: World,
) -> None:
    ref = await world.open_with_requests()
    (email,) = world.transcript.to(GP_SPOC, "email")
    assert email.subject == f"Rapid Review information request: {ref}"


async def test_sending_plans_every_rung_of_the_ladder_at_opening_time(world: World) -> None:
    ref = await world.open_with_requests()
    rungs = sorted(
        (a.due_at, a.payload["step"])
        for a in world.store.actions.values()
        if a.kind == "chase" and a.payload["agency"] == "police"
    )
    # Deadline Wed 6 Jan 2027; the ladder steps over New Year's Day and the weekend.
    assert rungs == [
        (local(date(2027, 1, 4), "09:00"), "reminder"),
        (local(date(2027, 1, 6), "09:00"), "chase"),
        (local(date(2027, 1, 7), "09:00"), "escalate_chair"),
        (local(date(2027, 1, 8), "09:00"), "escalate_strategic_lead"),
        (local(date(2027, 1, 11), "09:00"), "escalate_partners"),
    ]
    assert all(a.case_ref == ref for a in world.store.actions.values())


async def test_requests_cannot_be_sent_twice(world: World) -> None:
    ref = await world.open_with_requests()
    with pytest.raises(
        IllegalTransition,
        match="information requests sent, meeting not booked"
        r"\. Next: book the Rapid Review meeting",
    ):
        await world.services.send_information_requests(case_ref=ref, actor=OFFICER)


async def test_a_return_cancels_the_rest_of_that_agencys_ladder(world: World) -> None:
    ref = await world.open_with_requests()
    world.at(date(2026, 12, 23), "11:00")
    event = await world.services.record_return(
        case_ref=ref,
        agency="la",
        kind=ReturnKind.FULL,
        summary="Involvement since 2024.",
        actor=LA_SPOC,
    )
    assert event.late_by == 0
    pending = {a.key for a in world.store.actions.values() if a.done_at is None}
    assert not any(":chase:la:" in key for key in pending)
    assert any(":chase:police:" in key for key in pending)
    # The service sends no receipt: the surface the SPOC used gives the one receipt.
    assert not any("was recorded" in d.text for d in world.transcript.to(LA_SPOC))


async def test_a_late_return_is_counted_in_working_days(world: World) -> None:
    ref = await world.open_with_requests()
    world.at(date(2027, 1, 11), "16:00")  # Mon; due Wed 6 Jan -> Thu, Fri, Mon = 3 days late
    event = await world.services.record_return(
        case_ref=ref,
        agency="gp",
        kind=ReturnKind.FULL,
        summary="Registered patient.",
        actor=OFFICER,
    )
    assert event.late_by == 3


async def test_a_nil_return_needs_no_summary_but_a_full_return_does(world: World) -> None:
    ref = await world.open_with_requests()
    await world.services.record_return(
        case_ref=ref, agency="school", kind=ReturnKind.NIL, summary="", actor=OFFICER
    )
    with pytest.raises(Exception, match="needs its summary"):
        await world.services.record_return(
            case_ref=ref, agency="la", kind=ReturnKind.FULL, summary=" ", actor=OFFICER
        )


async def test_a_return_is_recorded_once(world: World) -> None:
    ref = await world.open_with_requests()
    await world.services.record_return(
        case_ref=ref, agency="school", kind=ReturnKind.NIL, summary="", actor=OFFICER
    )
    with pytest.raises(AlreadyReturned, match="already recorded"):
        await world.services.record_return(
            case_ref=ref, agency="school", kind=ReturnKind.NIL, summary="", actor=OFFICER
        )


async def test_only_that_agencys_spoc_or_the_office_can_record_its_return(world: World) -> None:
    ref = await world.open_with_requests()
    with pytest.raises(NotAuthorised):
        await world.services.record_return(
            case_ref=ref, agency="police", kind=ReturnKind.NIL, summary="", actor=LA_SPOC
        )


async def test_a_return_for_an_agency_not_asked_is_refused(world: World) -> None:
    ref = await world.open_with_requests()
    with pytest.raises(NotFound, match="no information request to 'housing'"):
        await world.services.record_return(
            case_ref=ref, agency="housing", kind=ReturnKind.NIL, summary="", actor=OFFICER
        )


async def test_the_ladder_chases_then_escalates_and_stops_when_the_return_arrives(
    world: World,
) -> None:
    ref = await world.open_with_requests()
    for day in (date(2027, 1, 4), date(2027, 1, 6), date(2027, 1, 7)):
        world.at(day, "09:00")
        await run_due(world.services, worker="test")
    world.at(date(2027, 1, 7), "13:00")
    await world.services.record_return(
        case_ref=ref, agency="gp", kind=ReturnKind.FULL, summary="Seen twice.", actor=OFFICER
    )
    for day in (date(2027, 1, 8), date(2027, 1, 11)):
        world.at(day, "09:00")
        await run_due(world.services, worker="test")
    case = world.store.cases[ref]
    assert [c.kind for c in case.requests["gp"].chases] == [
        ChaseStepKind.REMINDER,
        ChaseStepKind.CHASE,
        ChaseStepKind.ESCALATE_CHAIR,
    ]
    # Everyone else never returned: their whole ladder ran, each rung once.
    assert len(case.requests["police"].chases) == 5
    emails = [i for i in world.transcript.to(GP_SPOC, "email") if i.subject.startswith("Chase")]
    assert len(emails) == 2  # reminder and chase, by email: the GP is outside chat


async def test_an_addition_is_kept_audited_and_told_to_the_channel_until_the_papers_go_out(
    world: World,
) -> None:
    ref = await world.open_with_requests()
    world.at(date(2027, 1, 5), "11:00")
    first = await world.services.reply_to_request(
        case_ref=ref, agency="la", text="Full return attached below.", actor=LA_SPOC
    )
    added = await world.services.reply_to_request(
        case_ref=ref, agency="la", text="Files: la-return.docx", actor=LA_SPOC
    )

    assert first.recorded is not None and added.added is not None
    request = world.store.cases[ref].requests["la"]
    assert request.summary == "Full return attached below."
    assert [a.text for a in request.additions] == ["Files: la-return.docx"]
    (audited,) = [a for a in world.store.audit if a["action"] == "return_added_to"]
    assert (audited["actor"], audited["detail"]) == (LA_SPOC, {"agency": "la", "addition": 1})
    channel = [d.text for d in world.transcript.items if d.kind == "channel"]
    assert channel[-1] == "Children's Social Care added to its return (addition 1)."

    world.at(date(2027, 1, 7), "09:30")  # the papers went out on Wed 06 Jan (day 10)
    with pytest.raises(ReturnClosed, match="closed to additions"):
        await world.services.reply_to_request(
            case_ref=ref, agency="la", text="Files: late.docx", actor=LA_SPOC
        )
    assert len(world.store.cases[ref].requests["la"].additions) == 1
