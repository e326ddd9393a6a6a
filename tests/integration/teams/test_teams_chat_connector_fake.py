"""The Bot Connector fake answers the real Teams SDK as the connector would: what it refuses,
what it keeps, and the faults it can be told to give."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from microsoft_teams.api import ApiClient
from microsoft_teams.api.activities.message import MessageActivityInput
from microsoft_teams.api.clients.conversation.params import CreateConversationParams
from microsoft_teams.api.models import Account

from tests.fakes.teams_connector import (
    BOT_ID,
    CONNECTOR_TOKEN,
    TEAMS_TENANT,
    BotToken,
    ConnectorFake,
    serve,
)

# The SDK builds its deprecated bot client in every ApiClient: its noise, not ours.
pytestmark = pytest.mark.filterwarnings("ignore:The bot client is deprecated:DeprecationWarning")
AAD = "0a1b2c3d-0000-4000-8000-00000000a001"


@pytest.fixture(scope="module")
def served() -> Iterator[ConnectorFake]:
    with serve(ConnectorFake()) as fake:
        yield fake


@pytest.fixture
def connector(served: ConnectorFake) -> ConnectorFake:
    served.reset()
    served.add_person(AAD, "Sam Example", "sam.example@agency.example.org")
    return served


def client(fake: ConnectorFake, token: str = CONNECTOR_TOKEN) -> ApiClient:
    return ApiClient(fake.base_url, token_provider=BotToken(token))


def one_to_one(tenant: bool = True) -> CreateConversationParams:
    return CreateConversationParams(
        members=[Account(id=AAD)],
        tenant_id=TEAMS_TENANT if tenant else None,
        channel_data={"tenant": {"id": TEAMS_TENANT}} if tenant else None,
        bot=Account(id=BOT_ID),  # type: ignore[call-arg]
    )


async def test_a_one_to_one_needs_the_app_installed_and_the_tenant(
    connector: ConnectorFake,
) -> None:
    api = client(connector)
    with pytest.raises(httpx.HTTPStatusError) as refused:
        await api.conversations.create(one_to_one())
    assert refused.value.response.status_code == 403
    assert refused.value.response.json()["error"]["code"] == "BotNotInConversationRoster"
    connector.installed.add(AAD)
    with pytest.raises(httpx.HTTPStatusError) as no_tenant:
        await api.conversations.create(one_to_one(tenant=False))
    assert no_tenant.value.response.status_code == 400
    first = await api.conversations.create(one_to_one())
    again = await api.conversations.create(one_to_one())
    assert first.id == again.id  # Teams gives the same 1:1 conversation back


async def test_send_update_delete_and_members(connector: ConnectorFake) -> None:
    connector.add_conversation("19:case@thread.v2", [AAD])
    api = client(connector)
    sent = await api.conversations.create_activity(
        "19:case@thread.v2", MessageActivityInput(text="first")
    )
    await api.conversations.update_activity(
        "19:case@thread.v2", sent.id, MessageActivityInput(text="second")
    )
    assert [a["text"] for a in connector.posted("19:case@thread.v2")] == ["second"]
    assert [(r.verb, r.activity["text"]) for r in connector.received] == [
        ("post", "first"),
        ("update", "second"),
    ]
    (member,) = await api.conversations.get_members("19:case@thread.v2")
    assert member.aad_object_id == AAD
    one = await api.conversations.get_member_by_id("19:case@thread.v2", f"29:{AAD}")
    assert (one.email, one.user_principal_name) == (
        "sam.example@agency.example.org",
        "sam.example@agency.example.org",
    )
    await api.conversations.delete_activity("19:case@thread.v2", sent.id)
    assert connector.posted("19:case@thread.v2") == []
    with pytest.raises(httpx.HTTPStatusError) as gone:
        await api.conversations.update_activity(
            "19:nowhere@thread.v2", "1", MessageActivityInput(text="x")
        )
    assert gone.value.response.json()["error"]["code"] == "ConversationNotFound"


async def test_a_wrong_token_is_refused_and_recorded(connector: ConnectorFake) -> None:
    connector.add_conversation("19:case@thread.v2", [AAD])
    with pytest.raises(httpx.HTTPStatusError) as refused:
        await client(connector, "forged").conversations.create_activity(
            "19:case@thread.v2", MessageActivityInput(text="hello")
        )
    assert refused.value.response.status_code == 401
    assert connector.calls[-1].token == "forged" and connector.received == []


async def test_faults_are_given_then_the_call_goes_through(connector: ConnectorFake) -> None:
    connector.add_conversation("19:case@thread.v2", [AAD])
    connector.fail("/activities", status=429, retry_after=3)
    connector.fail("/activities", status=503, retry_after=None)
    api = client(connector)
    for status, retry_after in [(429, "3"), (503, None)]:
        with pytest.raises(httpx.HTTPStatusError) as fault:
            await api.conversations.create_activity(
                "19:case@thread.v2", MessageActivityInput(text="hello")
            )
        assert fault.value.response.status_code == status
        assert fault.value.response.headers.get("retry-after") == retry_after
    await api.conversations.create_activity("19:case@thread.v2", MessageActivityInput(text="ok"))
    assert [c.status for c in connector.calls] == [429, 503, 201]
    assert [r.activity["text"] for r in connector.received] == ["ok"]
