"""Every free-text box of the Slack forms has the limit its record holds, so an over-long
entry is stopped in the box, and one that reaches the bot anyway is refused under its field.
A notification date no real case can have is refused on the form's path too."""

from __future__ import annotations

from typing import Any

from bot.domain.decision import TEXT_MAX_CHARS, DecisionRecord
from handlers.slack import return_form, views
from tests.fakes.slack_api import SlackApiFake
from tests.integration.http.harness import Running
from tests.integration.slack.slack_app import OFFICER, command, interaction, opened_view, workspace
from tests.integration.slack.test_forms_in_slack import (
    decision_values,
    dm_texts,
    new_case_values,
    running,
)
from tests.integration.slack.test_returns_in_slack import return_values, submission

__all__ = ["running"]  # the fixture, used by name
AGENCIES = [("la", "Local authority children's social care"), ("police", "Police")]


def text_boxes(view: dict[str, Any]) -> dict[str, int | None]:
    return {
        b["block_id"]: b["element"].get("max_length")
        for b in view["blocks"]
        if b.get("element", {}).get("type") == "plain_text_input"
    }


def test_every_text_box_of_every_form_has_a_limit() -> None:
    forms = [
        views.new_case_modal(AGENCIES),
        return_form.return_modal("LLR-RR-2026-001", "la", "Local authority"),
        views.decision_modal("LLR-RR-2026-001", AGENCIES, [("chair@example.org", "Chair")]),
    ]
    limits = {field: limit for form in forms for field, limit in text_boxes(form).items()}
    assert None not in limits.values(), limits
    assert limits["external_ref"] == 64
    assert limits["child_names"] == 20 * 102  # twenty names of 100 characters, with commas
    for box in ("analysis", "learning", "safeguarding_actions", "chronology", "contacts"):
        assert limits[box] == TEXT_MAX_CHARS  # what a Slack box holds; the record allows more


def test_each_decision_box_has_the_limit_of_its_field_in_the_record() -> None:
    form = views.decision_modal("LLR-RR-2026-001", AGENCIES, [("chair@example.org", "Chair")])
    for field, limit in text_boxes(form).items():
        if field == "absent_agency_reasons":  # one box, many lines: each reason is bounded
            continue
        schema = DecisionRecord.model_json_schema()["properties"][field]
        assert schema["maxLength"] == limit, field


async def test_an_over_long_decision_field_is_refused_under_that_field(
    running: Running, slack_api: SlackApiFake
) -> None:
    chair = workspace(slack_api)["chris.lindqvist@partnership.example.org"]
    long_facts = {"value": {"type": "plain_text_input", "value": "x" * (TEXT_MAX_CHARS + 1)}}
    values = decision_values(summary_of_facts=long_facts)
    reply = await interaction(
        running, submission(chair, "decision_modal", "LLR-RR-2026-001", values)
    )
    assert reply.json()["errors"] == {"summary_of_facts": "Too long: at most 3000 characters."}


async def test_an_over_long_return_box_is_refused_under_it(
    running: Running, slack_api: SlackApiFake
) -> None:
    spoc = workspace(slack_api)["fay.morrow@council.example.org"]
    long = "x" * (TEXT_MAX_CHARS + 1)
    values = return_values("full", long, chronology="2026-11-03 | " + long)
    reply = await interaction(
        running, submission(spoc, "return_modal", "LLR-RR-2026-001|la", values)
    )
    assert reply.json()["errors"] == {
        "analysis": "Too long: at most 3000 characters.",
        "chronology": "Too long: at most 3000 characters.",
    }


async def test_names_on_the_new_case_form_are_bounded_each_and_in_number(
    running: Running, slack_api: SlackApiFake
) -> None:
    officer = workspace(slack_api)[OFFICER]
    values = new_case_values("LA-2026-0078", "2026-12-18", ["la"])
    names = {"value": {"type": "plain_text_input", "value": "Robin " + "x" * 100}}
    reply = await interaction(
        running, submission(officer, "new_case_modal", "", values | {"child_names": names})
    )
    assert reply.json()["errors"] == {"child_names": "Too long: at most 100 characters each."}
    many = ", ".join(f"Child {i}" for i in range(21))
    names = {"value": {"type": "plain_text_input", "value": many}}
    reply = await interaction(
        running, submission(officer, "new_case_modal", "", values | {"child_names": names})
    )
    assert reply.json()["errors"] == {"child_names": "Too many: at most 20."}


async def test_a_notification_date_before_rapid_reviews_began_is_refused_on_the_form_path(
    running: Running, slack_api: SlackApiFake
) -> None:
    officer = workspace(slack_api)[OFFICER]
    await command(
        running, slack_api, officer, "new", trigger_id=slack_api.trigger(), expect_answer=False
    )
    await opened_view(slack_api, "new_case_modal")
    values = new_case_values("LA-2017-0001", "2017-06-01", ["la"])
    reply = await interaction(running, submission(officer, "new_case_modal", "", values))
    assert reply.status_code == 200
    await running.settle()
    assert (
        "Sorry: notified_on: The notification date must be on or after Monday 1 January 2018:"
        " Rapid Reviews began with Working Together 2018." in dm_texts(slack_api, officer)
    )
    async with running.container.ctx.uow() as uow:
        assert await uow.cases.open_cases() == []
