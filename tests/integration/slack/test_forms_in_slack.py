"""Chairs and the office work in Slack: open a case from a form, book a quorate slot with a
button, record the decision in a form checked field by field, see their cases on the App
Home, and hear at once when a stranger is added to a case channel."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text

from bot.adapters.clock import SimulatedClock
from bot.bootstrap import Container
from bot.domain.meeting import Response
from bot.domain.stages import Stage
from bot.services.facade import Services
from tests.fakes.slack_api import SlackApiFake
from tests.integration.http.harness import Running, serving
from tests.integration.slack.slack_app import (
    CHAIR,
    OFFICER,
    POLICE_SPOC,
    answered,
    button,
    command,
    event,
    interaction,
    open_case,
    opened_view,
    slack_settings,
    workspace,
)
from tests.integration.slack.test_returns_in_slack import submission

CLOCK = SimulatedClock(datetime(2026, 12, 18, 10, 0, tzinfo=UTC))  # the notification's day


@pytest.fixture
async def running(slack_api: SlackApiFake, database_url: str) -> AsyncIterator[Running]:
    """The server on a simulated clock, so a case can be walked to its meeting."""
    clock = SimulatedClock(CLOCK.now())

    def on_the_clock(container: Container) -> Container:
        container.ctx = replace(container.ctx, clock=clock)
        container.services = Services(container.ctx)
        return container

    settings = slack_settings(database_url, slack_api)
    async with serving(settings, adjust=on_the_clock) as running:
        yield running


def clock_of(running: Running) -> SimulatedClock:
    clock = running.container.ctx.clock
    assert isinstance(clock, SimulatedClock)
    return clock


async def stage_of(running: Running, ref: str) -> Stage:
    async with running.container.ctx.uow() as uow:
        return (await uow.cases.get(ref)).stage


def dm_texts(slack_api: SlackApiFake, user: str) -> list[str]:
    return [m.text for m in slack_api.messages.get(slack_api.ims.get(user, ""), {}).values()]


# -- opening a case from the form ----------------------------------------------------------


def new_case_values(external_ref: str, notified: str | None, agencies: list[str]) -> Any:
    return {
        "external_ref": {"value": {"type": "plain_text_input", "value": external_ref}},
        "notified_on": {"value": {"type": "datepicker", "selected_date": notified}},
        "agencies": {
            "value": {
                "type": "multi_static_select",
                "selected_options": [{"value": a} for a in agencies],
            }
        },
        "child_names": {"value": {"type": "plain_text_input", "value": "Robin Example"}},
    }


async def test_the_office_opens_a_case_from_the_new_case_form(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    officer = people[OFFICER]
    status, _ = await command(
        running, slack_api, officer, "new", trigger_id=slack_api.trigger(), expect_answer=False
    )
    assert status == 200
    await running.settle()
    form = await opened_view(slack_api, "new_case_modal")
    assert {b["block_id"] for b in form["blocks"]} >= {"external_ref", "notified_on", "agencies"}

    wrong = submission(officer, "new_case_modal", "", new_case_values("LA 77!", None, []))
    reply = await interaction(running, wrong)
    errors = reply.json()["errors"]
    assert set(errors) == {"external_ref", "notified_on", "agencies"}

    right = new_case_values("LA-2026-0077", "2026-12-18", ["la", "police"])
    reply = await interaction(running, submission(officer, "new_case_modal", "", right))
    assert reply.status_code == 200 and reply.text == ""
    await running.settle()
    assert "Opened LLR-RR-2026-001." in dm_texts(slack_api, officer)
    assert slack_api.by_name("llr-rr-2026-001") is not None


async def test_a_spoc_cannot_open_the_new_case_form(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    _, answer = await command(
        running, slack_api, people[POLICE_SPOC], "new", trigger_id=slack_api.trigger()
    )
    assert answer is not None and answer.startswith("Sorry: Only a business officer")
    assert slack_api.views == {}


# -- booking from the slots offered ----------------------------------------------------------


async def test_schedule_offers_quorate_slots_with_book_buttons_that_book_the_meeting(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    chair = people[CHAIR]
    _, answer = await command(running, slack_api, chair, "schedule", channel=ref.lower())
    assert answer is not None and "quorate" in answer
    offered = [r for r in slack_api.responses if r.get("blocks")][-1]
    buttons = [b["accessory"] for b in offered["blocks"] if "accessory" in b]
    assert buttons and all(b["action_id"] == "book_slot" for b in buttons)
    assert buttons[0]["value"].startswith(f"{ref}|2027-01-")  # inside the meeting window

    press = button(slack_api, chair, "book_slot", buttons[0]["value"], key="book")
    await interaction(running, press)
    await running.settle()
    assert await stage_of(running, ref) is Stage.MEETING_BOOKED
    booked = await answered(running, slack_api, "book")
    assert booked["text"].startswith(f"Booked {ref}:") and booked["replace_original"] is True

    # Pressing it again: the slot is the meeting now, so the offer has moved on.
    await interaction(running, press | {"response_url": slack_api.response_url("again")})
    await running.settle()
    again = await answered(running, slack_api, "again")
    assert again["text"].startswith("Sorry:")


# -- the decision form ------------------------------------------------------------------------


def decision_values(**changes: Any) -> dict[str, Any]:
    def words(text: str | None) -> Any:
        return {"value": {"type": "plain_text_input", "value": text}}

    def choose(value: str | None) -> Any:
        return {"value": {"type": "radio_buttons", "selected_option": value and {"value": value}}}

    def many(*values: str) -> Any:
        options = [{"value": v} for v in values]
        return {"value": {"type": "multi_static_select", "selected_options": options}}

    values = {
        "considered_against_criteria": choose("yes"),
        "criteria_met": {"value": {"type": "checkboxes", "selected_options": []}},
        "immediate_safeguarding": words("Siblings placed with kinship carers."),
        "summary_of_facts": words("Fictional facts of the incident."),
        "outcome": {"value": {"type": "static_select", "selected_option": {"value": "lcspr"}}},
        "outcome_reasons": words("Agencies could have worked together more effectively."),
        "national_review_recommended": choose("no"),
        "national_review_reasons": words("Local learning only."),
        "immediate_learning": words("Information sharing at the front door."),
        "learning_shared_how": words("Seven-minute briefing."),
        "further_learning_potential": words("High."),
        "no_further_learning_reasons": words(None),
        "agencies_taking_part": many("la", "police", "gp"),
        "absent_agency_reasons": words(None),
        "decided_by": many("chris.lindqvist@partnership.example.org"),
        "decided_on": {"value": {"type": "datepicker", "selected_date": "2027-01-05"}},
    }
    return values | changes


async def held_meeting(running: Running, ref: str) -> None:
    """Book the best slot and hold the meeting with everyone invited present."""
    services = running.container.services
    offer = await services.find_slots(case_ref=ref, actor=OFFICER)
    meeting = await services.book_meeting(case_ref=ref, slot=offer.proposal.slots[0], actor=OFFICER)
    clock_of(running).set(meeting.start)
    await services.record_attendance(case_ref=ref, present=list(meeting.invitations), actor=OFFICER)
    assert await stage_of(running, ref) is Stage.MET


async def test_the_decision_form_opens_only_when_the_case_can_be_decided(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    chair = people[CHAIR]
    _, answer = await command(
        running, slack_api, chair, "decision", channel=ref.lower(), trigger_id=slack_api.trigger()
    )
    assert answer is not None
    assert answer.startswith(f"Sorry: {ref} cannot record decision now: it is information")
    assert slack_api.views == {}
    _, answer = await command(
        running,
        slack_api,
        people[OFFICER],
        "decision",
        channel=ref.lower(),
        trigger_id=slack_api.trigger(),
    )
    assert answer is not None and answer.startswith("Sorry: Only a chair can record the decision")


async def test_the_chair_records_the_decision_in_a_form_checked_field_by_field(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    await held_meeting(running, ref)
    chair = people[CHAIR]
    status, _ = await command(
        running,
        slack_api,
        chair,
        f"decision {ref}",
        trigger_id=slack_api.trigger(),
        expect_answer=False,
    )
    assert status == 200
    await running.settle()
    form = await opened_view(slack_api, "decision_modal")
    assert form["private_metadata"] == ref
    assert {b["block_id"] for b in form["blocks"]} == {
        "considered_against_criteria",
        "criteria_met",
        "immediate_safeguarding",
        "summary_of_facts",
        "outcome",
        "outcome_reasons",
        "national_review_recommended",
        "national_review_reasons",
        "immediate_learning",
        "learning_shared_how",
        "further_learning_potential",
        "no_further_learning_reasons",
        "agencies_taking_part",
        "absent_agency_reasons",
        "decided_by",
        "decided_on",
    }  # fmt: skip  -- every field of the decision record

    incomplete = decision_values(
        outcome_reasons={"value": {"type": "plain_text_input", "value": "  "}},
        outcome={
            "value": {"type": "static_select", "selected_option": {"value": "no_further_review"}}
        },
        national_review_recommended={"value": {"type": "radio_buttons", "selected_option": None}},
        absent_agency_reasons={"value": {"type": "plain_text_input", "value": "gp"}},
    )
    reply = await interaction(running, submission(chair, "decision_modal", ref, incomplete))
    errors = reply.json()["errors"]
    assert errors["outcome_reasons"] == "must be filled in"
    assert errors["national_review_recommended"] == "Answer yes or no."
    assert errors["absent_agency_reasons"] == "Write 'gp' as agency: reason."
    assert await stage_of(running, ref) is Stage.MET  # nothing recorded

    reply = await interaction(running, submission(chair, "decision_modal", ref, decision_values()))
    assert reply.text == ""
    await running.settle()
    assert await stage_of(running, ref) is Stage.DECIDED
    assert any(t.startswith(f"Decision recorded for {ref}") for t in dm_texts(slack_api, chair))


# -- App Home and the channel's membership ---------------------------------------------------


async def test_the_app_home_shows_each_person_their_own_cases_with_a_rag_status(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    stranger = slack_api.add_user("someone.else@elsewhere.example.org")
    for user in (people[CHAIR], people[POLICE_SPOC], stranger):
        await event(running, {"type": "app_home_opened", "user": user, "tab": "home"})
    await running.settle()

    chair_home = str(slack_api.homes[people[CHAIR]]["blocks"])
    assert ref in chair_home and ":large_green_circle: Green" in chair_home
    assert ref in str(slack_api.homes[people[POLICE_SPOC]]["blocks"])  # an involved SPOC
    assert ref not in str(slack_api.homes[stranger]["blocks"])
    assert "You are not on any open case." in str(slack_api.homes[stranger]["blocks"])


async def test_the_chair_is_alerted_when_someone_not_on_the_case_joins_its_channel(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    channel = slack_api.by_name(ref.lower())
    assert channel is not None
    stranger = slack_api.add_user("someone.else@elsewhere.example.org")
    before = len(slack_api.messages[channel.id])

    for user in (people[POLICE_SPOC], stranger):  # a member (fine), then a stranger
        await event(
            running,
            {"type": "member_joined_channel", "user": user, "channel": channel.id,
             "channel_type": "G", "team": "T0EXAMPLE1"},
        )  # fmt: skip
    await running.settle()

    (alert,) = [m.text for m in list(slack_api.messages[channel.id].values())[before:]]
    assert alert.startswith(f"<@{people[CHAIR]}> someone.else@elsewhere.example.org was added")
    assert f"is not on {ref}" in alert
    assert await audited(running, ref, "outsider_in_channel") == 1


async def audited(running: Running, ref: str, action: str) -> int:
    statement = text("SELECT count(*) FROM audit_log WHERE case_ref = :ref AND action = :action")
    async with running.container.engine.connect() as connection:
        return int((await connection.execute(statement, {"ref": ref, "action": action})).scalar())


async def test_the_chair_steers_a_case_to_its_close_with_slash_commands(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    chair, here = people[CHAIR], ref.lower()

    async def say(text: str) -> str:
        _, answer = await command(running, slack_api, chair, text, channel=here)
        assert answer is not None
        return answer

    assert (await say("chase")).startswith("Outstanding: ")
    assert await say("chase gp") == "Chased Dr Oli Danvers."  # reached by email
    assert (await say("quorum")).startswith(f"Sorry: {ref} has no meeting booked")
    offer = await say("schedule")
    assert "1. " in offer
    assert (await say("book 1")).startswith("Booked")
    assert (await say("quorum")).startswith("Quorate: ")
    services = running.container.services
    booked = (await services.status(case_ref=ref, actor=CHAIR)).case.meeting
    assert booked is not None
    early = await say("attended expected")
    assert early.startswith(f"Sorry: The {ref} meeting starts")
    clock_of(running).set(booked.start)
    assert (await say("attended expected")).startswith("Attendance recorded:")
    again = await say("attended expected")
    assert again.startswith(f"Sorry: {ref} cannot hold meeting now: it is meeting held")
    await services.record_decision(case_ref=ref, record=forms_record(), actor=CHAIR)
    assert (await say("submit")).startswith(f"Sorry: {ref} cannot be submitted yet")
    assert (await say("ratify")).startswith(f"{ref}: decision ratified")
    assert (await say("submit")).startswith("Submitted.")
    assert await say("close") == f"{ref} closed."
    assert (await say("status")).startswith(f"{ref}: closed")


def forms_record() -> Any:
    from handlers.slack.forms import read_decision

    return read_decision(decision_values())


async def test_the_remedy_buttons_under_a_decline_invite_the_deputy_and_offer_slots(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    services = running.container.services
    offer = await services.find_slots(case_ref=ref, actor=OFFICER)
    await services.book_meeting(case_ref=ref, slot=offer.proposal.slots[0], actor=OFFICER)
    police_dm = "gray.osei@police.example.org"
    await services.record_response(
        case_ref=ref, email=police_dm, response=Response.DECLINED, actor=police_dm
    )
    channel = slack_api.by_name(ref.lower())
    assert channel is not None
    alert = list(slack_api.messages[channel.id].values())[-1]
    (actions,) = [b for b in alert.blocks or [] if b["type"] == "actions"]
    (shown,) = actions["elements"]
    assert (shown["action_id"], shown["value"]) == ("invite_deputy", f"{ref}|{police_dm}")

    chair = people[CHAIR]
    for action, value, key in (
        ("invite_deputy", shown["value"], "deputy"),
        ("find_slots", ref, "slots"),
    ):
        await interaction(running, button(slack_api, chair, action, value, key=key))
    await running.settle()
    deputy = await answered(running, slack_api, "deputy")
    slots = await answered(running, slack_api, "slots")
    assert deputy["text"] == "Invited DCI Harper Vance."
    assert slots["text"].startswith("Meeting slots, best first")
    assert any("accessory" in b for b in slots["blocks"])
