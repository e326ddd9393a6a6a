"""`POST /api/messages`: only an activity the Bot Connector signed for this bot, vouching for
the activity's own serviceUrl, reaches the bot; anything else is refused with 401 and nothing
runs (no reply, no token asked for). The real Teams SDK validates the tokens, through the
configured cloud, against the local issuer fake."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from handlers.slack.interactions import NOT_KNOWN  # the sender is no one in the directory
from tests.fakes.graph_api import GraphApiFake
from tests.fakes.teams_issuer import TeamsIssuerFake
from tests.fakes.threaded import listening
from tests.integration.graph.serving import throwaway_ca
from tests.integration.http.harness import Running, serving, settings_for
from tests.integration.teams.conftest import Serve
from tests.integration.teams.serving import BOT_ID, PERSONAL_CHAT, ConnectorRecorder, message


async def settled(running: Running) -> None:
    """Wait for the work that follows the answers (the replies)."""
    await running.state["teams"].settle()


async def post(running: Running, body: Any, authorization: str | None) -> Any:
    headers = {} if authorization is None else {"Authorization": authorization}
    return await running.client.post("/api/messages", json=body, headers=headers)


async def test_a_signed_message_reaches_the_bot_which_answers_with_the_commands(
    teams: Running,
    teams_issuer: TeamsIssuerFake,
    connector: ConnectorRecorder,
    graph_api: GraphApiFake,
) -> None:
    token = teams_issuer.token(audience=BOT_ID, service_url=connector.base_url)

    answer = await post(teams, message(connector.base_url), f"Bearer {token}")
    await settled(teams)

    assert answer.status_code == 200
    (reply,) = connector.replies
    assert reply.conversation == PERSONAL_CHAT
    assert reply.body["text"] == NOT_KNOWN
    # The reply carries the bot's own token, from the configured login endpoint, for the
    # Bot Framework scope, in the bot's tenant.
    assert reply.authorization.removeprefix("Bearer ") in graph_api.tokens
    (grant,) = graph_api.token_requests
    assert grant["scope"] == "https://api.botframework.com/.default"
    assert grant["client_id"] == BOT_ID


async def test_the_answer_does_not_wait_for_the_reply(
    teams: Running, teams_issuer: TeamsIssuerFake, connector: ConnectorRecorder
) -> None:
    """Teams is answered once the token holds; the bot's own reply follows (a burst of
    messages is not kept waiting on each other's replies)."""
    token = teams_issuer.token(audience=BOT_ID, service_url=connector.base_url)
    connector.hold.clear()  # the connector takes its time
    try:
        answer = await post(teams, message(connector.base_url), f"Bearer {token}")
        assert answer.status_code == 200
        assert connector.replies == []
    finally:
        connector.hold.set()
    await settled(teams)
    assert [reply.body["text"] for reply in connector.replies] == [NOT_KNOWN]


def _refused(answer: Any) -> None:
    assert answer.status_code == 401
    body = answer.json()
    assert body["error"] == "unauthorized"
    assert "valid Bot Framework token" in body["message"]


async def test_a_message_without_a_token_is_refused_and_nothing_runs(
    teams: Running, connector: ConnectorRecorder, graph_api: GraphApiFake
) -> None:
    _refused(await post(teams, message(connector.base_url), None))
    await settled(teams)
    assert connector.replies == [] and graph_api.token_requests == []


async def test_a_token_that_is_not_a_bearer_token_is_refused(
    teams: Running, teams_issuer: TeamsIssuerFake, connector: ConnectorRecorder
) -> None:
    token = teams_issuer.token(audience=BOT_ID, service_url=connector.base_url)
    _refused(await post(teams, message(connector.base_url), f"Basic {token}"))
    _refused(await post(teams, message(connector.base_url), token))
    await settled(teams)
    assert connector.replies == []


@pytest.mark.parametrize(
    ("why", "claims"),
    [
        ("signed with a key the issuer never published", {"forged": True}),
        ("expired an hour ago", {"expires_in": -3600}),
        ("issued to another bot", {"audience": "9d9d9d9d-0000-4000-8000-0000000000bb"}),
        ("from an unexpected issuer", {"issuer": "https://api.botframework.com"}),
        ("vouching for another service URL", {"service_url": "https://smba.example.net/emea"}),
        ("vouching for no service URL", {"service_url": None}),
    ],
)
async def test_a_token_that_does_not_hold_is_refused_and_nothing_runs(
    teams: Running,
    teams_issuer: TeamsIssuerFake,
    connector: ConnectorRecorder,
    graph_api: GraphApiFake,
    why: str,
    claims: dict[str, Any],
) -> None:
    wanted: dict[str, Any] = {"audience": BOT_ID, "service_url": connector.base_url}
    token = teams_issuer.token(**(wanted | claims))

    answer = await post(teams, message(connector.base_url), f"Bearer {token}")

    _refused(answer)
    await settled(teams)
    assert connector.replies == [], why
    assert graph_api.token_requests == []


