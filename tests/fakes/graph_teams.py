"""The Teams part of the Graph fake: people by email, group chats and their members, and the
app's installation for chats and for people, mounted into GraphApiFake (graph_api.py).

Permissions are checked per call as Graph checks application permissions, and refused in its
words (403 Forbidden, "Missing role permissions on the request. API requires one of ...").
Installing the app again answers 409 Conflict, as Graph does. A chat made with the app in it,
and a person the app is installed for, are told to the connector fake, so the bot can post
there. `chats`, `installs` and the GraphApiFake's `calls` say what happened. Fictional data.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.graph_api import Answer, Ctx, GraphApiFake, GraphError
from tests.fakes.teams_connector import ConnectorFake, serve
from tests.fakes.threaded import listening

CATALOGUE_APP_ID = "7d4c9e21-0000-4000-8000-0000000ca7a1"  # the app in the org's catalogue
CHAT_CREATE = "Chat.Create"
FOR_CHAT = "TeamsAppInstallation.ReadWriteSelfForChat.All"
FOR_USER = "TeamsAppInstallation.ReadWriteSelfForUser.All"
USERS = "User.ReadBasic.All"
CHAT_MEMBERS = "ChatMember.Read.All"
TEAMS_ROLES = frozenset({CHAT_CREATE, FOR_CHAT, FOR_USER, USERS, CHAT_MEMBERS})
_IN = re.compile(r"^mail in \((.*)\)$")
_QUOTED = re.compile(r"'((?:[^']|'')*)'")
_USER_BIND = re.compile(r"/users\('([^']+)'\)$")
_APP_BIND = re.compile(r"/appCatalogs/teamsApps/([^/]+)$")


@dataclass
class GraphChat:
    id: str
    topic: str
    members: list[str]  # Entra object ids
    apps: set[str] = field(default_factory=set)


class GraphTeams:
    def __init__(self, graph: GraphApiFake, connector: ConnectorFake) -> None:
        self.graph, self.connector = graph, connector
        graph.mount(
            [
                ("/v1.0/users", "GET", self._users, TEAMS_ROLES),
                ("/v1.0/chats", "POST", self._create_chat, TEAMS_ROLES),
                ("/v1.0/chats/{chat}/members", "GET", self._chat_members, TEAMS_ROLES),
                ("/v1.0/chats/{chat}/installedApps", "POST", self._install_in_chat, TEAMS_ROLES),
                ("/v1.0/users/{user}/teamwork/installedApps", "POST", self._install, TEAMS_ROLES),
            ]
        )
        self.reset()

    def reset(self) -> None:
        """Empty, with every Teams permission granted (after the GraphApiFake's reset)."""
        self.graph.granted |= TEAMS_ROLES
        self.people: dict[str, dict[str, str]] = {}  # Entra object id -> user JSON
        self.chats: dict[str, GraphChat] = {}
        self.installs: dict[str, set[str]] = {}  # Entra object id -> app ids installed
        self.leaving: set[str] = set()  # people who leave the tenant as the next chat is made
        self._ids = itertools.count(1)

    def add_person(self, aad_id: str, name: str, email: str) -> None:
        """Someone in the tenant, known to Graph and to the connector."""
        self.people[aad_id] = {
            "id": aad_id,
            "displayName": name,
            "mail": email,
            "userPrincipalName": email,
        }
        self.connector.add_person(aad_id, name, email)

    # -- handlers --------------------------------------------------------------------------

    def _need(self, permission: str) -> None:
        if permission not in self.graph.granted:
            held = ",".join(sorted(self.graph.granted))
            raise GraphError(
                403,
                "Forbidden",
                "Missing role permissions on the request. API requires one of"
                f" '{permission}'. Roles on the request '{held}'.",
            )

    def _users(self, _fake: GraphApiFake, ctx: Ctx) -> Answer:
        self._need(USERS)
        wanted = _IN.match(ctx.query.get("$filter", ""))
        if wanted is None:
            raise GraphError(400, "BadRequest", "Unsupported query: the fake takes mail in (...).")
        emails = [v.replace("''", "'").lower() for v in _QUOTED.findall(wanted.group(1))]
        if len(emails) > 15:
            raise GraphError(400, "BadRequest", "Too many values in the 'in' operator (max 15).")
        value = [u for u in self.people.values() if u["mail"].lower() in emails]
        return 200, {"value": value}

    def _create_chat(self, _fake: GraphApiFake, ctx: Ctx) -> Answer:
        self._need(CHAT_CREATE)
        body = ctx.body if isinstance(ctx.body, dict) else {}
        if body.get("chatType") != "group":
            raise GraphError(400, "BadRequest", "The fake makes group chats only.")
        for aad in self.leaving:
            self.people.pop(aad, None)
        self.leaving.clear()
        members = []
        for member in body.get("members") or []:
            bound = _USER_BIND.search(str(member.get("user@odata.bind", "")))
            if bound is None or bound.group(1) not in self.people:
                raise GraphError(404, "NotFound", "A member of the chat was not found.")
            members.append(bound.group(1))
        apps = {self._app(install) for install in body.get("installedApps") or []}
        if apps:
            self._need(FOR_CHAT)
        chat = GraphChat(f"19:{next(self._ids):08x}case@thread.v2", body.get("topic", ""), members)
        chat.apps = apps
        self.chats[chat.id] = chat
        if CATALOGUE_APP_ID in apps:
            self.connector.add_conversation(chat.id, members)
        return 201, {"id": chat.id, "topic": chat.topic, "chatType": "group"}

    def _chat(self, ctx: Ctx) -> GraphChat:
        chat = self.chats.get(ctx.params["chat"])
        if chat is None:
            raise GraphError(404, "NotFound", "The chat was not found.")
        return chat

    def _chat_members(self, _fake: GraphApiFake, ctx: Ctx) -> Answer:
        self._need(CHAT_MEMBERS)
        chat = self._chat(ctx)
        value = [
            {
                "@odata.type": "#microsoft.graph.aadUserConversationMember",
                "id": f"member-{aad}",
                "userId": aad,
                "displayName": self.people[aad]["displayName"],
                "email": self.people[aad]["mail"],
                "roles": ["owner"],
            }
            for aad in chat.members
        ]
        return 200, {"value": value}

    def _install_in_chat(self, _fake: GraphApiFake, ctx: Ctx) -> Answer:
        self._need(FOR_CHAT)
        chat = self._chat(ctx)
        app = self._app(ctx.body)
        if app in chat.apps:
            raise GraphError(409, "Conflict", "The app is already installed in this chat.")
        chat.apps.add(app)
        self.connector.add_conversation(chat.id, chat.members)
        return 201, None

    def _install(self, _fake: GraphApiFake, ctx: Ctx) -> Answer:
        self._need(FOR_USER)
        aad = ctx.params["user"]
        if aad not in self.people:
            raise GraphError(404, "NotFound", f"User '{aad}' was not found.")
        app = self._app(ctx.body)
        if app in self.installs.setdefault(aad, set()):
            raise GraphError(409, "Conflict", "The app is already installed for this user.")
        self.installs[aad].add(app)
        self.connector.installed.add(aad)
        return 201, None

    @staticmethod
    def _app(body: Any) -> str:
        bound = _APP_BIND.search(str((body or {}).get("teamsApp@odata.bind", "")))
        if bound is None or bound.group(1) != CATALOGUE_APP_ID:
            raise GraphError(404, "NotFound", "The app was not found in the app catalogue.")
        return bound.group(1)


@contextmanager
def serve_teams() -> Iterator[tuple[GraphTeams, ConnectorFake]]:
    """Graph (with its Teams part mounted) and the Bot Connector, each on its own port: the
    Graph fake's `base_url` and the connector's service URL are set until exit. No token
    endpoint: the tests hand Graph a static credential."""
    graph, connector = GraphApiFake(), ConnectorFake()
    teams = GraphTeams(graph, connector)
    with listening(graph.app, name="Graph fake") as port, serve(connector):
        graph.base_url = f"http://127.0.0.1:{port}/v1.0"
        yield teams, connector
