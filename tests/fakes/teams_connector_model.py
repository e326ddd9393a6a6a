"""What the Bot Connector fake (teams_connector.py) holds and records, and the constants and
token provider the tests share with it. Fictional data only."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

BOT_ID = "28:5c1e0b7a-0000-4000-8000-0000000b07e1"  # the bot's account in Teams
CONNECTOR_TOKEN = "connector-test-token"
TEAMS_TENANT = "8f0c5e2a-0000-4000-8000-00000000f4e1"  # the Graph fake's tenant
Json = dict[str, Any]


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    status: int
    token: str | None
    body: Any


@dataclass(frozen=True)
class Received:
    """One activity as it reached the connector: `verb` is "post" or "update"."""

    verb: str
    conversation_id: str
    activity_id: str
    activity: Json


@dataclass
class Person:
    aad_id: str
    name: str
    email: str

    def account(self) -> Json:
        """A TeamsChannelAccount, as the members calls give it."""
        return {
            "id": f"29:{self.aad_id}",
            "aadObjectId": self.aad_id,
            "name": self.name,
            "givenName": self.name.split(" ")[0],
            "surname": self.name.split(" ")[-1],
            "email": self.email,
            "userPrincipalName": self.email,
            "tenantId": TEAMS_TENANT,
            "userRole": "user",
        }


@dataclass
class Conversation:
    id: str
    is_group: bool
    members: list[str]  # AAD object ids
    activities: dict[str, Json] = field(default_factory=dict)  # activity id -> as it is now
    deleted: set[str] = field(default_factory=set)


class BotToken:
    """The bot's side for tests: a Teams SDK token provider handing out the token the fake
    accepts (or `token`, to be refused)."""

    def __init__(self, token: str = CONNECTOR_TOKEN) -> None:
        self.token = token

    def get_app_token(self, scope: str, tenant_id: str | None) -> str:
        return self.token


class ConnectorError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(code)
        self.status, self.code, self.message = status, code, message


def as_object(value: Any) -> Json:
    return value if isinstance(value, dict) else {}


def message_activity(body: Any) -> Json:
    activity = as_object(body)
    if activity.get("type") != "message":
        raise ConnectorError(400, "BadArgument", "The activity type must be message.")
    if not activity.get("text") and not activity.get("attachments"):
        raise ConnectorError(400, "BadArgument", "The activity has no text and no attachment.")
    return activity


def error_body(code: str, message: str) -> Json:
    return {"error": {"code": code, "message": message}}
