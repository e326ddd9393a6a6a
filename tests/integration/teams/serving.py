"""What the Teams tests serve and send: the settings that point the real Teams SDK at the
local fakes (Entra ID's token endpoint from the Graph fake, the issuer fake, a connector that
records the replies), and Bot Framework activities. Every id and name is fictional."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.fakes.graph_api import CLIENT_ID, CLIENT_SECRET, MAILBOX, TENANT, GraphApiFake
from tests.fakes.graph_teams import CATALOGUE_APP_ID
from tests.fakes.teams_issuer import TeamsIssuerFake

# In the tests the bot's Entra app is the Graph fake's app: its token endpoint knows only it.
BOT_ID = CLIENT_ID
CATALOGUE_ID = CATALOGUE_APP_ID  # the app as the Graph fake's catalogue holds it
USER = "29:1fictional-user-alex-example"
PERSONAL_CHAT = "a:1fictional-personal-chat"


@dataclass
class Reply:
    conversation: str
    authorization: str
    body: dict[str, Any]


class ConnectorRecorder:
    """The one Bot Connector call a reply makes (POST /v3/conversations/{id}/activities),
    recorded with its bearer token. The full connector fake is another helper's."""

    def __init__(self) -> None:
        self.base_url = ""  # http://127.0.0.1:port, set when served
        self.replies: list[Reply] = []
        self.hold = threading.Event()  # cleared, each call waits (up to 10 s) until it is set
        self.hold.set()

    @property
    def app(self) -> Starlette:
        async def create(request: Request) -> JSONResponse:
            await asyncio.to_thread(self.hold.wait, 10)
            conversation = request.path_params["conversation"]
            authorization = request.headers.get("authorization", "")
            self.replies.append(Reply(conversation, authorization, await request.json()))
            return JSONResponse({"id": f"reply-{len(self.replies)}"}, status_code=201)

        path = "/v3/conversations/{conversation}/activities"
        return Starlette(routes=[Route(path, create, methods=["POST"])])


def teams_overrides(
    graph: GraphApiFake, issuer: TeamsIssuerFake, connector: ConnectorRecorder
) -> dict[str, object]:
    """Teams and Graph settings on the fakes; CA_BUNDLE trusts the login endpoint's CA."""
    return {
        "graph_tenant_id": TENANT,
        "graph_client_id": CLIENT_ID,
        "graph_client_secret": CLIENT_SECRET,
        "graph_mailbox": MAILBOX,
        "graph_base_url": graph.base_url,
        "graph_authority_host": graph.authority,
        "ca_bundle": graph.ca_file,
        "teams_client_id": BOT_ID,
        "teams_client_secret": CLIENT_SECRET,
        "teams_tenant_id": TENANT,
        "teams_app_id": CATALOGUE_ID,
        "teams_login_endpoint": graph.authority,
        "teams_openid_metadata_url": issuer.metadata_url,
        "teams_token_issuer": issuer.issuer,
        "teams_service_url": connector.base_url,
    }


def message(service_url: str, text: str = "hello", **changes: Any) -> dict[str, Any]:
    """A personal-chat message from a (fictional) person to the bot."""
    body: dict[str, Any] = {
        "type": "message",
        "id": "1700000000001",
        "timestamp": datetime.now(UTC).isoformat(),
        "channelId": "msteams",
        "serviceUrl": service_url,
        "from": {
            "id": USER,
            "name": "Alex Example",
            "aadObjectId": "0f1e2d3c-0000-4000-8000-0000a1e8e8a1",
        },
        "conversation": {"id": PERSONAL_CHAT, "conversationType": "personal", "tenantId": TENANT},
        "recipient": {"id": f"28:{BOT_ID}", "name": "rrbot"},
        "text": text,
        "channelData": {"tenant": {"id": TENANT}},
    }
    body.update(changes)
    return body
