"""`rrbot doctor` checks what this deployment is set up for, says exactly what is missing, and
exits non-zero when something is: the database, Slack's token and scopes, Outlook's token,
mailbox and permissions."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.adapters.slack.scopes import bot_scopes
from bot.cli import cli
from bot.config import Settings
from bot.doctor import diagnose
from tests.fakes.graph_api import GraphApiFake
from tests.fakes.slack_api import BOT_TOKEN, SlackApiFake
from tests.integration.graph.support import graph_settings
from tests.integration.http.harness import settings_for


def configured(database_url: str, slack_api: SlackApiFake, graph_api: GraphApiFake) -> Settings:
    outlook = graph_settings(graph_api, graph_ca_bundle=graph_api.ca_file)
    return settings_for(
        database_url,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret="fictional-signing-secret",
        slack_api_url=slack_api.base_url,
        directory=Path("sample"),  # the fictional people, on purpose
        **{k: getattr(outlook, k) for k in outlook.model_fields_set},
    )


async def test_a_deployment_with_everything_granted_is_healthy(
    database_url: str, slack_api: SlackApiFake, graph_api: GraphApiFake
) -> None:
    slack_api.granted_scopes = bot_scopes()
    findings = await diagnose(configured(database_url, slack_api, graph_api))
    assert [f.line() for f in findings if f.ok is False] == []
    areas = {f.area for f in findings if f.ok}
    assert areas == {"database", "setup", "slack", "outlook"}


async def test_each_missing_grant_is_named_with_what_to_do(
    database_url: str, slack_api: SlackApiFake, graph_api: GraphApiFake
) -> None:
    slack_api.granted_scopes = bot_scopes() - {"im:history", "bookmarks:write"}
    graph_api.granted.discard("Mail.Read")
    findings = await diagnose(configured(database_url, slack_api, graph_api))
    failed = {(f.area, f.name): f.detail for f in findings if f.ok is False}
    assert failed[("slack", "scopes")].startswith("missing bookmarks:write, im:history: add them")
    assert "Mail.Read" in failed[("outlook", "reading replies (Mail.Read)")]
    assert "Mail.Read" in failed[("outlook", "finding the bot's sent emails (Mail.Read)")]
    assert len(failed) == 3


def test_the_command_prints_one_line_a_check_and_fails_when_one_does(
    database_url: str, slack_api: SlackApiFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-not-a-token-slack-knows")
    monkeypatch.setenv("SLACK_API_URL", slack_api.base_url)
    result = CliRunner().invoke(cli, ["doctor"])
    assert result.exit_code == 1
    assert "FAIL  slack    bot token: Slack refused the token (invalid_auth)" in result.output
    assert "xoxb-not-a-token" not in result.output  # a secret is never printed
