"""A local HTTP fake of the Bot Connector service (v3, as Teams serves it), for the real Teams
SDK's `ApiClient` to talk to.

It checks what the connector checks and answers in its words (`{"error": {"code",
"message"}}`): the bearer token (401), a 1:1 conversation only with the app installed for
that person (403 "BotNotInConversationRoster") and only with the tenant given (400), the
conversation (404 ConversationNotFound) and the activity (404 ActivityNotFound). Creating the
1:1 conversation again gives the same id, as Teams does. Group chats are made by Graph (see
graph_teams.py, which calls `add_conversation`).

`BotToken` is the token provider to give the SDK's ApiClient. Knobs: `bot_id`, `add_person`,
`add_conversation`, `installed` (AAD object ids the app is installed for), `fail` (429 with
Retry-After, 503 ...), `tokens`. Reading: `calls` (every request, refused ones too),
`received` (every activity as it arrived, posts and updates, in order), `conversations` (what
each conversation holds now). Fictional data only.
"""

from __future__ import annotations

import itertools
import json
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.fakes.teams_connector_model import (
    BOT_ID,
    CONNECTOR_TOKEN,
    TEAMS_TENANT,
    BotToken,
    Call,
    ConnectorError,
    Conversation,
    Json,
    Person,
    Received,
    as_object,
    error_body,
    message_activity,
)
from tests.fakes.threaded import listening

__all__ = ["BOT_ID", "CONNECTOR_TOKEN", "TEAMS_TENANT", "BotToken", "ConnectorFake", "serve"]
__all__ += ["Call", "Conversation", "Person", "Received"]
_FAULT_CODES = {429: "TooManyRequests", 503: "ServiceUnavailable"}


