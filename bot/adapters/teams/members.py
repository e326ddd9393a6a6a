"""The Microsoft Graph side of Teams: people by email, the case chat, the app's installation.

All app-only, each with the fewest application permissions that work: User.ReadBasic.All
(people by email), Chat.Create with TeamsAppInstallation.ReadWriteSelfForChat.All (the case
chat, made with the app already in it, in one call), TeamsAppInstallation.ReadWriteSelfForUser.All
(the app installed for a person before the bot's first 1:1 message; Graph's 409 "already
installed" is success). A 403 is an administrator's fix (a permission or its consent): it is
raised as GraphNotAuthorised, which the outbox retries until it is granted; any other refusal
as GraphUnavailable, retried too (never a silent drop of the case's opening).
"""

from __future__ import annotations

import warnings
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from kiota_abstractions.api_error import APIError

from bot.adapters.graph.client import GraphConnection, call
from bot.adapters.graph.errors import GraphNotAuthorised, GraphUnavailable, clean_code

with warnings.catch_warnings():  # msgraph's builders warn about deprecated classes on import
    warnings.simplefilter("ignore", DeprecationWarning)
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.models.aad_user_conversation_member import (
        AadUserConversationMember,
    )
    from msgraph.generated.models.chat import Chat
    from msgraph.generated.models.chat_type import ChatType
    from msgraph.generated.models.conversation_member import ConversationMember
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError
    from msgraph.generated.models.teams_app_installation import TeamsAppInstallation
    from msgraph.generated.models.user_scope_teams_app_installation import (
        UserScopeTeamsAppInstallation,
    )
    from msgraph.generated.users.users_request_builder import UsersRequestBuilder

T = TypeVar("T")
EMAILS_PER_LOOKUP = 15  # Graph takes at most 15 values in one `in (...)` filter
USERS = "User.ReadBasic.All"
CHAT_CREATE = "Chat.Create and TeamsAppInstallation.ReadWriteSelfForChat.All"
FOR_USER = "TeamsAppInstallation.ReadWriteSelfForUser.All"


@dataclass(frozen=True, slots=True)
class Person:
    """Someone Graph knows in the tenant: their Entra object id (what Teams addresses)."""

    aad_id: str
    name: str


async def find_people(conn: GraphConnection, emails: Sequence[str]) -> dict[str, Person]:
    """Lowercased email -> the person, for those Graph knows by `mail` (one call per 15)."""
    found: dict[str, Person] = {}
    for start in range(0, len(emails), EMAILS_PER_LOOKUP):
        batch = [e.lower() for e in emails[start : start + EMAILS_PER_LOOKUP]]
        quoted = ", ".join("'" + e.replace("'", "''") + "'" for e in batch)
        query = UsersRequestBuilder.UsersRequestBuilderGetQueryParameters(
            filter=f"mail in ({quoted})",
            select=["id", "displayName", "mail", "userPrincipalName"],
            top=EMAILS_PER_LOOKUP,
        )
        what = "finding people by email"
        request = _refusing(
            conn.client.users.get(RequestConfiguration(query_parameters=query)), what, USERS
        )
        page = await call(conn, request, what=what, permission=USERS)
        for user in (page.value if page else None) or []:
            if user.id and user.mail and user.mail.lower() in batch:
                found[user.mail.lower()] = Person(user.id, user.display_name or user.mail)
    return found


async def create_case_chat(
    conn: GraphConnection, *, topic: str, people: Sequence[Person], app_id: str
) -> str:
    """A group chat of `people` named `topic`, with the app installed in it: its id."""
    base = _graph_base(conn)
    members: list[ConversationMember] = [
        AadUserConversationMember(
            odata_type="#microsoft.graph.aadUserConversationMember",
            roles=["owner"],
            additional_data={"user@odata.bind": f"{base}/users('{p.aad_id}')"},
        )
        for p in people
    ]
    app = TeamsAppInstallation(
        additional_data={"teamsApp@odata.bind": f"{base}/appCatalogs/teamsApps/{app_id}"}
    )
    chat = Chat(chat_type=ChatType.Group, topic=topic, members=members, installed_apps=[app])
    request = _refusing(conn.client.chats.post(chat), "creating the case chat", CHAT_CREATE)
    made = await call(conn, request, what="creating the case chat", permission=CHAT_CREATE)
    if made is None or not made.id:
        raise GraphUnavailable("Microsoft Graph created no chat (its answer had no id).")
    return made.id


async def install_for_user(conn: GraphConnection, *, aad_id: str, app_id: str) -> None:
    """The app installed in the person's personal scope, so the bot may message them."""
    base = _graph_base(conn)
    body = UserScopeTeamsAppInstallation(
        additional_data={"teamsApp@odata.bind": f"{base}/appCatalogs/teamsApps/{app_id}"}
    )
    installed = conn.client.users.by_user_id(aad_id).teamwork.installed_apps.post(body)
    what = "installing the app for a person"
    await call(
        conn, _refusing(installed, what, FOR_USER, tolerate=409), what=what, permission=FOR_USER
    )


async def _refusing(
    request: Awaitable[T], what: str, permission: str, *, tolerate: int | None = None
) -> T | None:
    """`request`, with Graph's `tolerate` status as success (None) and its refusals said in
    Teams' terms (the shared wording speaks of a mailbox). Every refusal is a GraphUnavailable:
    the outbox tries again (a member deleted meanwhile is not looked up twice the same way)."""
    try:
        return await request
    except APIError as err:
        status = err.response_status_code or 0
        if status == tolerate:
            return None
        code = "no_error_code"
        if isinstance(err, ODataError) and err.error is not None and err.error.code:
            code = clean_code(err.error.code)
        if status in (401, 403):
            raise GraphNotAuthorised(
                f"Microsoft Graph refused {what} ({status} {code}): the app registration"
                f" probably lacks the application permission {permission} (or admin consent"
                " for it)."
            ) from None
        raise GraphUnavailable(f"Microsoft Graph refused {what} ({status} {code}).") from None


def _graph_base(conn: GraphConnection) -> str:
    """The Graph root that `@odata.bind` links point at: the connection's own (sovereign
    clouds and the tests' fake have their own)."""
    return str(conn.client.request_adapter.base_url).rstrip("/")