async def test_an_activity_naming_another_service_url_than_its_token_is_refused(
    teams: Running, teams_issuer: TeamsIssuerFake, connector: ConnectorRecorder
) -> None:
    """Replies go to the activity's serviceUrl: a real token replayed with a serviceUrl of
    the sender's choosing would send the bot's token there."""
    token = teams_issuer.token(audience=BOT_ID, service_url=connector.base_url)
    elsewhere = message("https://attacker.example.net/teams")

    _refused(await post(teams, elsewhere, f"Bearer {token}"))
    await settled(teams)
    assert connector.replies == []


async def test_a_signed_request_whose_body_is_not_an_activity_is_refused(
    teams: Running, teams_issuer: TeamsIssuerFake, connector: ConnectorRecorder
) -> None:
    token = teams_issuer.token(audience=BOT_ID, service_url=connector.base_url)
    for body in (b"not json", b"[1, 2]", b"[" * 50_000):
        answer = await teams.client.post(
            "/api/messages",
            content=body,
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        assert answer.status_code == 400
        assert answer.json()["message"].startswith("The body is not a JSON object")
    assert connector.replies == []


async def test_a_body_over_the_limit_is_refused_before_it_is_read(
    teams: Running, teams_issuer: TeamsIssuerFake, connector: ConnectorRecorder
) -> None:
    token = teams_issuer.token(audience=BOT_ID, service_url=connector.base_url)
    huge = message(connector.base_url, text="x" * 70_000)

    answer = await post(teams, huge, f"Bearer {token}")

    assert answer.status_code == 413
    assert connector.replies == []


async def test_without_teams_the_endpoint_says_teams_is_not_configured(database_url: str) -> None:
    async with serving(settings_for(database_url)) as running:
        answer = await running.client.post("/api/messages", json={"type": "message"})

    assert answer.status_code == 404
    assert answer.json()["message"].startswith("Teams is not configured: set TEAMS_CLIENT_ID")


async def test_a_reply_over_https_trusts_the_ca_bundle(
    serve_teams: Serve,
    teams_issuer: TeamsIssuerFake,
    graph_api: GraphApiFake,
    tmp_path: Path,
) -> None:
    """Behind a TLS-inspecting proxy, the connector's certificate is the proxy's: CA_BUNDLE
    (here one file with both throwaway CAs) is trusted for replies as for the token."""
    proxy_ca, cert, key = throwaway_ca(tmp_path, name="Fictional inspecting proxy CA")
    bundle = both(Path(graph_api.ca_file), proxy_ca, into=tmp_path / "bundle.pem")
    recorder = ConnectorRecorder()
    with listening(recorder.app, name="Bot Connector over HTTPS", tls=(cert, key)) as port:
        connector = f"https://127.0.0.1:{port}"
        token = teams_issuer.token(audience=BOT_ID, service_url=connector)
        async with serve_teams(ca_bundle=str(bundle)) as teams:
            assert (await post(teams, message(connector), f"Bearer {token}")).status_code == 200
            await settled(teams)
        async with serve_teams() as untrusting:  # CA_BUNDLE holds only Entra's CA
            assert (
                await post(untrusting, message(connector), f"Bearer {token}")
            ).status_code == 200
            await settled(untrusting)
    assert [reply.body["text"] for reply in recorder.replies] == [NOT_KNOWN]


def both(first: Path, second: Path, *, into: Path) -> Path:
    into.write_text(first.read_text() + second.read_text())
    return into


async def test_made_up_key_ids_do_not_make_the_bot_fetch_the_keys_again_and_again(
    teams: Running, teams_issuer: TeamsIssuerFake, connector: ConnectorRecorder
) -> None:
    """The SDK's key client fetches the keys synchronously, stalling the whole server
    meanwhile: a token naming a key id it has not seen must not send it to fetch them again
    each time (PyJWT's client refreshes at most once in its 30 s cool-down)."""
    good = teams_issuer.token(audience=BOT_ID, service_url=connector.base_url)
    assert (await post(teams, message(connector.base_url), f"Bearer {good}")).status_code == 200
    fetched = teams_issuer.key_fetches

    for n in range(20):
        made_up = teams_issuer.token(
            audience=BOT_ID, service_url=connector.base_url, key_id=f"made-up-{n}"
        )
        _refused(await post(teams, message(connector.base_url), f"Bearer {made_up}"))
    no_id = teams_issuer.token(audience=BOT_ID, service_url=connector.base_url, key_id=None)
    _refused(await post(teams, message(connector.base_url), f"Bearer {no_id}"))

    assert teams_issuer.key_fetches - fetched <= 1
    assert (await post(teams, message(connector.base_url), f"Bearer {good}")).status_code == 200
