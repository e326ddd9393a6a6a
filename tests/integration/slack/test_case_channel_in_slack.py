"""The case channel as people see it in Slack, over a whole case: a topic that follows the
case and changes only when its text does, and a card posted once complete whose "next" is
always what the stage and the timetable say."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import pytest

from bot.adapters.slack.chat import SlackChat
from bot.domain.meeting import Response
from bot.domain.requests import ReturnKind
from bot.services.decisions import parse_decision
from bot.services.doorbell import Doorbell
from bot.services.facade import Services
from bot.services.opening import run_opening
from tests.fakes.slack_api import SlackApiFake
from tests.services.test_decision_and_submission import decision_fields
from tests.support.world import CHAIR, GP_SPOC, OFFICER, POLICE_DEPUTY, World


@pytest.fixture
def world(slack_api: SlackApiFake, make_chat: Callable[[str], SlackChat]) -> World:
    """The service world, its chat the real Slack adapter on the fake Slack; everyone in
    the directory is in the workspace but the GP practice."""
    world = World()
    for person in world.directory.people:
        if not person.email.endswith("@gp.example.org"):
            slack_api.add_user(person.email)
    world.ctx = replace(world.ctx, chat=make_chat())
    world.services = Services(world.ctx)
    return world


def topics_set(slack_api: SlackApiFake) -> list[str]:
    return [str(c.args["topic"]) for c in slack_api.calls_to("conversations.setTopic")]


def cards_shown(slack_api: SlackApiFake) -> list[str]:
    """The card's text as each chat.postMessage / chat.update of it gave it."""
    return [
        str(c.args["text"])
        for c in slack_api.calls
        if c.method in ("chat.postMessage", "chat.update")
        and str(c.args.get("text", "")).startswith("Case LLR-RR-2026-001: ")
    ]


async def live_a_case(world: World) -> None:
    """A case from notification to closure, through the services, in Slack."""
    s = world.services
    opened = await s.receive_notification(notification=world.notification(), actor=OFFICER)
    ref = opened.case.ref
    world.at(date(2027, 1, 5), "10:00")
    for agency in opened.case.agencies:
        await s.record_return(
            case_ref=ref, agency=agency, kind=ReturnKind.NIL, summary="None.", actor=OFFICER
        )
    offer = await s.find_slots(case_ref=ref, actor=CHAIR)
    meeting = await s.book_meeting(case_ref=ref, slot=offer.proposal.slots[0], actor=CHAIR)
    for email in meeting.invitations:
        await s.record_response(case_ref=ref, email=email, response=Response.ACCEPTED, actor=email)
    world.at(date(2027, 1, 7), "11:00")
    await s.record_attendance(case_ref=ref, present=sorted(meeting.invitations), actor=OFFICER)
    await s.record_decision(case_ref=ref, record=parse_decision(decision_fields()), actor=CHAIR)
    await s.ratify(case_ref=ref, actor=CHAIR)
    world.at(date(2027, 1, 8), "11:00")
    await s.submit_to_panel(case_ref=ref, actor=OFFICER)
    await s.close_case(case_ref=ref, actor=OFFICER)


REF = "LLR-RR-2026-001"
RETURNS = "Agencies return the completed information request reply template: Wed 06 Jan (day 10)"
SUMMARY = (
    "Combined summary shared with the meeting's attendees (with the LA notification) and the"
    " independent advisor: Wed 06 Jan (day 10)"
)
RATIFIED = (
    "Decision ratified by the independent advisor and/or the safeguarding partners"
    " (2 working days after the meeting at most): Mon 11 Jan (day 13)"
)
PANEL = "Decision sent to the National Panel: Wed 13 Jan (day 15)"
SUBMITTED = "nothing due: sent to the National Panel on Fri 08 Jan; the case can be closed"
CLOSED = "nothing: the case closed on Fri 08 Jan"
LIFE = [  # (stage, next) as the case moves: requests, returns, meeting, decision, Panel
    ("information requests sent, meeting not booked", RETURNS),
    ("information requests sent, meeting not booked", SUMMARY),  # every return is in
    ("meeting booked", SUMMARY),
    ("meeting held, decision not yet recorded", RATIFIED),
    ("decision recorded", RATIFIED),
    ("decision ratified", PANEL),
    ("submitted to the National Panel", SUBMITTED),
    ("closed", CLOSED),
]


