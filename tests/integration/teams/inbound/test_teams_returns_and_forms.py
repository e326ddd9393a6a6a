"""Cards submitted and returns sent in Teams, through `POST /api/messages` with signed
tokens, and what the Bot Connector received: the request card becomes the return form and
then the receipt (the same activity, updated); a message with a file in the personal chat is
the return owed; the decision form shows each problem under its field; a form submitted by
someone it was not opened for, or a card pressed by someone it was not sent to, is refused."""

from __future__ import annotations

from tests.integration.teams.inbound.harness import (
    CHAIR,
    GP_SPOC,
    LA_SPOC,
    OFFICER,
    OUTSIDER,
    Teams,
    aad,
    activity,
    card_actions,
    held_meeting,
    personal,
    the_one,
    words,
)
from tests.integration.teams.inbound.test_teams_commands import open_case
from tests.services.test_decision_and_submission import decision_fields

FILE = "application/vnd.microsoft.teams.file.download.info"


def request_card(teams: Teams, ref: str, agency: str, spoc: str) -> str:
    """The information request the bot sent `spoc` in their personal chat when the case
    opened (TeamsChat: its words, and a card whose buttons carry the case and agency): the
    id of that message."""
    held = teams.connector.conversations[personal(spoc)]
    (card_id,) = [
        activity_id
        for activity_id, sent in held.activities.items()
        if any(a["data"].get("value") == f"{ref}|{agency}" for a in card_actions(sent))
    ]
    return card_id


async def test_a_return_by_card_is_checked_then_recorded_and_the_card_becomes_a_receipt(
    teams_bot: Teams,
) -> None:
    ref, _ = await open_case(teams_bot)
    card = request_card(teams_bot, ref, "la", LA_SPOC)
    sent = teams_bot.connector.conversations[personal(LA_SPOC)].activities[card]
    assert words(sent).startswith(f"Information request for {ref} (Children's Social Care).")
    assert "Press **Submit return**, or reply in this chat (files welcome)" in words(sent)
    (submit_return,) = [a for a in card_actions(sent) if a["title"] == "Submit return"]

    (form,) = await teams_bot.submits(LA_SPOC, personal(LA_SPOC), card, submit_return["data"])
    assert (form["_verb"], form["_id"]) == ("update", card)
    (send,) = card_actions(form)
    assert send["data"] == {"action": "return_form", "value": f"{ref}|la", "to": LA_SPOC}

    typed = {
        "involvement": "full",
        "period_from": "2025-03-01",
        "contacts": "Sam Example | Allocated social worker",
        "chronology": "2026-11-03 | Home visit | Social worker | Mosaic 55\n2026-11-31 | Typo",
        "analysis": "",
        "records_secured": "yes",
        "partial": "true",
        "documents": "",
    }
    wrong = send["data"] | typed
    (again,) = await teams_bot.submits(LA_SPOC, personal(LA_SPOC), card, wrong)
    assert again["_id"] == card
    assert "Line 2: 2026-11-31 is not a day of the calendar." in words(again)
    inputs = {i["id"]: i for i in again["attachments"][0]["content"]["body"] if "id" in i}
    assert inputs["chronology"]["value"] == typed["chronology"]  # nothing typed is lost
    assert inputs["contacts"]["value"] == typed["contacts"]
    assert (inputs["partial"]["type"], inputs["partial"]["value"]) == ("Input.Toggle", "true")
    assert inputs["period_from"]["value"] == "2025-03-01"
    assert inputs["involvement"]["type"] == "Input.ChoiceSet"

    right = wrong | {
        "chronology": "2026-11-03 | Home visit | Social worker | Mosaic 55",
        "documents": "Chronology.docx",
    }
    (receipt,) = await teams_bot.submits(LA_SPOC, personal(LA_SPOC), card, right)
    assert receipt["_id"] == card and not card_actions(receipt)
    assert f"Thank you: your full information return for {ref} was recorded" in words(receipt)
    assert "It says more is to follow" in words(receipt)
    status = await teams_bot.services.status(case_ref=ref, actor=CHAIR)
    request = status.case.request_for("la")
    assert not request.is_open and request.is_partial
    assert [c.name for c in request.versions[0].content.contacts] == ["Sam Example"]
    assert "Chronology.docx" in request.summary


async def test_a_request_card_pressed_by_someone_it_was_not_sent_to_is_refused(
    teams_bot: Teams,
) -> None:
    ref, _ = await open_case(teams_bot)
    card = request_card(teams_bot, ref, "la", LA_SPOC)
    data = {"action": "no_involvement", "value": f"{ref}|la"}
    # The card's data, replayed from someone else's client, in their own chat.
    (refusal,) = await teams_bot.submits(GP_SPOC, personal(GP_SPOC), card, data)
    assert refusal["_verb"] == "post" and words(refusal).startswith("Sorry: ")
    status = await teams_bot.services.status(case_ref=ref, actor=CHAIR)
    assert status.case.request_for("la").is_open


