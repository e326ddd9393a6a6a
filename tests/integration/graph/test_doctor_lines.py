"""Each line `rrbot doctor` prints, as a person running it reads it, against the fake Slack
and the fake Graph: the playbook and directory files, a mailbox that does not exist, a Graph
that keeps failing (a one-off check promises no retry), and one token for the whole check."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.adapters.slack.scopes import bot_scopes
from bot.cli import cli
from bot.config import Settings
from bot.directories import SAMPLE
from bot.doctor import diagnose
from tests.fakes.graph_api import MAILBOX, GraphApiFake
from tests.fakes.slack_api import BOT_TOKEN, SlackApiFake
from tests.integration.graph.support import graph_settings
from tests.integration.http.harness import settings_for

GRANTED = "Calendars.ReadWrite, Mail.Read, Mail.Send, User.ReadBasic.All"
FICTIONAL = "the FICTIONAL sample directory (23 people, 8 agencies, all made up, at example.org"


@pytest.fixture
def own_directory(tmp_path: Path) -> Path:
    """A partnership's own directory file (here in the sample's layout and people)."""
    path = tmp_path / "partnership.yaml"
    shutil.copyfile(SAMPLE, path)
    return path


def deployment(
    database_url: str, slack_api: SlackApiFake, graph_api: GraphApiFake, **overrides: Any
) -> Settings:
    slack_api.granted_scopes = bot_scopes()
    outlook = graph_settings(graph_api, graph_ca_bundle=graph_api.ca_file)
    values: dict[str, Any] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": "fictional-signing-secret",
        "slack_api_url": slack_api.base_url,
        **{k: getattr(outlook, k) for k in outlook.model_fields_set},
    }
    return settings_for(database_url, **(values | overrides))


async def lines(settings: Settings) -> list[str]:
    """What the doctor prints, the database's own lines aside (they name the database)."""
    return [f.line() for f in await diagnose(settings) if f.area != "database"]


async def test_a_healthy_deployment_line_by_line(
    database_url: str, slack_api: SlackApiFake, graph_api: GraphApiFake, own_directory: Path
) -> None:
    settings = deployment(database_url, slack_api, graph_api, directory=own_directory)

    assert await lines(settings) == [
        "ok    setup    playbook: llr: Leicester, Leicestershire and Rutland Safeguarding"
        " Children Partnership; the Panel deadline is working day 15, counting day0",
        f"ok    setup    directory: {own_directory}: 23 people, 8 agencies",
        "ok    slack    bot token: the bot is rrbot in Example Partnership",
        "ok    slack    scopes: every scope the bot uses is granted",
        "ok    slack    events: HTTP: Slack's requests to /slack/events are checked with"
        " SLACK_SIGNING_SECRET",
        f"ok    outlook  configuration: mailbox {MAILBOX}",
        f"ok    outlook  token: Entra ID issued a token; application permissions: {GRANTED}",
        f"ok    outlook  mailbox: {MAILBOX} exists",
        "ok    outlook  free/busy (Calendars.ReadBasic): getSchedule works",
        "ok    outlook  reading meetings (Calendars.ReadBasic): the mailbox's events can be read",
        "ok    outlook  booking meetings (Calendars.ReadWrite): Calendars.ReadWrite is granted"
        " (not exercised: that means booking a meeting)",
        "ok    outlook  sending mail (Mail.Send): Mail.Send is granted (not exercised: that"
        " means sending an email)",
        "ok    outlook  reading replies (Mail.Read): the inbox can be read",
        "ok    outlook  finding the bot's sent emails (Mail.Read): Sent Items can be searched"
        " for the bot's own emails",
    ]
    # One token from Entra ID serves every Graph call of the check (it used to ask twice).
    assert len(graph_api.token_requests) == 1


