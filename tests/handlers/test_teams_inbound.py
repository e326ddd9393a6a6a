"""What people do in Teams, on the real services: each command, press and return gets its
answer or its own refusal, in the words Slack uses."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.adapters.teams.cards import escape
from bot.domain.meeting import Response
from bot.domain.stages import Stage
from handlers.teams.inbound import TeamsInbound
from handlers.teams.people import TeamsPeople
from handlers.teams.turn import Turn
from tests.handlers.teams_back import RecordingBack, actions, card_text, member, typed
from tests.services.test_decision_and_submission import decision_fields, held
from tests.support.world import CHAIR, GP_SPOC, LA_SPOC, OFFICER, POLICE_DM, World

PEOPLE = [CHAIR, OFFICER, LA_SPOC, GP_SPOC, POLICE_DM, "stranger@elsewhere.example.org"]


@pytest.fixture
def teams(world: World) -> TeamsInbound:
    return TeamsInbound(world.services, TeamsPeople(world.directory), escape)


@pytest.fixture
def back() -> RecordingBack:
    return RecordingBack({member(e).id: e for e in PEOPLE})


async def chat_of(world: World, ref: str) -> str:
    """The case's chat, as the chat adapter named it."""
    return (await world.services.status(case_ref=ref, actor=CHAIR)).case.channel


def pressed(email: str, action: str, value: str, **inputs: Any) -> Turn:
    data = {"action": action, "value": value, **inputs}
    return typed(email, "", value=data, reply_to_id="card-1")


async def test_a_command_in_a_case_chat_is_about_that_chats_case(
    world: World, teams: TeamsInbound, back: RecordingBack
) -> None:
    ref = await world.open_with_requests()
    await teams.message(typed(CHAIR, "status", chat=await chat_of(world, ref)), back)
    assert back.said[-1].startswith(f"{ref}: ")


async def test_someone_the_directory_does_not_know_is_told_so(
    teams: TeamsInbound, back: RecordingBack
) -> None:
    await teams.message(typed("stranger@elsewhere.example.org", "cases"), back)
    assert back.said == ["Sorry: the bot cannot find you in the partnership directory."]


async def test_a_person_is_looked_up_once(teams: TeamsInbound, back: RecordingBack) -> None:
    await teams.message(typed(CHAIR, "help"), back)
    await teams.message(typed(CHAIR, "help"), back)
    assert back.look_ups == 1
    assert back.said[0].startswith(escape("Commands:\n  new <their-ref>"))


async def test_schedule_is_a_card_with_book_on_each_quorate_slot_and_booking_works(
    world: World, teams: TeamsInbound, back: RecordingBack
) -> None:
    ref = await world.open_with_requests()
    await teams.message(typed(CHAIR, f"schedule {ref}"), back)
    (slots,) = back.cards
    books = [a for a in actions(slots) if a["title"] == "Book"]
    assert books and all(a["data"]["value"].startswith(f"{ref}|") for a in books)
    assert "quorate" in card_text(slots)

    await teams.message(pressed(CHAIR, "book_slot", books[0]["data"]["value"]), back)

    (activity_id, booked, said) = back.updates[-1]
    assert activity_id == "card-1" and booked is not None and said.startswith(f"Booked {ref}: ")
    assert (await world.services.status(case_ref=ref, actor=CHAIR)).case.meeting is not None


async def test_a_command_without_the_role_is_refused_as_in_slack(
    world: World, teams: TeamsInbound, back: RecordingBack
) -> None:
    ref = await world.open_with_requests()
    await teams.message(typed(LA_SPOC, f"schedule {ref}"), back)
    await teams.message(typed(LA_SPOC, f"close {ref}"), back)
    assert all(s.startswith("Sorry: Only a ") for s in back.said) and len(back.said) == 2
    assert not back.cards


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        ("shedule LLR-RR-2026-001", "Sorry: Unknown command 'shedule'. Try one of: new,"),
        ("status LLR-RR-2026-999", "Sorry: No case with reference LLR-RR-2026-999."),
        (
            "status",
            "Sorry: Which case? Use '@Rapid Review status LLR-RR-2026-014', or run it in the case",
        ),
        ("decision", "Sorry: Which case? Use '@Rapid Review decision LLR-RR-2026-014'"),
    ],
)
async def test_each_mistake_is_its_own_answer(
    teams: TeamsInbound, back: RecordingBack, text: str, answer: str
) -> None:
    await teams.message(typed(CHAIR, text), back)
    assert back.said[0].startswith(answer)