class ConnectorFake:
    def __init__(self) -> None:
        self.base_url = ""  # http://127.0.0.1:port, set by `serve`: the service URL
        self.reset()

    def reset(self) -> None:
        self.calls: list[Call] = []
        self.received: list[Received] = []
        self.tokens: set[str] = {CONNECTOR_TOKEN}
        self.bot_id = BOT_ID  # the bot's account ("28:" and its Entra app id)
        self.people: dict[str, Person] = {}  # AAD object id -> person
        self.installed: set[str] = set()  # AAD object ids the app is installed for
        self.conversations: dict[str, Conversation] = {}
        self._faults: list[tuple[str, str | None, deque[int | None], int]] = []
        self._ids = itertools.count(1)

    # -- knobs -----------------------------------------------------------------------------

    def add_person(self, aad_id: str, name: str, email: str) -> Person:
        person = self.people[aad_id] = Person(aad_id, name, email.lower())
        return person

    def add_conversation(self, conversation_id: str, members: list[str]) -> Conversation:
        """A group chat Graph made with the app in it: the bot can post there now."""
        made = Conversation(conversation_id, is_group=True, members=list(members))
        self.conversations[conversation_id] = made
        return made

    def fail(
        self,
        path_suffix: str,
        *,
        times: int = 1,
        status: int = 429,
        retry_after: int | None = 1,
        method: str | None = None,
    ) -> None:
        """The next `times` calls whose path ends with `path_suffix` (and whose method is
        `method`, when given) answer `status`, with `Retry-After` unless it is None; nothing
        is carried out."""
        self._faults.append((path_suffix, method, deque([retry_after] * times), status))

    # -- reading ---------------------------------------------------------------------------

    def calls_to(self, path_suffix: str, method: str | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.path.endswith(path_suffix) and (method is None or c.method == method)
        ]

    def posted(self, conversation_id: str) -> list[Json]:
        """The activities of a conversation as they are now (updates applied), in order."""
        held = self.conversations[conversation_id]
        return [a for i, a in held.activities.items() if i not in held.deleted]

    # -- HTTP ------------------------------------------------------------------------------

    @property
    def app(self) -> Starlette:
        conversation = "/v3/conversations/{conversation}"
        table = [
            ("/v3/conversations", "POST", self._create_conversation),
            (f"{conversation}/activities", "POST", self._send),
            (f"{conversation}/activities/{{activity}}", "POST", self._send),  # a reply
            (f"{conversation}/activities/{{activity}}", "PUT", self._update),
            (f"{conversation}/activities/{{activity}}", "DELETE", self._delete),
            (f"{conversation}/members", "GET", self._members),
            (f"{conversation}/pagedMembers", "GET", self._paged_members),
            (f"{conversation}/members/{{member}}", "GET", self._member),
        ]
        return Starlette(routes=[Route(p, self._endpoint(h), methods=[m]) for p, m, h in table])

    def _endpoint(self, handler: Any) -> Any:
        async def endpoint(request: Request) -> Response:
            raw = await request.body()
            scheme, _, credential = request.headers.get("authorization", "").partition(" ")
            token = credential.strip() if scheme.lower() == "bearer" else None
            headers: dict[str, str] = {}
            body: Any = None
            try:
                body = json.loads(raw) if raw else None
                status, reply = self._answer(request, handler, token, body, headers)
            except ValueError:
                status, reply = 400, error_body("BadSyntax", "The request body is not valid JSON.")
            except ConnectorError as err:
                status, reply = err.status, error_body(err.code, err.message)
            self.calls.append(Call(request.method, request.url.path, status, token, body))
            if reply is None:
                return Response(status_code=status, headers=headers)
            return JSONResponse(reply, status, headers)

        return endpoint

    def _answer(
        self, request: Request, handler: Any, token: str | None, body: Any, headers: Json
    ) -> tuple[int, Any]:
        if token is None or token not in self.tokens:
            return 401, {"message": "Authorization has been denied for this request."}
        for suffix, only, queue, status in self._faults:
            if queue and request.url.path.endswith(suffix) and only in (None, request.method):
                retry_after = queue.popleft()
                if retry_after is not None:
                    headers["Retry-After"] = str(retry_after)
                return status, error_body(_FAULT_CODES.get(status, "ServiceError"), "Retry later.")
        result: tuple[int, Any] = handler(request.path_params, body)
        return result

    # -- handlers --------------------------------------------------------------------------

    def _create_conversation(self, _params: Json, body: Any) -> tuple[int, Any]:
        body = as_object(body)
        bot = as_object(body.get("bot"))
        if bot.get("id") not in (self.bot_id, self.bot_id.removeprefix("28:")):
            raise ConnectorError(400, "BadArgument", "The bot id is missing or not this bot's.")
        tenant = body.get("tenantId") or as_object(as_object(body.get("channelData")).get("tenant"))
        tenant_id = tenant if isinstance(tenant, str) else tenant.get("id")
        if tenant_id != TEAMS_TENANT:
            raise ConnectorError(400, "BadArgument", "Tenant id is required.")
        members = body.get("members")
        if body.get("isGroup") or not isinstance(members, list) or len(members) != 1:
            raise ConnectorError(400, "BadArgument", "A 1:1 conversation needs one member.")
        aad_id = str(as_object(members[0]).get("id", "")).removeprefix("29:")
        if aad_id not in self.people:
            raise ConnectorError(404, "NotFound", "The user is not found in the tenant.")
        if aad_id not in self.installed:
            raise ConnectorError(
                403, "BotNotInConversationRoster", "The bot is not part of the conversation roster."
            )
        conversation_id = f"a:1on1-{aad_id}"  # the same person: the same conversation
        if conversation_id not in self.conversations:
            self.conversations[conversation_id] = Conversation(conversation_id, False, [aad_id])
        return 201, {"id": conversation_id}

    def _conversation(self, params: Json) -> Conversation:
        held = self.conversations.get(params["conversation"])
        if held is None:
            raise ConnectorError(404, "ConversationNotFound", "Conversation not found.")
        return held

    def _send(self, params: Json, body: Any) -> tuple[int, Any]:
        held = self._conversation(params)
        activity = message_activity(body)
        activity_id = f"1{next(self._ids):012d}"
        held.activities[activity_id] = activity
        self.received.append(Received("post", held.id, activity_id, activity))
        return 201, {"id": activity_id}

    def _update(self, params: Json, body: Any) -> tuple[int, Any]:
        held = self._conversation(params)
        activity_id = params["activity"]
        if activity_id not in held.activities or activity_id in held.deleted:
            raise ConnectorError(404, "ActivityNotFound", "The activity was not found.")
        activity = message_activity(body)
        held.activities[activity_id] = activity
        self.received.append(Received("update", held.id, activity_id, activity))
        return 200, {"id": activity_id}

    def _delete(self, params: Json, _body: Any) -> tuple[int, Any]:
        held = self._conversation(params)
        if params["activity"] not in held.activities:
            raise ConnectorError(404, "ActivityNotFound", "The activity was not found.")
        held.deleted.add(params["activity"])
        return 200, None

    def _accounts(self, held: Conversation) -> list[Json]:
        return [self.people[m].account() for m in held.members if m in self.people]

    def _members(self, params: Json, _body: Any) -> tuple[int, Any]:
        return 200, self._accounts(self._conversation(params))

    def _paged_members(self, params: Json, _body: Any) -> tuple[int, Any]:
        return 200, {"members": self._accounts(self._conversation(params))}

    def _member(self, params: Json, _body: Any) -> tuple[int, Any]:
        held = self._conversation(params)
        wanted = str(params["member"]).removeprefix("29:")
        if wanted not in held.members or wanted not in self.people:
            raise ConnectorError(404, "MemberNotFoundInConversation", "The member was not found.")
        return 200, self.people[wanted].account()


@contextmanager
def serve(fake: ConnectorFake) -> Iterator[ConnectorFake]:
    """Until exit, `fake.base_url` is the service URL the SDK's ApiClient is given."""
    with listening(fake.app, name="Bot Connector fake") as port:
        fake.base_url = f"http://127.0.0.1:{port}"
        yield fake
