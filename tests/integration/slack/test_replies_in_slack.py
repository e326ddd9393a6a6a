"""What a SPOC sends after their return, and what they type outside a request's thread, as
the Slack fake received the bot's answers.

A return can be added to (the file "attached below") until the papers go out; after that
the SPOC is told plainly where to send it instead. A message typed in the DM but not in a
request's thread answers the one request the person owes; with several, or none, the person
is told which requests there are and how to reply. The bot answers once, and never itself.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from bot.adapters.clock import SimulatedClock
from bot.domain.requests import Addition, ReturnKind
from tests.fakes.slack_api import BOT_USER, SlackApiFake
from tests.fakes.slack_methods import conversations_open
from tests.integration.http.harness import Running
from tests.integration.slack.slack_app import (
    LA_SPOC,
    OFFICER,
    event,
    interaction,
    open_case,
    request_dm,
    running,
    workspace,
)
from tests.integration.slack.test_returns_in_slack import (
    PAPERS,
    file_in_thread,
    full_receipt,
    request_of,
    return_values,
    submission,
)

__all__ = ["running"]  # the fixture, used by name


def typed(
    slack_api: SlackApiFake, im: str, user: str, text: str, thread: str | None = None
) -> dict[str, Any]:
    """`user` types `text` in their DM with the bot (in `thread`, or not in any thread)."""
    ts = slack_api.reply_in_thread(im, thread, user, text) if thread else slack_api.ts()
    body = {"type": "message", "channel": im, "channel_type": "im", "user": user,
            "text": text, "ts": ts}  # fmt: skip
    return body | ({"thread_ts": thread} if thread else {})


def bot_said(slack_api: SlackApiFake, im: str, user: str) -> list[str]:
    return [m.text for m in slack_api.messages[im].values() if m.user != user]


async def test_a_file_posted_after_a_typed_return_is_added_to_it(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    spoc = people[LA_SPOC]
    im, request = request_dm(slack_api, spoc)

    await event(running, typed(slack_api, im, spoc, "Full return attached below.", request.ts))
    await running.settle()
    await event(running, file_in_thread(slack_api, im, request.ts, spoc, "la-return.docx"))
    await running.settle()

    returned = await request_of(running, ref, "la")
    assert (returned.return_kind, returned.summary) == (
        ReturnKind.FULL,
        "Full return attached below.",
    )  # the first reply is kept as it was
    on = returned.returned_on
    assert returned.additions == [Addition(on, LA_SPOC, "Files: la-return.docx")]
    assert bot_said(slack_api, im, spoc) == [
        request.text,
        full_receipt(ref),
        f"Added to your full information return for {ref} (addition 1, Fri 18 Dec)."
        f" To add to it (a file, say), post it in the request's thread by {PAPERS}, the day"
        " the papers go out.",
    ]


async def test_after_the_papers_have_gone_out_the_return_is_closed_to_additions(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    spoc = people[LA_SPOC]
    im, request = request_dm(slack_api, spoc)
    await event(running, typed(slack_api, im, spoc, "Full return attached below.", request.ts))
    await running.settle()
    clock = running.container.ctx.clock
    assert isinstance(clock, SimulatedClock)
    clock.set(datetime(2027, 1, 7, 10, 0, tzinfo=UTC))  # the day after the papers went out

    await event(running, file_in_thread(slack_api, im, request.ts, spoc, "late.docx"))
    await running.settle()

    assert (await request_of(running, ref, "la")).additions == []
    assert bot_said(slack_api, im, spoc)[-1] == (
        f"Sorry: The Children's Social Care return for {ref} is closed to additions: the"
        f" papers for the meeting went out on {PAPERS}. Please send it to the business"
        f" officer, Bo Adeyemi ({OFFICER}) instead, who can bring it to the chair's attention."
    )


async def test_a_message_outside_the_thread_answers_the_one_request_the_spoc_owes(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    spoc = people[LA_SPOC]
    im, _ = request_dm(slack_api, spoc)

    await event(running, typed(slack_api, im, spoc, "Factual summary: seen once in 2025."))
    await running.settle()

    returned = await request_of(running, ref, "la")
    assert (returned.return_kind, returned.summary) == (
        ReturnKind.FACTUAL_SUMMARY,
        "Factual summary: seen once in 2025.",
    )
    answer = slack_api.messages[im][max(slack_api.messages[im])]
    assert answer.thread_ts is None  # answered where it was said: the DM itself
    assert answer.text == (
        f"Thank you: your factual summary for {ref} was recorded on Fri 18 Dec. To add to it"
        f" (a file, say), post it in the request's thread by {PAPERS}, the day the papers go"
        " out."
    )


async def test_outside_the_thread_a_returned_request_takes_a_file_but_not_a_thank_you(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    spoc = people[LA_SPOC]
    im, request = request_dm(slack_api, spoc)
    await event(running, typed(slack_api, im, spoc, "Full return attached below.", request.ts))
    await running.settle()

    await event(running, typed(slack_api, im, spoc, "Thanks!"))  # to the receipt, not a return
    await running.settle()
    assert (await request_of(running, ref, "la")).additions == []
    assert bot_said(slack_api, im, spoc)[-1] == (
        "This message was not recorded: it could answer any of these information requests,\n"
        f"• {ref} (Children's Social Care): already returned, this would be added to it\n"
        "To send it, reply in the thread of the request it answers (files welcome), or press"
        " *Submit return* under that request."
    )

    file = file_in_thread(slack_api, im, request.ts, spoc, "la-return.docx")
    await event(running, {k: v for k, v in file.items() if k != "thread_ts"})  # not threaded
    await running.settle()
    returned = await request_of(running, ref, "la")
    assert returned.additions == [Addition(returned.returned_on, LA_SPOC, "Files: la-return.docx")]


async def test_with_two_requests_open_the_spoc_is_asked_which_and_nothing_is_recorded(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    first = await open_case(running)
    second = await open_case(running, external_ref="LA-2026-0043")
    spoc = people[LA_SPOC]
    im = slack_api.ims[spoc]

    await event(running, typed(slack_api, im, spoc, "Here is our return."))
    await running.settle()

    assert (await request_of(running, first, "la")).is_open
    assert (await request_of(running, second, "la")).is_open
    assert bot_said(slack_api, im, spoc)[-1] == (
        "This message was not recorded: it could answer any of these information requests,\n"
        f"• {first} (Children's Social Care)\n• {second} (Children's Social Care)\n"
        "To send it, reply in the thread of the request it answers (files welcome), or press"
        " *Submit return* under that request."
    )


async def test_someone_with_no_request_waiting_gets_a_short_answer_not_silence(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    await open_case(running)
    officer = people[OFFICER]
    im = conversations_open(slack_api, BOT_USER, {"users": officer})["channel"]["id"]

    await event(running, typed(slack_api, im, officer, "hello?"))
    await running.settle()

    assert bot_said(slack_api, im, officer) == [
        "This message was not recorded: no information request is waiting for your answer."
        " When the bot sends your agency one, reply in its thread (files welcome) or press"
        " *Submit return* under it. `/rapidreview help` lists what else the bot does."
    ]


async def test_the_bots_own_messages_and_edits_are_not_answered(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    spoc = people[LA_SPOC]
    im, _ = request_dm(slack_api, spoc)
    before = bot_said(slack_api, im, spoc)

    own = typed(slack_api, im, BOT_USER, "Thank you: your return was recorded.") | {"bot_id": "B1"}
    edited = typed(slack_api, im, spoc, "Nil return.") | {"subtype": "message_changed"}
    deleted = typed(slack_api, im, spoc, "") | {"subtype": "message_deleted"}
    for body in (own, edited, deleted):
        await event(running, body)
    await running.settle()

    assert bot_said(slack_api, im, spoc) == before  # not a word more
    assert (await request_of(running, ref, "la")).is_open


async def test_the_form_submitted_again_is_the_returns_next_version_answered_once_each_time(
    running: Running, slack_api: SlackApiFake
) -> None:
    people = workspace(slack_api)
    ref = await open_case(running)
    spoc = people[LA_SPOC]
    im, request = request_dm(slack_api, spoc)
    first = return_values("full", "Allocated social worker since March.", partial=True)
    again = return_values("full", "Allocated since March; chronology attached.", ("chron.pdf",))

    for values in (first, again):
        await interaction(running, submission(spoc, "return_modal", f"{ref}|la", values))
        await running.settle()

    returned = await request_of(running, ref, "la")
    assert [(v.number, v.content.partial) for v in returned.versions] == [(1, True), (2, False)]
    assert returned.summary.endswith("Files: chron.pdf") and returned.additions == []
    assert bot_said(slack_api, im, spoc) == [
        request.text,
        f"Thank you: your full information return for {ref} was recorded on Fri 18 Dec."
        f" It says more is to follow: send the whole return the same way by {PAPERS}, the"
        " day the papers go out; each version is kept.",
        f"Thank you: version 2 of your full information return for {ref} was recorded on"
        f" Fri 18 Dec, kept with the earlier ones. To add to it (a file, say), post it in"
        f" the request's thread by {PAPERS}, the day the papers go out.",
    ]