async def test_what_was_typed_comes_back_inert(teams: TeamsInbound, back: RecordingBack) -> None:
    await teams.message(typed(CHAIR, "[click](https://evil.example)<at>x</at>"), back)
    (said,) = back.said
    assert "[click]" not in said and "<at>" not in said and "\\[click\\]" in said


async def test_the_decision_form_shows_each_problem_under_its_field_and_keeps_what_was_typed(
    world: World, teams: TeamsInbound, back: RecordingBack
) -> None:
    ref = await held(world)
    await teams.message(typed(CHAIR, f"decision {ref}"), back)
    (form,) = back.cards
    ids = {e.get("id") for e in form["body"]}
    assert set(decision_fields()) <= ids and "no_further_learning_reasons" in ids

    bad = decision_fields(
        outcome="no_further_review", summary_of_facts=" ", decided_on="2027-02-30"
    )
    values = {k: ",".join(v) if isinstance(v, list) else str(v) for k, v in bad.items()}
    values |= {"considered_against_criteria": "yes", "national_review_recommended": "no"}
    await teams.message(pressed(CHAIR, "decision_form", ref, to=CHAIR, **values), back)

    (card_id, again, _) = back.updates[-1]
    assert card_id == "card-1" and again is not None
    errors = {e["id"]: e["text"] for e in again["body"] if str(e.get("id", "")).endswith("__error")}
    assert set(errors) == {"summary_of_facts__error", "decided_on__error"}
    kept = {e["id"]: e.get("value") for e in again["body"] if "id" in e}
    assert kept["outcome_reasons"] == "Two agencies did not share information."
    assert (await world.services.status(case_ref=ref, actor=CHAIR)).case.decision is None

    values |= {"summary_of_facts": "Fictional facts.", "decided_on": "2027-01-07"}
    values |= {"outcome": "lcspr"}
    await teams.message(pressed(CHAIR, "decision_form", ref, to=CHAIR, **values), back)
    assert back.updates[-1][2] == (
        f"Decision recorded for {ref}: Commission a Local Child Safeguarding Practice Review."
    )


async def test_a_form_submitted_by_someone_it_was_not_opened_for_is_refused(
    world: World, teams: TeamsInbound, back: RecordingBack
) -> None:
    ref = await held(world)
    values = {
        k: ",".join(v) if isinstance(v, list) else str(v) for k, v in decision_fields().items()
    }
    await teams.message(pressed(OFFICER, "decision_form", ref, to=CHAIR, **values), back)
    assert back.said == [
        "Sorry: this form was opened for someone else, so nothing was recorded. Open your own"
        " with the command, or from your own request card."
    ]
    assert not back.updates


async def test_a_request_card_pressed_by_someone_else_is_refused_in_words(
    world: World, teams: TeamsInbound, back: RecordingBack
) -> None:
    ref = await world.open_with_requests()
    await teams.message(pressed(GP_SPOC, "no_involvement", f"{ref}|la"), back)
    await teams.message(pressed(GP_SPOC, "submit_return", f"{ref}|la"), back)
    assert len(back.said) == 2 and all(s.startswith("Sorry: ") for s in back.said)
    assert not back.updates
    assert (await world.services.status(case_ref=ref, actor=CHAIR)).case.request_for("la").is_open