async def test_a_message_with_a_file_in_the_personal_chat_is_the_return_owed(
    teams_bot: Teams,
) -> None:
    ref, _ = await open_case(teams_bot)
    file = {
        "contentType": FILE,
        "name": "LA summary.pdf",
        "contentUrl": "https://tenant.example.org/LA%20summary.pdf",
        "content": {"downloadUrl": "https://tenant.example.org/d", "fileType": "pdf"},
    }
    (receipt,) = await teams_bot.says(LA_SPOC, "Our summary, attached.", attachments=[file])
    assert words(receipt).startswith(f"Thank you: your full information return for {ref}")
    request = (await teams_bot.services.status(case_ref=ref, actor=CHAIR)).case.request_for("la")
    assert not request.is_open and "LA summary.pdf" in request.summary


def as_submitted(**changes: object) -> dict[str, str]:
    fields = decision_fields(agencies_taking_part=["la", "police", "gp"], **changes)
    values = {k: ",".join(v) if isinstance(v, list) else str(v) for k, v in fields.items()}
    return values | {"considered_against_criteria": "yes", "national_review_recommended": "no"}


async def test_the_decision_form_shows_each_problem_under_its_field_then_records(
    teams_bot: Teams,
) -> None:
    ref, chat = await open_case(teams_bot)
    await held_meeting(teams_bot, ref)

    (form,) = await teams_bot.mentions(CHAIR, chat, "decision")
    (record,) = card_actions(form)
    assert record["data"] == {"action": "decision_form", "value": ref, "to": CHAIR}

    bad = record["data"] | as_submitted(summary_of_facts=" ", decided_on="2027-02-30")
    (again,) = await teams_bot.submits(CHAIR, chat, form["_id"], bad, group=True)
    assert again["_id"] == form["_id"]
    body = again["attachments"][0]["content"]["body"]
    errors = {e["id"] for e in body if str(e.get("id", "")).endswith("__error")}
    assert errors == {"summary_of_facts__error", "decided_on__error"}
    kept = {e["id"]: e.get("value") for e in body if e.get("id") == "outcome_reasons"}
    assert kept == {"outcome_reasons": "Two agencies did not share information."}

    # Someone else in the case chat cannot submit the chair's form.
    (refused,) = await teams_bot.submits(
        OFFICER, chat, form["_id"], record["data"] | as_submitted(), group=True
    )
    assert words(refused).startswith("Sorry: this form was opened for someone else")

    recorded = the_one(
        await teams_bot.submits(
            CHAIR, chat, form["_id"], record["data"] | as_submitted(), group=True
        ),
        edits=form["_id"],
    )
    assert words(recorded).startswith(f"Decision recorded for {ref}: Commission a Local")
    assert (await teams_bot.services.status(case_ref=ref, actor=CHAIR)).case.decision is not None


async def test_cases_in_the_personal_chat_lists_only_the_persons_cases(teams_bot: Teams) -> None:
    ref, _ = await open_case(teams_bot)
    (mine,) = await teams_bot.says(LA_SPOC, "cases")
    (none,) = await teams_bot.says("uma.rowe@housing.example.org", "cases")
    assert ref in words(mine) and "Your Rapid Reviews" in words(mine)
    assert "You are not on any open case." in words(none) and ref not in words(none)


async def test_someone_added_to_a_case_chat_who_is_not_on_the_case_is_named_to_the_chair(
    teams_bot: Teams,
) -> None:
    ref, chat = await open_case(teams_bot)
    added = {
        "type": "conversationUpdate",
        "membersAdded": [
            {"id": f"29:{aad(LA_SPOC)}", "aadObjectId": aad(LA_SPOC)},
            {"id": f"29:{aad(OUTSIDER)}", "aadObjectId": aad(OUTSIDER)},
        ],
    }
    teams_bot.connector.conversations[chat].members.append(aad(OUTSIDER))  # as Teams adds them
    body = activity(CHAIR, chat, "", group=True) | added
    body.pop("text")
    await teams_bot.send(body)
    alerts = [words(a) for a in teams_bot.connector.posted(chat) if "was added" in words(a)]
    assert alerts == [
        f"<at>Chris Lindqvist</at> {OUTSIDER} was added to this chat but is not on {ref}."
        " Everything here is confidential: remove them unless they should be on the case."
    ]


async def test_the_bot_installed_for_someone_welcomes_them_with_their_cases(
    teams_bot: Teams,
) -> None:
    ref, _ = await open_case(teams_bot)
    body = activity(LA_SPOC, personal(LA_SPOC), "") | {
        "type": "conversationUpdate",
        "membersAdded": [{"id": "28:" + teams_bot.running.container.settings.teams_client_id}],
    }
    body.pop("text")
    before = len(teams_bot.connector.received)
    await teams_bot.send(body)
    (welcome,) = teams_bot.connector.received[before:]
    assert words(welcome.activity).startswith("Welcome to Rapid Review.")
    assert ref in words(welcome.activity)
