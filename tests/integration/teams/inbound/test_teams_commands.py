"""Commands typed to the bot in Teams, through `POST /api/messages` with signed tokens, and
the answers as the Bot Connector received them: in a case chat the case is the chat's; in the
personal chat the reference is typed; the role checks and words are `/rapidreview`'s."""

from __future__ import annotations

from bot.domain.decision import DecisionRecord
from bot.domain.meeting import Response
from tests.integration.http.harness import notification
from tests.integration.teams.inbound.harness import (
    CHAIR,
    LA_SPOC,
    OFFICER,
    OUTSIDER,
    POLICE_DM,
    StartBot,
    Teams,
    aad,
    card_actions,
    held_meeting,
    personal,
    the_one,
    words,
)
from tests.services.test_decision_and_submission import decision_fields


async def open_case(teams: Teams) -> tuple[str, str]:
    """A notification opens a case: its reference and its chat (the case's channel)."""
    answer = await teams.running.client.post(
        "/notifications",
        json=notification(),
        headers={"Authorization": "Bearer intake-test-token-0123456789"},
    )
    assert answer.status_code in (200, 201), answer.text
    ref = answer.json()["case_ref"]
    case = (await teams.services.status(case_ref=ref, actor=CHAIR)).case
    assert teams.graph.chats[case.channel].topic == ref  # made through Graph, named by ref
    return ref, case.channel


async def test_schedule_in_the_case_chat_answers_with_slots_to_book(teams_bot: Teams) -> None:
    ref, chat = await open_case(teams_bot)

    (answer,) = await teams_bot.mentions(CHAIR, chat, "schedule")

    assert answer["conversation"]["id"] == chat
    books = [a for a in card_actions(answer) if a["title"] == "Book"]
    assert books and all(a["data"]["value"].startswith(f"{ref}|") for a in books)
    assert "quorate" in words(answer)


async def test_a_command_without_the_role_is_refused_in_words(teams_bot: Teams) -> None:
    ref, _ = await open_case(teams_bot)
    (answer,) = await teams_bot.says(LA_SPOC, f"schedule {ref}")
    assert answer["conversation"]["id"] == personal(LA_SPOC)
    assert words(answer).startswith("Sorry: Only a ")
    assert not card_actions(answer)


async def test_someone_outside_the_directory_is_told_so(teams_bot: Teams) -> None:
    (answer,) = await teams_bot.says(OUTSIDER, "cases")
    assert words(answer) == "Sorry: the bot cannot find you in the partnership directory."


async def test_an_unknown_command_is_its_own_answer(teams_bot: Teams) -> None:
    (answer,) = await teams_bot.says(OFFICER, "shedule LLR-RR-2026-001")
    assert words(answer).startswith("Sorry: Unknown command 'shedule'. Try one of: new,")


async def test_a_decline_that_breaks_quorum_gives_the_chair_remedies_that_work(
    start_teams_bot: StartBot,
) -> None:
    async with start_teams_bot(playbook="kent-2024") as teams:  # the chair and three DMs
        ref, chat = await open_case(teams)
        (slots,) = await teams.mentions(CHAIR, chat, "schedule")
        book = next(a for a in card_actions(slots) if a["title"] == "Book")
        pressed = await teams.submits(CHAIR, chat, slots["_id"], book["data"], group=True)
        booked = the_one(pressed, edits=slots["_id"])
        assert words(booked).startswith(f"Booked {ref}: ")

        await teams.services.record_response(
            case_ref=ref, email=POLICE_DM, response=Response.DECLINED, actor=POLICE_DM
        )
        alert = words(teams.connector.posted(chat)[-1])
        assert "Quorum broken" in alert and "Remedies" in alert

        deputy = {"action": "invite_deputy", "value": f"{ref}|{POLICE_DM}"}
        pressed = await teams.submits(CHAIR, chat, "alert-1", deputy, group=True)
        invited = the_one(pressed, starting="Invited")
        assert words(invited) == "Invited DCI Harper Vance."
        again = {"action": "find_slots", "value": ref}
        offered = the_one(await teams.submits(CHAIR, chat, "alert-1", again, group=True))
        assert "Meeting slots" in words(offered)


