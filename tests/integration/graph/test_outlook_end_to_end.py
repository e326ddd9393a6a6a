"""End to end with Slack and Outlook: the real server, the real bolt app, the real msgraph-sdk
with azure-identity's client-secret credential, against the Slack and Graph fakes.

A notification opens the case; `/rapidreview schedule` offers only quorate slots inside the
window from everyone's free/busy; *Book* sends one Teams meeting invite; a decline read back
from Outlook reaches the chair with a remedy that works; the GP practice, outside Slack, gets
its request by email and its emailed reply is recorded as its return."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.domain.requests import ReturnKind
from bot.domain.stages import Stage
from tests.fakes.graph_api import MAILBOX, GraphApiFake
from tests.fakes.slack_api import SlackApiFake
from tests.integration.graph.support import graph_settings
from tests.integration.http.harness import Running, serving
from tests.integration.slack.slack_app import (
    CHAIR,
    answered,
    button,
    command,
    interaction,
    open_case,
    slack_settings,
    workspace,
)

GP_SPOC = "oli.danvers@gp.example.org"
POLICE_DM = "gray.osei@police.example.org"
POLICE_DEPUTY = "harper.vance@police.example.org"
# Busy on the first morning the bot would otherwise pick (Thu 7 Jan 2027, day 11).
CHAIR_BUSY = (datetime(2027, 1, 7, 9, tzinfo=UTC), datetime(2027, 1, 7, 12, tzinfo=UTC), "busy")


@pytest.fixture
async def running(
    slack_api: SlackApiFake, graph_api: GraphApiFake, database_url: str
) -> AsyncIterator[Running]:
    people = workspace(slack_api)
    for email in [*people, GP_SPOC]:
        graph_api.add_person(email, [CHAIR_BUSY] if email == CHAIR else [])
    outlook = graph_settings(graph_api, graph_ca_bundle=graph_api.ca_file)
    settings = slack_settings(
        database_url, slack_api, **{k: getattr(outlook, k) for k in outlook.model_fields_set}
    )
    async with serving(settings) as running:
        yield running


async def test_a_case_meets_in_outlook_and_hears_from_agencies_outside_slack(
    running: Running, slack_api: SlackApiFake, graph_api: GraphApiFake
) -> None:
    ref = await open_case(running)
    chair = slack_api.emails[CHAIR]

    # The GP practice is not in Slack: its request went by email from the partnership mailbox.
    (request,) = [m for m in graph_api.sent if m.to == [GP_SPOC]]
    assert request.mailbox == MAILBOX
    assert request.subject == f"Rapid Review information request: {ref}"

    # Slots come from Outlook free/busy, in one getSchedule call for everyone.
    _, offer = await command(running, slack_api, chair, "schedule", channel=ref.lower())
    assert offer is not None and "NOT quorate" not in offer
    assert "Thu 07 Jan 09:00" not in offer  # the chair is busy then
    assert len(graph_api.calls_to("/calendar/getSchedule")) == 1
    shown = [r for r in slack_api.responses if r.get("blocks")][-1]
    book = next(b["accessory"] for b in shown["blocks"] if "accessory" in b)

    await interaction(running, button(slack_api, chair, "book_slot", book["value"], key="book"))
    assert (await answered(running, slack_api, "book"))["text"].startswith(f"Booked {ref}")
    (event,) = graph_api.events.values()
    assert event.subject == f"Rapid Review meeting: {ref}"
    assert event.online and event.transaction_id == f"{ref}:meeting:1:{event.start:%Y%m%dT%H%M}"
    required = {a["emailAddress"]["address"] for a in event.attendees if a["type"] == "required"}
    assert {CHAIR, POLICE_DM} <= required
    # The event id and iCalUId are kept with the case; the Teams link is posted in the channel.
    booked = (await running.container.services.status(case_ref=ref, actor=CHAIR)).case.meeting
    assert booked is not None and booked.event_id == event.id
    assert booked.ical_uid.startswith("040000008200E00074C5B7101A82E008")
    assert booked.join_url and booked.join_url.startswith("https://")
    channel = slack_api.by_name(ref.lower())
    assert channel is not None
    posts = [m.text for m in slack_api.messages[channel.id].values()]
    assert any(p.endswith(f"Join on Teams: {booked.join_url}") for p in posts)

    # The police decision maker declines in Outlook; the next poll tells the channel, with a
    # button that invites the deputy to the same Outlook meeting.
    graph_api.respond(event.id, POLICE_DM, "declined")
    services = running.container.services
    (outcome,) = await services.poll_responses(case_ref=ref)
    assert "Invite the deputy" in outcome.remedies[0]
    deputy = await services.invite_deputy(case_ref=ref, principal=POLICE_DM, actor=CHAIR)
    assert deputy == POLICE_DEPUTY
    assert POLICE_DEPUTY in {a["emailAddress"]["address"] for a in event.attendees}

    # The GP replies to the request by email: recorded as the practice's return.
    graph_api.deliver(
        sender=GP_SPOC,
        subject=f"RE: Rapid Review information request: {ref}",
        html="<p>Nil return: not known to the practice.</p>",
        received=datetime.now(UTC),
        attachments=[("gp-search.pdf", "application/pdf", b"%PDF fictional")],
        headers=[
            ("Authentication-Results", "spf=pass;dkim=pass;dmarc=pass action=none"),
            ("In-Reply-To", request.internet_message_id),
        ],
    )
    (mail,) = await services.read_mailbox(since=event.start.replace(year=2026, month=11, day=1))
    assert mail.recorded == f"{ref} gp"
    case = (await services.status(case_ref=ref, actor=CHAIR)).case
    assert case.stage is Stage.MEETING_BOOKED
    gp = case.requests["gp"]
    assert (gp.return_kind, gp.summary) == (
        ReturnKind.NIL,
        "Nil return: not known to the practice.\nFiles: gp-search.pdf",
    )
