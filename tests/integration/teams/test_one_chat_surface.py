"""At start, one chat surface per deployment and a Teams one complete, and nothing in the
environment that would change what the Teams SDK does behind rrbot's back: each refused in
one line that names what to change."""

from __future__ import annotations

import pytest

from bot.domain.errors import InvalidInput
from bot.surfaces import build_for_serving, chat_name
from tests.integration.http.harness import settings_for

GRAPH = {
    "graph_tenant_id": "8f0c5e2a-0000-4000-8000-00000000f4e1",
    "graph_client_id": "3b2d6a10-0000-4000-8000-0000000c11e7",
    "graph_client_secret": "fictional-graph-secret",
    "graph_mailbox": "rapid.review@partnership.example.org",
}
TEAMS = {
    "teams_client_id": "3b2d6a10-0000-4000-8000-0000000c11e7",
    "teams_client_secret": "fictional-teams-secret",
    "teams_tenant_id": "8f0c5e2a-0000-4000-8000-00000000f4e1",
    "teams_app_id": "5e1f0c2b-0000-4000-8000-00000000ca7a",
}


async def refusal(database_url: str, **settings: object) -> str:
    with pytest.raises(InvalidInput) as refused:
        await build_for_serving(settings_for(database_url, **settings), out=None)
    words = refused.value.message
    assert "\n" not in words
    assert "fictional-teams-secret" not in words and "fictional-graph-secret" not in words
    return words


async def test_slack_and_teams_at_once_are_refused(database_url: str) -> None:
    slack = {"slack_bot_token": "xoxb-fictional", "slack_signing_secret": "s"}
    assert await refusal(database_url, **slack, **TEAMS, **GRAPH) == (
        "Both Slack (SLACK_BOT_TOKEN) and Teams (TEAMS_*) are configured: rrbot serves one chat"
        " surface per deployment; unset the settings of the one not used."
    )


async def test_teams_in_part_is_refused_naming_what_is_missing(database_url: str) -> None:
    some = {"teams_client_id": TEAMS["teams_client_id"]}
    assert await refusal(database_url, **some, **GRAPH) == (
        "Teams is configured only in part: TEAMS_CLIENT_SECRET, TEAMS_TENANT_ID and"
        " TEAMS_APP_ID are missing (the bot's app registration and the Teams app's catalogue"
        " id)."
    )
    no_catalogue = {k: v for k, v in TEAMS.items() if k != "teams_app_id"}
    assert "TEAMS_APP_ID is missing" in await refusal(database_url, **no_catalogue, **GRAPH)
    only_a_service_url = {"teams_service_url": "https://smba.trafficmanager.net/emea"}
    assert "TEAMS_CLIENT_ID, TEAMS_CLIENT_SECRET" in await refusal(
        database_url, **only_a_service_url, **GRAPH
    )


async def test_a_client_secret_in_the_environment_is_refused(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The SDK would take CLIENT_SECRET over rrbot's token provider (and its MSAL asks
    Microsoft to vouch for any other login endpoint)."""
    monkeypatch.setenv("CLIENT_SECRET", "a-stray-secret")
    words = await refusal(database_url, **TEAMS, **GRAPH)
    assert words.startswith("CLIENT_SECRET is set (in the environment or .env)")
    assert "TEAMS_CLIENT_SECRET" in words and "a-stray-secret" not in words


@pytest.mark.parametrize("value", ["true", "1", "yes", "On"])
async def test_asking_the_sdk_to_skip_validation_is_refused(
    database_url: str, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS", value)
    assert await refusal(database_url, **TEAMS, **GRAPH) == (
        "DANGEROUSLY_ALLOW_UNAUTHENTICATED_REQUESTS is set: rrbot validates every Teams"
        " request's token and cannot be told not to; unset it."
    )


async def test_a_slack_deployment_pays_no_heed_to_the_sdk_variables(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CLIENT_SECRET may belong to something else on a machine without Teams."""
    monkeypatch.setenv("CLIENT_SECRET", "someone-elses")
    container = await build_for_serving(settings_for(database_url), out=None)
    await container.aclose()


def test_the_chat_surface_is_named_as_configured(database_url: str) -> None:
    assert chat_name(settings_for(database_url, **TEAMS, **GRAPH)) == "teams"
    assert chat_name(settings_for(database_url, slack_bot_token="xoxb-fictional")) == "slack"
    assert chat_name(settings_for(database_url)) == "console"