async def test_a_return_by_card_refuses_a_missing_analysis_then_becomes_a_receipt(
    world: World, teams: TeamsInbound, back: RecordingBack
) -> None:
    ref = await world.open_with_requests()
    await teams.message(pressed(LA_SPOC, "submit_return", f"{ref}|la"), back)
    (_, form, _) = back.updates[-1]
    assert form is not None and [a["data"] for a in actions(form)] == [
        {"action": "return_form", "value": f"{ref}|la", "to": LA_SPOC}
    ]
    submit = {"to": LA_SPOC, "involvement": "full", "records_secured": "no", "documents": ""}
    await teams.message(pressed(LA_SPOC, "return_form", f"{ref}|la", **submit), back)
    (_, again, _) = back.updates[-1]
    assert again is not None
    assert "An agency that was involved gives its analysis or its chronology" in card_text(again)

    submit |= {"analysis": "Known to early help.", "documents": "Chronology.docx"}
    await teams.message(pressed(LA_SPOC, "return_form", f"{ref}|la", **submit), back)
    (card_id, receipt, said) = back.updates[-1]
    assert card_id == "card-1" and receipt is not None and not actions(receipt)
    assert said.startswith(f"Thank you: your full information return for {ref} was recorded")
    request = (await world.services.status(case_ref=ref, actor=CHAIR)).case.request_for("la")
    assert not request.is_open


async def test_a_message_with_a_file_in_the_personal_chat_is_the_return_owed(
    world: World, teams: TeamsInbound, back: RecordingBack
) -> None:
    ref = await world.open_with_requests()
    turn = typed(LA_SPOC, "Our summary is attached.", files=("Summary.pdf",))
    await teams.message(turn, back)
    assert back.said[-1].startswith(f"Thank you: your full information return for {ref}")
    assert "send it in this chat by" in back.said[-1]
    status = await world.services.status(case_ref=ref, actor=CHAIR)
    assert not status.case.request_for("la").is_open


async def test_a_message_from_someone_who_owes_nothing_says_so(
    world: World, teams: TeamsInbound, back: RecordingBack
) -> None:
    await world.open_with_requests()
    await teams.message(typed("uma.rowe@housing.example.org", "Here you go"), back)
    await teams.message(typed(CHAIR, "Here you go"), back)
    assert back.said[0].startswith("Sorry: the bot cannot find you")  # not on the fixture's list
    assert back.said[1].startswith("Sorry: Unknown command 'here'.")


async def test_cases_lists_only_the_persons_open_cases_most_urgent_first(
    world: World, teams: TeamsInbound, back: RecordingBack
) -> None:
    first = await world.open_with_requests()
    second = await world.open(external_ref="LA-0002", agencies=("police",))
    world.at(date(2027, 1, 7), "10:00")  # the first case's returns are overdue now
    await teams.message(typed(LA_SPOC, "cases"), back)
    await teams.message(typed(CHAIR, "cases"), back)
    spoc, chair = (card_text(c) for c in back.cards)
    assert first in spoc and second not in spoc
    assert f"🔴 Red **{first}**" in chair and f"🟠 Amber **{second}**" in chair
    assert chair.index(first) < chair.index(second)


async def test_the_bot_installed_for_someone_welcomes_them_with_their_cases(
    world: World, teams: TeamsInbound, back: RecordingBack
) -> None:
    ref = await world.open_with_requests()
    bot = member("rrbot@bot")
    turn = Turn(member(LA_SPOC), "personal", True, members_added=(bot,), bot_id=bot.id)
    await teams.members_added(turn, back)
    (welcome,) = back.cards
    assert card_text(welcome).startswith("Welcome to Rapid Review.") and ref in card_text(welcome)


