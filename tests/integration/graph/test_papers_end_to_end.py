"""End to end, from the returns to the outcome, with Slack and Outlook: the real server, the
real bolt app and msgraph-sdk against the Slack and Graph fakes.

Agencies return (the Slack form, typed, by email); on the papers day at 15:00 the Combined
Summary goes once to the case channel as a Slack file, onto the Outlook meeting, and by email
to the GP practice outside Slack; the GP's reply after that makes version 2, which replaces
version 1 on the meeting; the submission sends the Panel its Word documents and covering
letter; each agency and the referrer is told the outcome. No child's name anywhere but inside
the documents."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import datetime, timedelta

import pytest
from docx import Document

from bot.adapters.clock import SimulatedClock
from bot.domain.meeting import Response
from bot.domain.papers import papers_day
from bot.domain.requests import ReturnKind
from bot.services.decisions import parse_decision
from schedules.runner import run_due
from tests.fakes.graph_api import GraphApiFake, Mail
from tests.fakes.slack_api import SlackApiFake
from tests.integration.graph.support import graph_settings
from tests.integration.http.harness import Running, serving
from tests.integration.slack.slack_app import (
    CHAIR,
    LA_SPOC,
    OFFICER,
    answered,
    button,
    command,
    interaction,
    open_case,
    request_dm,
    slack_settings,
    workspace,
)
from tests.integration.slack.test_returns_in_slack import press, return_values, submission
from tests.services.test_decision_and_submission import decision_fields

GP_SPOC = "oli.danvers@gp.example.org"
POLICE_SPOC = "ira.castell@police.example.org"
HOSPITAL_SPOC = "max.idowu@hospital.example.org"  # the referrer, not itself involved
PANEL = "panel@nationalpanel.example.org"
NAMES = ("Jamie", "Fictitious", "Testperson")


def text_of(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def papers_to(graph_api: GraphApiFake, email: str) -> list[Mail]:
    """The papers emailed to `email` (its request email carried the reply template)."""
    return [
        m
        for m in graph_api.sent
        if m.to == [email] and any("_combined-summary_" in a[0] for a in m.attachments)
    ]


@pytest.fixture
async def running(
    slack_api: SlackApiFake, graph_api: GraphApiFake, database_url: str
) -> AsyncIterator[Running]:
    for email in [*workspace(slack_api), GP_SPOC]:
        graph_api.add_person(email, [])
    outlook = graph_settings(graph_api, graph_ca_bundle=graph_api.ca_file)
    settings = slack_settings(
        database_url,
        slack_api,
        panel_email=PANEL,
        **{k: getattr(outlook, k) for k in outlook.model_fields_set},
    )
    async with serving(settings) as running:
        yield running


async def test_from_the_returns_to_the_papers_the_panel_and_the_outcome(
    running: Running, slack_api: SlackApiFake, graph_api: GraphApiFake
) -> None:
    services, ctx = running.container.services, running.container.ctx
    clock = ctx.clock
    assert isinstance(clock, SimulatedClock)
    ref = await open_case(running, agencies=["la", "police", "gp"], referred_by="hospital")
    channel = slack_api.by_name(ref.lower())
    assert channel is not None
    (request_email,) = [m for m in graph_api.sent if m.to == [GP_SPOC]]

    # The LA returns through the Slack form, with its chronology; the police type theirs.
    spoc = slack_api.emails[LA_SPOC]
    im, request = request_dm(slack_api, spoc)
    await interaction(running, press(slack_api, spoc, im, request, "submit_return", f"{ref}|la"))
    values = return_values(
        "full",
        "Allocated social worker since March (fictional).",
        chronology="2026-11-03 | Home visit; mother seen | Social worker | Mosaic note 55",
    )
    await interaction(running, submission(spoc, "return_modal", f"{ref}|la", values))
    await running.settle()
    await services.record_return(
        case_ref=ref,
        agency="police",
        kind=ReturnKind.FACTUAL_SUMMARY,
        summary="Factual summary: one call-out in November (fictional).",
        actor=POLICE_SPOC,
    )

    # The chair books the first quorate slot from Outlook.
    chair = slack_api.emails[CHAIR]
    await command(running, slack_api, chair, "schedule", channel=ref.lower())
    shown = [r for r in slack_api.responses if r.get("blocks")][-1]
    book = next(b["accessory"] for b in shown["blocks"] if "accessory" in b)
    await interaction(running, button(slack_api, chair, "book_slot", book["value"], key="book"))
    assert (await answered(running, slack_api, "book"))["text"].startswith(f"Booked {ref}")
    (event,) = graph_api.events.values()
    case = (await services.status(case_ref=ref, actor=CHAIR)).case
    day = papers_day(case, ctx.timetable(case), ctx.playbook.meeting, ctx.workdays)

    # 15:00 on the papers day: version 1, once, to each surface; the GP's return is missing.
    clock.set(datetime.combine(day, datetime.min.time(), ctx.zone) + timedelta(hours=15))
    await run_due(services, worker="e2e")
    await run_due(services, worker="e2e")
    (v1,) = slack_api.files_in(channel.id)
    assert v1.filename == f"{ref}_combined-summary_v1.docx" and v1.content is not None
    assert v1.comment.startswith(f"Meeting papers for {ref}, version 1: the Combined Summary")
    papers = text_of(v1.content)
    assert "Home visit; mother seen" in papers and "Mosaic note 55" in papers  # chronology
    assert "Jamie Fictitious" in papers  # the papers: the one place the child is named
    assert "Riverside GP Practice\nNo return has been received" in papers  # flagged
    assert [n for n, _, _ in event.attendee_copy.values()] == [v1.filename]
    (gp_papers,) = papers_to(graph_api, GP_SPOC)
    assert gp_papers.subject == f"Rapid Review meeting papers: {ref}"
    assert gp_papers.attachments[0][2] == v1.content

    # The GP practice replies to its request email after the papers went: version 2.
    graph_api.deliver(
        sender=GP_SPOC,
        subject=f"RE: Rapid Review information request: {ref}",
        html="<p>Two appointments in the last year; nothing of concern (fictional).</p>",
        received=clock.now(),
        headers=[
            ("Authentication-Results", "spf=pass;dkim=pass;dmarc=pass action=none"),
            ("In-Reply-To", request_email.internet_message_id),
        ],
    )
    (mail,) = await services.read_mailbox(since=clock.now() - timedelta(minutes=5))
    assert mail.recorded == f"{ref} gp"
    await run_due(services, worker="e2e")
    _, v2 = slack_api.files_in(channel.id)  # version 1 stays where it was posted
    assert v2.filename == f"{ref}_combined-summary_v2.docx"
    assert "Riverside GP Practice's return received" in v2.comment
    assert "Version 1 is superseded." in v2.comment
    assert [n for n, _, _ in event.attendee_copy.values()] == [v2.filename]  # v1 taken off
    assert [m.attachments[0][0] for m in papers_to(graph_api, GP_SPOC)] == [
        v1.filename,
        v2.filename,
    ]

    # The meeting is held and decides; the decision is ratified and submitted.
    meeting = (await services.status(case_ref=ref, actor=CHAIR)).case.meeting
    assert meeting is not None
    for email in meeting.invitations:
        await services.record_response(
            case_ref=ref, email=email, response=Response.ACCEPTED, actor=email
        )
    clock.set(meeting.end)
    await services.record_attendance(
        case_ref=ref, present=sorted(meeting.invitations), actor=OFFICER
    )
    decided = clock.now().astimezone(ctx.zone).date()
    fields = decision_fields(agencies_taking_part=["la", "police", "gp"], decided_on=decided)
    await services.record_decision(case_ref=ref, record=parse_decision(fields), actor=CHAIR)
    await services.ratify(case_ref=ref, actor=CHAIR)
    await services.submit_to_panel(case_ref=ref, actor=OFFICER)
    await run_due(services, worker="e2e")
    await run_due(services, worker="e2e")

    (panel,) = [m for m in graph_api.sent if m.to == [PANEL]]
    assert panel.subject == f"Rapid Review decision: {ref}"
    assert [a[0] for a in panel.attachments] == [
        f"{ref}_panel-submission.docx",
        f"{ref}_covering-letter.docx",
    ]
    submitted = text_of(panel.attachments[0][2])
    record = parse_decision(fields)
    for field in (record.outcome_reasons, record.immediate_learning, record.outcome.label):
        assert field in submitted
    assert ref in text_of(panel.attachments[1][2])

    # Each agency and the referrer is told the outcome once: in Slack, or by email.
    def outcome_dms(email: str) -> list[str]:
        user = slack_api.emails[email]
        return [
            m.text
            for c in slack_api.channels.values()
            if c.is_im and user in c.members
            for m in slack_api.messages[c.id].values()
            if "the outcome" in m.text
        ]

    for spoc_email in (LA_SPOC, POLICE_SPOC, HOSPITAL_SPOC):
        (letter,) = outcome_dms(spoc_email)
        assert "Commission a Local Child Safeguarding Practice Review" in letter
    assert "Thank you for making the referral." in outcome_dms(HOSPITAL_SPOC)[0]
    (gp_letter,) = [m for m in graph_api.sent if m.subject == f"Rapid Review outcome: {ref}"]
    assert gp_letter.to == [GP_SPOC]
    case = (await services.status(case_ref=ref, actor=CHAIR)).case
    assert case.outcome_told_on == decided
    assert len(case.papers) == 2

    # No child or family name anywhere but inside the documents.
    shown = [m.text for messages in slack_api.messages.values() for m in messages.values()]
    shown += [u.filename for u in slack_api.uploads.values()]
    shown += [u.comment for u in slack_api.uploads.values()]
    shown += [m.subject for m in graph_api.sent] + [
        a[0] for m in graph_api.sent for a in m.attachments
    ]
    shown += [e.subject for e in graph_api.events.values()]
    for name in NAMES:
        assert not [s for s in shown if name in s], name
