"""Agencies answer their information request in Slack: through the form, with the *No
involvement* button, or by replying in the request's thread. Each is recorded as the return,
the SPOC gets a receipt and the case channel shows what is outstanding."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain.requests import RequestState, ReturnKind
from tests.fakes.slack_api import SlackApiFake
from tests.fakes.slack_model import Message
from tests.integration.http.harness import Running
from tests.integration.slack.slack_app import (
    LA_SPOC,
    POLICE_SPOC,
    answered,
    button,
    event,
    interaction,
    open_case,
    opened_view,
    request_dm,
    running,
    workspace,
)

__all__ = ["running"]  # the fixture, used by name


def press(
    slack_api: SlackApiFake, user: str, channel: str, message: Message, action: str, value: str
) -> dict[str, Any]:
    """`user` presses a button under the request DM `message`."""
    shown = {"ts": message.ts, "text": message.text, "type": "message"}
    return button(
        slack_api, user, action, value, key=f"press-{action}", channel=channel, message=shown
    )


def submission(user: str, callback: str, meta: str, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "view_submission",
        "user": {"id": user},
        "team": {"id": "T0EXAMPLE1"},
        "api_app_id": "A0EXAMPLE1",
        "token": "deprecated-verification-token",
        "trigger_id": "9.9.9",
        "view": {
            "id": "V0EXAMPLE1",
            "type": "modal",
            "callback_id": callback,
            "private_metadata": meta,
            "state": {"values": values},
        },
    }


def return_values(
    involvement: str | None,
    analysis: str = "",
    files: tuple[str, ...] = (),
    *,
    secured: str | None = "yes",
    partial: bool = False,
    **boxes: str,
) -> Any:
    """The return form as Slack submits it; `boxes` fills contacts, chronology, learning..."""

    def chosen(value: str | None) -> dict[str, Any]:
        picked = {"value": value} if value else None
        return {"value": {"type": "radio_buttons", "selected_option": picked}}

    def typed(value: str) -> dict[str, Any]:
        return {"value": {"type": "plain_text_input", "value": value or None}}

    texts = {"analysis": analysis, "contacts": "", "chronology": "", "learning": ""} | boxes
    return {
        "involvement": chosen(involvement),
        "records_secured": chosen(secured),
        "period_from": {"value": {"type": "datepicker", "selected_date": None}},
        "period_to": {"value": {"type": "datepicker", "selected_date": None}},
        **{name: typed(value) for name, value in texts.items()},
        "partial": {
            "value": {
                "type": "checkboxes",
                "selected_options": [{"value": "partial"}] if partial else [],
            }
        },
        "files": {"value": {"type": "file_input", "files": [{"name": f} for f in files]}},
    }


async def request_of(running: Running, ref: str, agency: str) -> Any:
    async with running.container.ctx.uow() as uow:
        return (await uow.cases.get(ref)).requests[agency]


PAPERS = "Wed 06 Jan"  # day 10 (LLR): the combined summary is circulated; no meeting booked


def full_receipt(ref: str) -> str:
    return (
        f"Thank you: your full information return for {ref} was recorded on Fri 18 Dec."
        f" To add to it (a file, say), post it in the request's thread by {PAPERS}, the day"
        " the papers go out."
    )


def nil_receipt(ref: str) -> str:
    return f"Thank you: your nil return (no involvement) for {ref} was recorded on Fri 18 Dec."


def file_in_thread(
    slack_api: SlackApiFake, im: str, thread: str, user: str, name: str
) -> dict[str, Any]:
    """`user` posts the file `name` in the thread `thread` of their DM with the bot."""
    ts = slack_api.reply_in_thread(im, thread, user, "")
    return {"type": "message", "subtype": "file_share", "channel": im, "channel_type": "im",
            "user": user, "text": "", "ts": ts, "thread_ts": thread,
            "files": [{"id": "F0000001", "name": name}]}  # fmt: skip


def said_in(slack_api: SlackApiFake, channel: str) -> list[str]:
    return [m.text for m in slack_api.messages.get(channel, {}).values()]


async def test_the_request_dm_carries_the_deadline_the_buttons_and_what_it_is_about(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    _, request = request_dm(slack_api, people[LA_SPOC])
    assert f"Information request for {ref}" in request.text and "by " in request.text
    assert request.metadata == {
        "event_type": "rapid_review_information_request",
        "event_payload": {"case_ref": ref, "agency": "la"},
    }
    assert request.blocks is not None
    (actions,) = [b for b in request.blocks if b["type"] == "actions"]
    assert [(e["action_id"], e["value"]) for e in actions["elements"]] == [
        ("submit_return", f"{ref}|la"),
        ("no_involvement", f"{ref}|la"),
    ]


async def test_a_spoc_submits_a_return_through_the_form(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    spoc = people[LA_SPOC]
    im, request = request_dm(slack_api, spoc)

    pressed = await interaction(
        running, press(slack_api, spoc, im, request, "submit_return", f"{ref}|la")
    )
    assert pressed.status_code == 200
    opened = await opened_view(slack_api, "return_modal")
    assert opened["callback_id"] == "return_modal" and opened["private_metadata"] == f"{ref}|la"

    values = return_values(
        "full",
        "Allocated social worker since March.",
        ("return.pdf",),
        contacts="Sam Example | Allocated social worker",
        chronology="2026-11-03 | Home visit; mother seen | Social worker | Mosaic note 55\n\n"
        "04/11/2026 to 2026-11-06 | Strategy discussion | MASH | Mosaic note 61",
    )
    submitted = await interaction(running, submission(spoc, "return_modal", f"{ref}|la", values))
    assert submitted.status_code == 200 and submitted.text == ""  # the modal closes
    await running.settle()

    returned = await request_of(running, ref, "la")
    assert returned.state is RequestState.RETURNED
    assert returned.return_kind is ReturnKind.FULL
    (version,) = returned.versions
    assert [(e.on, e.until, e.source) for e in version.content.chronology] == [
        (date(2026, 11, 3), None, "Mosaic note 55"),
        (date(2026, 11, 4), date(2026, 11, 6), "Mosaic note 61"),
    ]
    assert [c.role for c in version.content.contacts] == ["Allocated social worker"]
    assert version.content.records_secured is True and not version.content.partial
    assert returned.summary.startswith("Involvement: full\nKey contacts:")
    assert returned.summary.endswith("Records secured: yes\nFiles: return.pdf")
    assert said_in(slack_api, im) == [request.text, full_receipt(ref)]  # one receipt, here
    channel = slack_api.by_name(ref.lower())
    assert channel is not None
    assert any("returned a full information return" in t for t in said_in(slack_api, channel.id))


async def test_a_form_without_its_required_fields_is_refused_field_by_field(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    spoc = people[LA_SPOC]

    nothing = submission(spoc, "return_modal", f"{ref}|la", return_values(None, secured=None))
    reply = await interaction(running, nothing)
    assert reply.json() == {
        "response_action": "errors",
        "errors": {
            "involvement": "Choose how far your agency was involved.",
            "records_secured": "Say whether your records are secured.",
        },
    }
    empty_full = submission(spoc, "return_modal", f"{ref}|la", return_values("full"))
    reply = await interaction(running, empty_full)
    assert reply.json()["errors"] == {
        "analysis": "An agency that was involved gives its analysis or its chronology"
    }
    await running.settle()
    assert (await request_of(running, ref, "la")).is_open  # nothing was recorded


async def test_no_involvement_records_a_nil_return_and_takes_the_buttons_away(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    spoc = people[POLICE_SPOC]
    im, request = request_dm(slack_api, spoc)

    await interaction(
        running, press(slack_api, spoc, im, request, "no_involvement", f"{ref}|police")
    )
    await running.settle()

    returned = await request_of(running, ref, "police")
    assert returned.return_kind is ReturnKind.NIL
    answer = await answered(running, slack_api, "press-no_involvement")
    assert answer["replace_original"] is True
    assert answer["text"] == f"{request.text}\n{nil_receipt(ref)}"
    assert said_in(slack_api, im) == [request.text]  # no second receipt by direct message


async def test_only_the_agencys_own_spoc_or_the_office_can_answer_for_it(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    im, request = request_dm(slack_api, people[LA_SPOC])
    police = people[POLICE_SPOC]  # on the case, but the police SPOC, not the council's

    await interaction(running, press(slack_api, police, im, request, "submit_return", f"{ref}|la"))
    await running.settle()

    answer = await answered(running, slack_api, "press-submit_return")
    assert slack_api.views == {}  # no form opened
    assert answer["text"].startswith("Sorry: Only a business officer")
    assert (await request_of(running, ref, "la")).is_open


async def test_a_reply_in_the_request_thread_is_recorded_as_the_return(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    spoc = people[POLICE_SPOC]
    im, request = request_dm(slack_api, spoc)
    text = "Not known to us: no police involvement with the family."
    ts = slack_api.reply_in_thread(im, request.ts, spoc, text)

    reply = await event(
        running,
        {
            "type": "message",
            "channel": im,
            "channel_type": "im",
            "user": spoc,
            "text": text,
            "ts": ts,
            "thread_ts": request.ts,
        },
    )
    assert reply.status_code == 200
    await running.settle()

    returned = await request_of(running, ref, "police")
    assert (returned.return_kind, returned.summary) == (ReturnKind.NIL, text)
    bot = [m.text for m in slack_api.messages[im].values() if m.user != spoc]
    assert bot == [request.text, nil_receipt(ref)]  # one receipt, in the thread
    thread = [m for m in slack_api.messages[im].values() if m.thread_ts == request.ts]
    assert thread[-1].text == nil_receipt(ref)


async def test_a_file_posted_in_the_thread_is_a_full_return(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    spoc = people[LA_SPOC]
    im, request = request_dm(slack_api, spoc)

    await event(running, file_in_thread(slack_api, im, request.ts, spoc, "la-return.docx"))
    await running.settle()

    returned = await request_of(running, ref, "la")
    assert (returned.return_kind, returned.summary) == (ReturnKind.FULL, "Files: la-return.docx")
