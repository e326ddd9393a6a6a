"""The decision needs its reasons; the Panel gets the whole record, before the deadline."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.domain.errors import IllegalTransition, InvalidInput, NotAuthorised
from bot.domain.meeting import Response
from bot.domain.stages import Stage
from bot.services.decisions import parse_decision
from tests.support.world import CHAIR, OFFICER, World


def decision_fields(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "considered_against_criteria": True,
        "criteria_met": ["agencies_working_together"],
        "immediate_safeguarding": "Siblings safe with a relative.",
        "summary_of_facts": "Fictional facts.",
        "outcome": "lcspr",
        "outcome_reasons": "Two agencies did not share information.",
        "national_review_recommended": False,
        "national_review_reasons": "Local learning only.",
        "immediate_learning": "Share the school's concerns with health.",
        "learning_shared_how": "A seven-minute briefing.",
        "further_learning_potential": "High.",
        "agencies_taking_part": ["la", "police", "icb", "gp", "school"],
        "decided_by": [CHAIR],
        "decided_on": "2027-01-07",
    }
    fields.update(changes)
    return fields


async def held(world: World) -> str:
    ref = await world.open_with_requests()
    offer = await world.services.find_slots(case_ref=ref, actor=CHAIR)
    meeting = await world.services.book_meeting(
        case_ref=ref, slot=offer.proposal.slots[0], actor=CHAIR
    )
    for email in meeting.invitations:
        await world.services.record_response(
            case_ref=ref, email=email, response=Response.ACCEPTED, actor=email
        )
    world.at(date(2027, 1, 7), "11:00")
    result = await world.services.record_attendance(
        case_ref=ref, present=sorted(meeting.invitations), actor=OFFICER
    )
    assert result.met
    return ref


def test_a_decision_without_reasons_is_refused_naming_each_missing_reason() -> None:
    with pytest.raises(InvalidInput) as err:
        parse_decision(decision_fields(outcome_reasons=" ", national_review_reasons=""))
    assert "outcome_reasons: must be filled in" in err.value.message
    assert "national_review_reasons: must be filled in" in err.value.message


def test_without_an_lcspr_the_record_says_why_no_further_learning_is_expected() -> None:
    with pytest.raises(InvalidInput, match="no_further_learning_reasons"):
        parse_decision(decision_fields(outcome="no_further_review"))


async def test_an_involved_agency_absent_from_the_decision_needs_a_reason(world: World) -> None:
    ref = await held(world)
    record = parse_decision(decision_fields(agencies_taking_part=["la", "police", "icb"]))
    with pytest.raises(InvalidInput, match="did not take part: Riverside GP Practice"):
        await world.services.record_decision(case_ref=ref, record=record, actor=CHAIR)


async def test_only_the_chair_records_the_decision(world: World) -> None:
    ref = await held(world)
    with pytest.raises(NotAuthorised, match="Only a chair can record the decision"):
        await world.services.record_decision(
            case_ref=ref, record=parse_decision(decision_fields()), actor=OFFICER
        )


async def test_a_decision_before_the_meeting_is_refused_with_what_comes_next(
    world: World,
) -> None:
    ref = await world.open_with_requests()
    with pytest.raises(IllegalTransition, match=r"cannot record decision now.*Next: book"):
        await world.services.record_decision(
            case_ref=ref, record=parse_decision(decision_fields()), actor=CHAIR
        )


async def test_llr_submits_only_after_ratification_then_closes(
    world: World,
) -> None:
    ref = await held(world)
    await world.services.record_decision(
        case_ref=ref, record=parse_decision(decision_fields()), actor=CHAIR
    )
    with pytest.raises(IllegalTransition, match="must first be ratified"):
        await world.services.submit_to_panel(case_ref=ref, actor=OFFICER)
    world.at(date(2027, 1, 8), "10:00")
    await world.services.ratify(case_ref=ref, actor=CHAIR)
    documents = await world.services.submit_to_panel(case_ref=ref, actor=OFFICER)
    assert documents == f"{ref}_panel-submission.docx and {ref}_covering-letter.docx"
    case = world.store.cases[ref]
    assert case.stage is Stage.SUBMITTED
    assert case.submitted_on == date(2027, 1, 8)
    posts = [i.text for i in world.transcript.to(f"#{ref.lower()}", "channel")]
    assert "3 working days before the deadline (Wed 13 Jan)" in posts[-1]
    closed = await world.services.close_case(case_ref=ref, actor=OFFICER)
    assert closed.stage is Stage.CLOSED
    # Closing drops what no longer matters; the outcome letters the submission set going stay.
    assert [a.key for a in world.store.actions.values() if a.done_at is None] == [f"{ref}:outcome"]


async def test_the_submission_is_emailed_to_the_panel_with_the_document_attached() -> None:
    from dataclasses import replace

    from bot.services.facade import Services
    from schedules.runner import run_due

    world = World()
    world.ctx = replace(world.ctx, panel_email="panel@nationalpanel.example.org")
    world.services = Services(world.ctx)
    ref = await held(world)
    await world.services.record_decision(
        case_ref=ref, record=parse_decision(decision_fields()), actor=CHAIR
    )
    world.at(date(2027, 1, 8), "10:00")
    await world.services.ratify(case_ref=ref, actor=CHAIR)
    await world.services.submit_to_panel(case_ref=ref, actor=OFFICER)
    world.at(date(2027, 1, 8), "10:01")
    await run_due(world.services, worker="test")
    await run_due(world.services, worker="test")  # once, however often the outbox runs

    (sent,) = world.transcript.to("panel@nationalpanel.example.org", "email")
    assert sent.subject == f"Rapid Review decision: {ref}"  # the reference, never a name
    assert [f.name for f in sent.files] == [
        f"{ref}_panel-submission.docx",
        f"{ref}_covering-letter.docx",
    ]  # what they hold: test_panel_and_outcome.py
    posts = [i.text for i in world.transcript.to(f"#{ref.lower()}", "channel")]
    assert any("emailed to panel@nationalpanel.example.org" in p for p in posts)
