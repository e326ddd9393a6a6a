"""The Slack return form asks the reply template's questions; each box's problems come back
under that box, naming the line, and nothing is recorded until the form is right."""

from __future__ import annotations

from handlers.slack import return_form
from tests.fakes.slack_api import SlackApiFake
from tests.integration.http.harness import Running
from tests.integration.slack.slack_app import LA_SPOC, interaction, open_case, workspace
from tests.integration.slack.test_returns_in_slack import (
    request_of,
    return_values,
    running,
    submission,
)

__all__ = ["running"]  # the fixture, used by name


def test_the_form_asks_the_templates_questions_in_its_order() -> None:
    view = return_form.return_modal("LLR-RR-2026-001", "la", "Council")
    inputs = {b["block_id"]: b for b in view["blocks"] if b["type"] == "input"}

    assert list(inputs) == [
        "involvement", "period_from", "period_to", "contacts", "chronology", "analysis",
        "learning", "safeguarding_actions", "records_secured", "partial", "files",
    ]  # fmt: skip
    assert [o["value"] for o in inputs["involvement"]["element"]["options"]] == [
        "none",
        "limited",
        "full",
    ]
    assert inputs["period_from"]["element"]["type"] == "datepicker"
    assert inputs["partial"]["element"]["type"] == "checkboxes"
    hint = inputs["chronology"]["hint"]["text"]
    assert hint.startswith("One event a line: date | what happened | who was involved | source.")
    assert "Word template" in hint
    assert inputs["contacts"]["hint"]["text"] == "One a line: name | role"


async def test_each_boxs_problems_come_back_under_it_naming_the_line(
    running: Running, slack_api: SlackApiFake
) -> None:
    spoc = workspace(slack_api)[LA_SPOC]
    ref = await open_case(running)
    values = return_values(
        "full",
        "Known to early help.",
        chronology="2026-11-03 | Home visit\n2026-11-31 | Not a day\n"
        "2026-12-19 | Tomorrow's visit\nsoon | x",
        contacts="Sam Example | Social worker\nJo Example",
    )

    reply = await interaction(running, submission(spoc, "return_modal", f"{ref}|la", values))

    assert reply.json() == {
        "response_action": "errors",
        "errors": {
            "contacts": "Line 2: a key contact is name | role, both given.",
            "chronology": "Line 2: 2026-11-31 is not a day of the calendar. (2 more lines to fix.)",
        },
    }
    await running.settle()
    assert (await request_of(running, ref, "la")).is_open


async def test_a_chronology_dated_after_today_is_refused_on_its_line(
    running: Running, slack_api: SlackApiFake
) -> None:
    spoc = workspace(slack_api)[LA_SPOC]
    ref = await open_case(running)
    values = return_values("limited", chronology="\n18/12/2026 | Seen\n19/12/2026 | Planned visit")

    reply = await interaction(running, submission(spoc, "return_modal", f"{ref}|la", values))

    assert reply.json()["errors"] == {
        "chronology": "Line 3: 2026-12-19 is after today: a chronology records what has happened."
    }


async def test_a_nil_return_needs_only_the_answer_about_records(
    running: Running, slack_api: SlackApiFake
) -> None:
    spoc = workspace(slack_api)[LA_SPOC]
    ref = await open_case(running)

    values = return_values("none", secured="not_yet")
    reply = await interaction(running, submission(spoc, "return_modal", f"{ref}|la", values))
    assert reply.text == ""
    await running.settle()

    returned = await request_of(running, ref, "la")
    assert returned.return_kind.value == "nil"
    assert returned.versions[0].content.records_secured is None
    assert returned.summary == "Involvement: none\nRecords secured: not yet"