async def test_ratify_submit_and_close_in_the_case_chat(teams_bot: Teams) -> None:
    ref, chat = await open_case(teams_bot)
    await held_meeting(teams_bot, ref)
    record = DecisionRecord.model_validate(
        decision_fields(agencies_taking_part=["la", "police", "gp"])
    )
    await teams_bot.services.record_decision(case_ref=ref, record=record, actor=CHAIR)
    ratified = the_one(await teams_bot.mentions(CHAIR, chat, "ratify"), starting=ref)
    submitted = the_one(await teams_bot.mentions(CHAIR, chat, "submit"), starting="Submitted")
    closed = the_one(await teams_bot.mentions(CHAIR, chat, "close"), starting=f"{ref} closed")
    assert words(ratified) == f"{ref}: decision ratified. Next: @Rapid Review submit {ref}"
    assert words(submitted) == (  # Teams' Markdown: the underscores escaped
        rf"Submitted. For the Panel: {ref}\_panel-submission.docx and"
        rf" {ref}\_covering-letter.docx."
    )
    assert words(closed) == f"{ref} closed."


async def test_what_was_typed_comes_back_inert_and_lines_stay_lines(teams_bot: Teams) -> None:
    (answer,) = await teams_bot.says(OFFICER, "<b>[x](https://evil.example)</b> LLR-RR-2026-001")
    assert answer["text"].startswith("Sorry: Unknown command '&lt;b&gt;\\[x\\]\\(https:\u200b//")
    assert "<b>" not in answer["text"] and "https://" not in answer["text"]
    (listing,) = await teams_bot.says(OFFICER, "help")
    assert listing["text"].startswith("Commands:<br>  new &lt;their-ref&gt;")


async def test_a_throttled_or_busy_connector_is_asked_again_and_answers_once(
    teams_bot: Teams,
) -> None:
    connector = teams_bot.connector
    connector.fail("/members/" + f"29:{aad(OFFICER)}", status=429, retry_after=0)
    connector.fail("/activities", status=503, retry_after=0, times=2, method="POST")

    (answer,) = await teams_bot.says(OFFICER, "help")

    assert answer["text"].startswith("Commands:")
    posts = connector.calls_to("/activities", "POST")
    assert [c.status for c in posts] == [503, 503, 201]


async def test_every_command_is_answered_in_teams_with_the_same_rules(teams_bot: Teams) -> None:
    """The commands of `/rapidreview`, typed in the case chat: each gets its own answer (a
    result, or a refusal saying why not now), none is unknown; a SPOC without the role is
    refused in their own chat."""
    ref, chat = await open_case(teams_bot)
    answers = {}
    for command in (
        "status",
        "quorum",
        "chase",
        "chase la",
        "observers none",
        "move 1",
        "cancel The chair is unwell",
        "invite-deputy gray.osei@police.example.org",
        "attended expected",
        "confirm gp",
        "ratify",
        "submit",
        "close",
    ):
        said = [a for a in await teams_bot.mentions(CHAIR, chat, command) if a["_verb"] == "post"]
        answers[command] = words(said[-1])
    for command, answer in answers.items():
        assert "Unknown command" not in answer and "not available here" not in answer, command
    assert answers["status"].startswith(ref)
    assert answers["chase"].startswith("Outstanding: ")
    assert answers["chase la"] == "Chased Fay Morrow."
    assert answers["cancel The chair is unwell"].startswith("Sorry: ")  # nothing booked yet
    assert answers["close"].startswith("Sorry: ")  # not submitted yet
    (opened,) = await teams_bot.says(OFFICER, "new LA-2026-0099 2026-12-18 la,police")
    assert words(opened).startswith("Case opened ")
    (refused,) = await teams_bot.says(LA_SPOC, f"chase {ref} la")
    assert words(refused).startswith("Sorry: Only a ")


async def test_papers_in_the_case_chat_are_emailed_to_the_asker(teams_bot: Teams) -> None:
    ref, chat = await open_case(teams_bot)

    (answer,) = await teams_bot.mentions(CHAIR, chat, "papers")

    draft = f"{ref}_combined-summary_v1_draft.docx"
    assert words(answer) == (  # a bot's file cannot go in a Teams group chat
        f"Emailed {draft} to you: this chat cannot hold files.".replace("_", "\\_")
    )
