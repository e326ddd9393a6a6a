"""A whole Rapid Review in Teams, as the Slack story walks it: rrbot serving Teams as in
production (TeamsChat on the Teams SDK and msgraph-sdk) on the Graph and Bot Connector fakes,
every person acting through `POST /api/messages` with a signed token, and every check made on
what the connector received. On SQLite, and on PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from datetime import datetime

from bot.adapters.clock import SimulatedClock
from bot.domain.meeting import Response
from bot.domain.requests import ReturnKind
from tests.integration.teams.inbound.harness import (
    CHAIR,
    LA_SPOC,
    LONDON,
    OFFICER,
    POLICE_DM,
    StartBot,
    Teams,
    aad,
    card_actions,
    personal,
    the_one,
    words,
)
from tests.integration.teams.inbound.test_teams_commands import open_case
from tests.integration.teams.inbound.test_teams_returns_and_forms import (
    FILE,
    as_submitted,
    request_card,
)

POLICE_SPOC = "ira.castell@police.example.org"
GP_SPOC = "oli.danvers@gp.example.org"


def case_cards(teams: Teams, chat: str) -> list[str]:
    """The case card in the case chat (one message, edited in place): what it reads now."""
    held = teams.connector.conversations[chat]
    shown = []
    for i, sent in held.activities.items():
        for attachment in sent.get("attachments") or [] if i not in held.deleted else []:
            body = attachment["content"].get("body", [])
            facts = [f for e in body for f in e.get("facts", [])]
            if any(f["title"] == "Stage" for f in facts):
                lines = [e.get("text", "") for e in body] + [
                    f"{f['title']}: {f['value']}" for f in facts
                ]
                shown.append("\n".join(lines))
    return shown


async def test_a_whole_case_runs_in_teams(start_teams_bot: StartBot) -> None:
    async with start_teams_bot(playbook="kent-2024") as teams:  # the chair and three DMs
        clock = teams.running.container.ctx.clock
        assert isinstance(clock, SimulatedClock)

        # The notification opens a private group chat named by the reference only, with the
        # app in it, and each SPOC gets the request as a card in their own chat with the bot.
        ref, chat = await open_case(teams)
        made = teams.graph.chats[chat]
        assert made.topic == ref and aad(CHAIR) in made.members
        assert teams.graph.installs  # the app, installed for the SPOCs it messages first
        (card,) = case_cards(teams, chat)
        assert ref in card and "Returns: 0 of 3 received" in card

        # Returns: by the card's form, by a message with a file, and by email.
        la = request_card(teams, ref, "la", LA_SPOC)
        press = {"action": "submit_return", "value": f"{ref}|la", "case_ref": ref}
        (form,) = await teams.submits(LA_SPOC, personal(LA_SPOC), la, press | {"agency": "la"})
        (send,) = card_actions(form)
        full = send["data"] | {
            "involvement": "full",
            "analysis": "Known since 2025.",
            "records_secured": "yes",
        }
        (receipt,) = await teams.submits(LA_SPOC, personal(LA_SPOC), la, full)
        assert receipt["_id"] == la and "was recorded" in words(receipt)

        file = {"contentType": FILE, "name": "Police summary.pdf", "contentUrl": "https://x"}
        (filed,) = await teams.says(POLICE_SPOC, "Our summary.", attachments=[file])
        assert words(filed).startswith(f"Thank you: your full information return for {ref}")

        # The GP practice is reached by email (`contact: email`): its nil return comes back
        # that way (tested with Outlook apart) and lands on the same card.
        assert personal(GP_SPOC) not in teams.connector.conversations or not [
            a for a in teams.connector.posted(personal(GP_SPOC)) if ref in words(a)
        ]
        await teams.services.record_return(
            case_ref=ref, agency="gp", kind=ReturnKind.NIL, summary="", actor=GP_SPOC
        )
        (card,) = case_cards(teams, chat)  # still one card, edited as the returns came in
        assert "Returns: 3 of 3 received" in card

        # The chair books a quorate slot from the case chat.
        clock.set(datetime(2026, 12, 21, 10, 0, tzinfo=LONDON))
        (slots,) = await teams.mentions(CHAIR, chat, "schedule")
        book = next(a for a in card_actions(slots) if a["title"] == "Book")
        booked = the_one(
            await teams.submits(CHAIR, chat, slots["_id"], book["data"], group=True),
            edits=slots["_id"],
        )
        assert words(booked).startswith(f"Booked {ref}: ")

        # A decision maker declines: the chair is told, by a real mention, with the remedies.
        before = len(teams.connector.received)
        await teams.services.record_response(
            case_ref=ref, email=POLICE_DM, response=Response.DECLINED, actor=POLICE_DM
        )
        (alert,) = [a for a in teams.since(before) if "Quorum broken" in words(a)]
        assert alert["_chat"] == chat and "<at>" in alert["text"]
        assert {e["type"] for e in alert["entities"]} == {"mention"}
        remedy = next(a for a in card_actions(alert) if a["title"].startswith("Invite"))
        pressed = await teams.submits(CHAIR, chat, alert["_id"], remedy["data"], group=True)
        assert words(the_one(pressed, starting="Invited")) == "Invited DCI Harper Vance."

        # The meeting is held; who came, the decision form, ratify, submit and close.
        meeting = (await teams.services.status(case_ref=ref, actor=CHAIR)).case.meeting
        assert meeting is not None
        for email in meeting.expected():
            await teams.services.record_response(
                case_ref=ref, email=email, response=Response.ACCEPTED, actor=email
            )
        clock.set(meeting.start)
        said = await teams.mentions(OFFICER, chat, "attended expected")
        # The answer to the officer, beside what the case chat is told of it.
        the_one(said, starting="Attendance recorded: 7 present, quorate.")

        (form,) = await teams.mentions(CHAIR, chat, "decision")
        (record,) = card_actions(form)
        recorded = the_one(
            await teams.submits(
                CHAIR, chat, form["_id"], record["data"] | as_submitted(), group=True
            ),
            edits=form["_id"],
        )
        assert words(recorded).startswith(f"Decision recorded for {ref}")
        for command, said in (
            ("ratify", f"{ref}: decision ratified"),
            ("submit", "Submitted."),
            ("close", f"{ref} closed."),
        ):
            the_one(await teams.mentions(CHAIR, chat, command), starting=said)

        (card,) = case_cards(teams, chat)
        assert "Stage: closed" in card
        # Nothing the bot sent anywhere named the child: the notification's subject.
        sent = [words(r.activity) for r in teams.connector.received]
        assert sent and not any("Jamie Fictitious" in text or "Fictitious" in text for text in sent)
