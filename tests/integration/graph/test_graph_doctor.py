"""The Outlook part of `rrbot doctor`: each check passes, fails naming what to fix, or says
honestly that it was not checked. Nothing is ever written or sent."""

from __future__ import annotations

from pydantic import SecretStr

from bot.adapters.graph.doctor import Check, check
from bot.config import Settings
from tests.fakes.graph_api import MAILBOX, GraphApiFake
from tests.integration.graph.support import FAST, StaticCredential, graph_settings

NAMES = [
    "configuration",
    "token",
    "mailbox",
    "free/busy (Calendars.ReadBasic)",
    "reading meetings (Calendars.ReadBasic)",
    "booking meetings (Calendars.ReadWrite)",
    "sending mail (Mail.Send)",
    "reading replies (Mail.Read)",
    "finding the bot's sent emails (Mail.Read)",
]


async def run(settings: Settings, fake: GraphApiFake) -> dict[str, Check]:
    """The doctor with the real ClientSecretCredential, trusting the fake's throwaway CA."""
    from bot.adapters.graph.client import client_secret_credential

    credential = client_secret_credential(settings, connection_verify=fake.ca_file)
    try:
        checks = await check(settings, credential, retry=FAST)
    finally:
        await credential.close()
    return {c.name: c for c in checks}


async def test_a_fully_granted_app_passes_every_check_without_side_effects(
    settings: Settings, graph_api: GraphApiFake
) -> None:
    checks = await run(settings, graph_api)

    assert list(checks) == NAMES
    assert all(c.ok for c in checks.values()), checks
    assert checks["token"].detail == (
        "Entra ID issued a token; application permissions: Calendars.ReadWrite, Mail.Read,"
        " Mail.Send, User.ReadBasic.All"
    )
    assert checks["mailbox"].detail == f"{MAILBOX} exists"
    assert checks["sending mail (Mail.Send)"].detail == (
        "Mail.Send is granted (not exercised: that means sending an email)"
    )
    assert graph_api.sent == [] and graph_api.events == {}
    assert {c.method for c in graph_api.calls} <= {"GET", "POST"}
    assert {c.path.rsplit("/", 1)[-1] for c in graph_api.calls if c.method == "POST"} == {
        "getSchedule"
    }


async def test_a_refused_secret_stops_at_the_token(graph_api: GraphApiFake) -> None:
    settings = graph_settings(graph_api, graph_client_secret=SecretStr("an-expired-secret"))

    checks = await run(settings, graph_api)

    assert list(checks) == ["configuration", "token"]
    assert checks["token"] == Check(
        "token",
        False,
        "Microsoft Entra ID refused the app's credentials (AADSTS7000215): the client secret"
        " was refused (wrong, or expired): create a new secret for the app registration and set"
        " GRAPH_CLIENT_SECRET.",
    )
    assert graph_api.calls == []


async def test_each_missing_permission_is_named(
    settings: Settings, graph_api: GraphApiFake
) -> None:
    graph_api.granted = {"Calendars.ReadBasic"}

    checks = await run(settings, graph_api)

    assert checks["free/busy (Calendars.ReadBasic)"].ok
    assert checks["reading meetings (Calendars.ReadBasic)"].ok
    assert checks["mailbox"].ok is None
    assert "could not be looked up without User.ReadBasic.All" in checks["mailbox"].detail
    for name, permission in [
        ("booking meetings (Calendars.ReadWrite)", "Calendars.ReadWrite"),
        ("sending mail (Mail.Send)", "Mail.Send"),
    ]:
        assert checks[name] == Check(
            name,
            False,
            f"the app does not hold the application permission {permission}: grant it to the"
            " app registration and give admin consent",
        )
    for name in ("reading replies (Mail.Read)", "finding the bot's sent emails (Mail.Read)"):
        assert checks[name].ok is False
        assert "lacks the application permission Mail.Read" in checks[name].detail


async def test_a_mailbox_that_does_not_exist_fails_by_name(graph_api: GraphApiFake) -> None:
    settings = graph_settings(graph_api, graph_mailbox="typo@partnership.example.org")

    checks = await run(settings, graph_api)

    assert checks["mailbox"].ok is False
    assert checks["mailbox"].detail.startswith(
        "The partnership mailbox typo@partnership.example.org does not exist in this tenant"
    )
    assert checks["reading replies (Mail.Read)"].ok is False


async def test_permissions_a_token_does_not_list_are_reported_as_not_checked(
    settings: Settings, graph_api: GraphApiFake
) -> None:
    checks = {c.name: c for c in await check(settings, StaticCredential(), retry=FAST)}

    assert checks["token"].detail.endswith("application permissions: not readable from the token")
    assert checks["sending mail (Mail.Send)"] == Check(
        "sending mail (Mail.Send)", None, "cannot be checked without sending an email; not checked"
    )
    assert checks["booking meetings (Calendars.ReadWrite)"].ok is None
    assert checks["reading replies (Mail.Read)"].ok is True


async def test_missing_configuration_is_the_only_check(graph_api: GraphApiFake) -> None:
    settings = graph_settings(graph_api, graph_client_secret=None, graph_mailbox=None)

    assert await check(settings) == [
        Check("configuration", False, "set GRAPH_CLIENT_SECRET, GRAPH_MAILBOX")
    ]


async def test_settings_that_cannot_work_are_a_failed_configuration(
    graph_api: GraphApiFake,
) -> None:
    plain_http = graph_settings(graph_api, graph_base_url="http://graph.example.org/v1.0")
    no_tls = graph_settings(graph_api, graph_authority_host="http://login.example.org")

    assert await check(plain_http) == [
        Check(
            "configuration",
            False,
            "GRAPH_BASE_URL must be an https URL, not 'http://graph.example.org/v1.0'.",
        )
    ]
    [refused] = await check(no_tls)
    assert refused.ok is False and "GRAPH_AUTHORITY_HOST must be an https URL" in refused.detail