async def test_a_mailbox_that_does_not_exist_cannot_book_or_send(
    database_url: str, slack_api: SlackApiFake, graph_api: GraphApiFake, own_directory: Path
) -> None:
    typo = "rapid.reveiw@partnership.example.org"
    settings = deployment(
        database_url, slack_api, graph_api, directory=own_directory, graph_mailbox=typo
    )

    outlook = [line for line in await lines(settings) if " outlook " in line]

    gone = (
        f"The partnership mailbox {typo} does not exist in this tenant, or has no Exchange"
        " Online mailbox"
    )
    assert outlook == [
        f"ok    outlook  configuration: mailbox {typo}",
        f"ok    outlook  token: Entra ID issued a token; application permissions: {GRANTED}",
        f"FAIL  outlook  mailbox: {gone} (Request_ResourceNotFound); check GRAPH_MAILBOX.",
        f"FAIL  outlook  free/busy (Calendars.ReadBasic): {gone} (ErrorInvalidUser); check"
        " GRAPH_MAILBOX.",
        f"FAIL  outlook  reading meetings (Calendars.ReadBasic): {gone} (ErrorInvalidUser);"
        " check GRAPH_MAILBOX.",
        f"FAIL  outlook  booking meetings (Calendars.ReadWrite): No meeting can be booked in"
        f" {typo}: that mailbox does not exist in this tenant, whatever the app is granted."
        " Set GRAPH_MAILBOX to the partnership mailbox's address.",
        f"FAIL  outlook  sending mail (Mail.Send): No email can be sent from {typo}: that"
        " mailbox does not exist in this tenant, whatever the app is granted. Set"
        " GRAPH_MAILBOX to the partnership mailbox's address.",
        f"FAIL  outlook  reading replies (Mail.Read): {gone} (ErrorInvalidUser); check"
        " GRAPH_MAILBOX.",
        f"FAIL  outlook  finding the bot's sent emails (Mail.Read): {gone} (ErrorInvalidUser);"
        " check GRAPH_MAILBOX.",
    ]


async def test_a_mailbox_found_missing_without_the_lookup_permission_still_fails_both(
    database_url: str, slack_api: SlackApiFake, graph_api: GraphApiFake, own_directory: Path
) -> None:
    """Without User.ReadBasic.All the mailbox line cannot tell; the calendar's 404 does."""
    graph_api.granted.discard("User.ReadBasic.All")
    typo = "nobody@partnership.example.org"
    settings = deployment(
        database_url, slack_api, graph_api, directory=own_directory, graph_mailbox=typo
    )

    found = {line.split(":", 1)[0]: line for line in await lines(settings)}

    assert found["--    outlook  mailbox"].startswith("--    outlook  mailbox: nobody@")
    assert found["FAIL  outlook  booking meetings (Calendars.ReadWrite)"].endswith(
        f"No meeting can be booked in {typo}: that mailbox does not exist in this tenant,"
        " whatever the app is granted. Set GRAPH_MAILBOX to the partnership mailbox's address."
    )
    assert "FAIL  outlook  sending mail (Mail.Send)" in found


async def test_graph_failing_after_its_retries_is_worded_for_a_one_off_check(
    database_url: str, slack_api: SlackApiFake, graph_api: GraphApiFake, own_directory: Path
) -> None:
    graph_api.fail("getSchedule", times=10, status=503, retry_after=None)
    settings = deployment(database_url, slack_api, graph_api, directory=own_directory)

    printed = await lines(settings)

    assert (
        "FAIL  outlook  free/busy (Calendars.ReadBasic): Microsoft Graph answered 503"
        " (ServiceUnavailable) to free/busy (getSchedule), even after retrying. Run rrbot"
        " doctor again in a few minutes." in printed
    )
    assert not [line for line in printed if "tried again later" in line]


async def test_graph_out_of_reach_is_worded_for_a_one_off_check(
    database_url: str, slack_api: SlackApiFake, graph_api: GraphApiFake, own_directory: Path
) -> None:
    nothing_listens = "https://127.0.0.1:9/v1.0"  # the token still comes from the fake
    settings = deployment(
        database_url, slack_api, graph_api, directory=own_directory, graph_base_url=nothing_listens
    )

    found = {line.split(":", 1)[0]: line for line in await lines(settings)}

    assert found["FAIL  outlook  reading meetings (Calendars.ReadBasic)"].endswith(
        "Microsoft Graph could not be reached for listing calendar events (ConnectError). This"
        " check asks once: look at the network path to Microsoft (a proxy needs HTTPS_PROXY,"
        " a TLS-inspecting one CA_BUNDLE), then run rrbot doctor again."
    )
    assert not [line for line in found.values() if "tried again later" in line]