async def test_the_topic_follows_the_case_and_is_set_only_when_its_text_changes(
    world: World, slack_api: SlackApiFake
) -> None:
    await live_a_case(world)

    assert topics_set(slack_api) == [f"{REF} · {stage} · next: {nxt}" for stage, nxt in LIFE]
    (channel,) = [c for c in slack_api.channels.values() if c.name == "llr-rr-2026-001"]
    assert channel.topic == f"{REF} · closed · next: {CLOSED}"
    assert "Jamie" not in str(topics_set(slack_api))  # never a name


async def test_a_restarted_process_reads_the_topic_and_leaves_an_unchanged_one_alone(
    world: World, slack_api: SlackApiFake, make_chat: Callable[[str], SlackChat]
) -> None:
    opened = await world.services.receive_notification(
        notification=world.notification(), actor=OFFICER
    )
    restarted = make_chat()  # knows nothing of the channel's topic
    slack_api.calls.clear()

    topic = world.ctx.topic(opened.case)
    await restarted.set_topic(channel=opened.case.channel, topic=topic)

    assert [c.method for c in slack_api.calls] == ["conversations.info"]


async def test_the_card_is_posted_once_complete_and_its_next_follows_every_stage(
    world: World, slack_api: SlackApiFake
) -> None:
    await live_a_case(world)

    shown = cards_shown(slack_api)
    posted = [c for c in slack_api.calls_to("chat.postMessage") if c.args.get("text") in shown]
    assert len(posted) == 1  # posted once, then edited in place
    first = str(posted[0].args["blocks"])
    assert "Returns: 0 of 5 received" in first and "0 of 0" not in first
    texts = [str(c.args.get("text", "")) for c in slack_api.calls_to("chat.postMessage")]
    sent = next(n for n, t in enumerate(texts) if t.startswith("Information requests sent"))
    assert texts.index(shown[0]) == sent + 1  # the card comes after the requests exist
    changes = [t for n, t in enumerate(shown) if n == 0 or shown[n - 1] != t]
    assert changes == [f"Case {REF}: {stage}. Next: {nxt}" for stage, nxt in LIFE]


async def test_the_chair_is_told_what_really_happens_to_each_person_left_out(
    world: World, slack_api: SlackApiFake
) -> None:
    """In Slack but refused an invitation: direct messages. Not in Slack: email, at their
    address. Gone from the directory since the case was opened: nobody reaches them."""
    gone = POLICE_DEPUTY
    slack_api.emails.pop(gone)  # not in Slack either
    world.ctx = replace(world.ctx, doorbell=Doorbell())  # nobody opens it yet
    opened = await Services(world.ctx).receive_notification(
        notification=world.notification(), actor=OFFICER
    )
    people = [p for p in world.directory.people if p.email != gone]
    later = replace(world.ctx, directory=world.directory.model_copy(update={"people": people}))
    slack_api.fail("conversations.invite", error="user_is_restricted")  # a guest account

    await run_opening(later, case_ref=opened.case.ref, send_requests=True)

    texts = [str(c.args.get("text", "")) for c in slack_api.calls_to("chat.postMessage")]
    (told,) = [t for t in texts if "Not in this channel" in t]
    chair = slack_api.emails[CHAIR]
    lines = told.splitlines()
    assert lines[0] == f"<@{chair}> Not in this channel, so they cannot read it:"
    assert "• Fay Morrow could not be invited: the bot sends them direct messages instead." in lines
    assert f"• Dr Oli Danvers is not in chat: the bot emails them instead, at {GP_SPOC}." in lines
    assert (
        f"• {gone} is no longer in the partnership directory, so the bot will not reach them"
        " at all: add them back to the directory, or tell them yourself."
    ) in lines
    assert "direct message or email" not in told
