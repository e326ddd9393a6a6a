"""The Slack app asks for exactly the scopes the bot uses, and no more."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.adapters.slack.scopes import (
    SCOPE_OF_ELEMENT,
    SCOPE_OF_EVENT,
    SCOPE_OF_METHOD,
    bot_scopes,
)
from bot.directories import load_directory
from tests.fakes.slack_api import BOT_TOKEN, SlackApiFake
from tests.integration.http.harness import TOKEN, notification, serving, settings_for

MANIFEST = Path(__file__).parents[3] / "deploy" / "slack-manifest.yaml"


def test_the_manifest_asks_for_exactly_the_scopes_in_use() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == bot_scopes()
    assert [c["command"] for c in manifest["features"]["slash_commands"]] == ["/rapidreview"]


def test_every_form_element_that_needs_a_scope_has_it() -> None:
    from handlers.slack import return_form

    used = {
        block["element"]["type"]
        for view in (return_form.return_modal("LLR-RR-2026-001", "la", "Council"),)
        for block in view["blocks"]
        if block["type"] == "input"
    }
    for element in used & set(SCOPE_OF_ELEMENT):
        assert SCOPE_OF_ELEMENT[element] in bot_scopes()
    assert "file_input" in used


def test_the_manifest_subscribes_to_the_events_the_bot_listens_for() -> None:
    settings = yaml.safe_load(MANIFEST.read_text())["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == set(SCOPE_OF_EVENT)
    assert settings["interactivity"]["is_enabled"] is True  # buttons and forms


async def test_opening_a_case_calls_only_methods_the_manifest_covers(
    slack_api: SlackApiFake, database_url: str
) -> None:
    for person in load_directory().people:
        slack_api.add_user(person.email)
    settings = settings_for(
        database_url, slack_bot_token=BOT_TOKEN, slack_api_url=slack_api.base_url
    )
    async with serving(settings) as running:
        reply = await running.client.post(
            "/notifications", json=notification(), headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert reply.status_code == 201
        await running.container.ctx.chat.direct_message(
            to=load_directory().people[0].email, text="A fictional note."
        )
    used = {call.method for call in slack_api.calls}
    assert used <= set(SCOPE_OF_METHOD), used - set(SCOPE_OF_METHOD)