async def test_socket_mode_needs_the_app_token_and_no_signing_secret(
    database_url: str, slack_api: SlackApiFake, graph_api: GraphApiFake, own_directory: Path
) -> None:
    socket = deployment(
        database_url,
        slack_api,
        graph_api,
        directory=own_directory,
        slack_signing_secret=None,
        slack_app_token="xapp-1-fictional",
    )
    neither = deployment(
        database_url, slack_api, graph_api, directory=own_directory, slack_signing_secret=None
    )

    assert [line for line in await lines(socket) if " events:" in line] == [
        "ok    slack    events: Socket Mode: the bot dials out with SLACK_APP_TOKEN (no signing"
        " secret needed)"
    ]
    assert [line for line in await lines(neither) if " events:" in line] == [
        "FAIL  slack    events: set SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode)"
    ]


def test_a_bad_playbook_file_is_named_with_its_line_and_field(
    database_url: str, tmp_path: Path
) -> None:
    bad = tmp_path / "ours.yaml"
    bad.write_text(
        Path("bot/playbooks/llr.yaml")
        .read_text()
        .replace("panel_deadline: 15", "panel_deadline: 0")
    )

    [line] = [f.line() for f in _setup(settings_for(database_url, playbook=str(bad)))[:1]]

    at = 1 + bad.read_text().splitlines().index("panel_deadline: 0  # §4.2.2, §4.9")
    assert line == (
        f"FAIL  setup    playbook: {bad}, line {at}, field panel_deadline: Input should be"
        " greater than or equal to 1"
    )


def test_an_unknown_playbook_is_refused_by_name(database_url: str) -> None:
    [line, _] = [f.line() for f in _setup(settings_for(database_url, playbook="kent-2025"))]
    assert line.startswith("FAIL  setup    playbook: ")
    assert "kent-2025" in line


def test_a_directory_with_a_bad_field_says_which_and_why(database_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "directory.yaml"
    bad.write_text(SAMPLE.read_text().replace("roles: [chair]", "roles: [chiar]", 1))

    [_, line] = [f.line() for f in _setup(settings_for(database_url, directory=bad))]

    assert line == (
        f"FAIL  setup    directory: {bad}, line 7, field people.2.roles.0: Input should be"
        " 'business_officer', 'chair', 'partnership_manager' or 'independent_advisor'"
    )


def test_the_sample_directory_is_called_fictional_and_fails_beside_real_slack(
    database_url: str, slack_api: SlackApiFake
) -> None:
    console = settings_for(database_url, directory=None)
    real = settings_for(
        database_url, directory=None, slack_bot_token=BOT_TOKEN, slack_api_url=slack_api.base_url
    )
    chosen = settings_for(database_url, slack_bot_token=BOT_TOKEN, directory=Path("sample"))

    assert _setup(console)[1].line() == (
        f"--    setup    directory: {FICTIONAL} addresses): fine for the demo and the console;"
        " set DIRECTORY to your partnership's directory file"
    )
    assert _setup(real)[1].line() == (
        f"FAIL  setup    directory: DIRECTORY is not set, so this is {FICTIONAL} addresses),"
        " yet real Slack or Outlook is configured: set DIRECTORY to your partnership's"
        " directory file (the layout of bot/directories/sample.yaml)"
    )
    assert _setup(chosen)[1].line() == (
        f"--    setup    directory: {FICTIONAL} addresses), chosen with DIRECTORY=sample"
    )


def test_the_command_prints_the_setup_lines(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bad = tmp_path / "directory.yaml"
    bad.write_text("people: []\nagencies: []\n")
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("DIRECTORY", str(bad))

    result = CliRunner().invoke(cli, ["doctor"])

    assert result.exit_code == 1
    assert "ok    setup    playbook: llr: Leicester" in result.output
    assert f"FAIL  setup    directory: {bad}" in result.output


def _setup(settings: Settings) -> list[Any]:
    from bot.doctor import _directory, _playbook

    return [_playbook(settings), _directory(settings)]