async def test_someone_added_to_a_case_chat_who_is_not_on_the_case_is_named_to_the_chair(
    world: World, teams: TeamsInbound, back: RecordingBack
) -> None:
    ref = await world.open_with_requests()
    added = (member(LA_SPOC), member("uma.rowe@housing.example.org"))
    back.emails[member("uma.rowe@housing.example.org").id] = "uma.rowe@housing.example.org"
    in_case_chat = Turn(member(CHAIR), await chat_of(world, ref), False, members_added=added)
    await teams.members_added(in_case_chat, back)
    alerts = [d.text for d in world.transcript.items if "was added to this channel" in d.text]
    assert alerts == [
        f"@Chris Lindqvist Uma Rowe was added to this channel but is not on {ref}. Everything"
        " here is confidential: remove them unless they should be on the case."
    ]


async def test_a_decline_that_breaks_quorum_gives_the_chair_remedies_that_work() -> None:
    world = World("kent-2024")
    teams = TeamsInbound(world.services, TeamsPeople(world.directory), escape)
    back = RecordingBack({member(e).id: e for e in PEOPLE})
    ref = await world.open()
    world.at(date(2026, 12, 18), "11:00")
    await world.services.send_information_requests(case_ref=ref, actor=OFFICER)
    await teams.message(typed(CHAIR, f"schedule {ref}"), back)
    book = next(a for a in actions(back.cards[-1]) if a["title"] == "Book")
    await teams.message(pressed(CHAIR, "book_slot", book["data"]["value"]), back)
    await world.services.record_response(
        case_ref=ref, email=POLICE_DM, response=Response.DECLINED, actor=POLICE_DM
    )
    await teams.message(pressed(CHAIR, "invite_deputy", f"{ref}|{POLICE_DM}"), back)
    assert back.said[-1] == "Invited DCI Harper Vance."
    await teams.message(pressed(CHAIR, "find_slots", ref), back)
    assert "Meeting slots" in card_text(back.cards[-1])


async def test_a_button_the_bot_did_not_make_is_refused_without_repeating_it(
    teams: TeamsInbound, back: RecordingBack
) -> None:
    await teams.message(pressed(CHAIR, "launch_missiles", "<at>x</at>"), back)
    await teams.message(pressed(CHAIR, "book_slot", "LLR-RR-2026-001|yesterday"), back)
    assert back.said[0] == "Sorry: that button cannot be read, so nothing was done."
    assert back.said[1].startswith("Sorry: that Book button cannot be read")


async def test_the_whole_decision_path_runs_from_teams(
    world: World, teams: TeamsInbound, back: RecordingBack
) -> None:
    ref = await held(world)
    values = {
        k: ",".join(v) if isinstance(v, list) else str(v) for k, v in decision_fields().items()
    }
    values |= {"considered_against_criteria": "yes", "national_review_recommended": "no"}
    await teams.message(pressed(CHAIR, "decision_form", ref, to=CHAIR, **values), back)
    for command in ("ratify", "submit", "close"):
        await teams.message(typed(CHAIR, command, chat=await chat_of(world, ref)), back)
    assert back.said[-3] == f"{ref}: decision ratified. Next: @Rapid Review submit {ref}"
    assert back.said[-1] == f"{ref} closed."
    assert (await world.services.status(case_ref=ref, actor=CHAIR)).case.stage is Stage.CLOSED


async def test_a_message_with_nothing_readable_records_nothing(
    world: World, teams: TeamsInbound, back: RecordingBack
) -> None:
    ref = await world.open_with_requests()
    await teams.message(typed(LA_SPOC, ""), back)
    assert back.said[0].startswith("Sorry: that message has no words or files the bot can read")
    assert (await world.services.status(case_ref=ref, actor=CHAIR)).case.request_for("la").is_open


async def test_what_was_typed_never_reaches_a_log_line(
    teams: TeamsInbound, back: RecordingBack, caplog: pytest.LogCaptureFixture
) -> None:
    await teams.message(typed(CHAIR, "Jamie Fictitious"), back)
    await teams.message(pressed(CHAIR, "Testperson", "LLR-RR-2026-001"), back)
    logged = caplog.text.lower()
    assert "teams_command" in logged and "teams_card_submitted" in logged
    assert "jamie" not in logged and "testperson" not in logged
