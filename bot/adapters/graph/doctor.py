"""`rrbot doctor` for Outlook: can the app get a token, does the mailbox exist, and which of
the application permissions the bot uses does it hold? Nothing is written and nothing is sent.

Permissions that cannot be exercised without a side effect (booking needs Calendars.ReadWrite,
sending needs Mail.Send) are read from the `roles` claim of the app's own access token, which
lists the application permissions granted with admin consent. When the token is not a
readable JWT they are reported as not checked (`ok` None), never as passing.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from azure.core.exceptions import (
    ClientAuthenticationError,
    ServiceRequestError,
    ServiceResponseError,
)
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.users.item.events.events_request_builder import EventsRequestBuilder
from msgraph.generated.users.item.mail_folders.item.messages.messages_request_builder import (
    MessagesRequestBuilder,
)
from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder

from bot.adapters.graph.calendar import GraphCalendar
from bot.adapters.graph.client import (
    GraphConnection,
    RetryPolicy,
    call,
    client_secret_credential,
    connect,
)
from bot.adapters.graph.errors import GraphNotAuthorised, GraphUnavailable, token_refused
from bot.adapters.graph.factory import missing_settings
from bot.adapters.graph.mail import GraphMail
from bot.adapters.tls import outbound_ssl_context, untrusted_advice, untrusted_certificate
from bot.config import Settings
from bot.domain.errors import DomainError, InvalidInput, NotFound

if TYPE_CHECKING:
    from azure.core.credentials_async import AsyncTokenCredential


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool | None  # None: could not be checked without writing or sending
    detail: str


async def check(
    settings: Settings,
    credential: AsyncTokenCredential | None = None,
    *,
    retry: RetryPolicy | None = None,
) -> list[Check]:
    """Every check in order; stops after the token when there is none to check with."""
    missing = missing_settings(settings, credential_given=credential is not None)
    if missing:
        return [Check("configuration", False, f"set {', '.join(missing)}")]
    assert settings.graph_mailbox is not None
    try:
        trust = outbound_ssl_context(settings.ca_bundles())
        conn = connect(
            credential or client_secret_credential(settings, ssl_context=trust, retry_total=1),
            mailbox=settings.graph_mailbox,
            base_url=settings.graph_base_url,
            retry=retry or RetryPolicy(retries=1, base_delay=0.5, backoff_max=2.0),
            owns_credential=credential is None,
            ssl_context=trust,
        )
    except InvalidInput as err:  # GRAPH_BASE_URL, GRAPH_AUTHORITY_HOST or CA_BUNDLE cannot work
        return [Check("configuration", False, err.message)]
    checks = [Check("configuration", True, f"mailbox {conn.mailbox}")]
    try:
        token, roles = await _token(conn)
        checks.append(token)
        if token.ok:
            checks += await _with_token(conn, roles)
    finally:
        await conn.aclose()
    return checks


async def _token(conn: GraphConnection) -> tuple[Check, frozenset[str] | None]:
    try:
        # Asked as every Graph call asks (kiota requests CAE tokens), so the credential's
        # cache serves the calls below: one token for the whole check, not two.
        token = await conn.credential.get_token(conn.scope, enable_cae=True)
    except ClientAuthenticationError as err:
        return Check("token", False, token_refused(str(err.message or "")).message), None
    except (ServiceRequestError, ServiceResponseError) as err:
        untrusted = untrusted_certificate(err)
        why = untrusted_advice(untrusted) if untrusted else type(err).__name__
        return Check("token", False, f"Microsoft Entra ID could not be reached: {why}."), None
    roles = roles_of(token.token)
    granted = "not readable from the token"
    if roles is not None:
        granted = ", ".join(sorted(roles)) or "none"
    detail = f"Entra ID issued a token; application permissions: {granted}"
    return Check("token", True, detail), roles


async def _with_token(conn: GraphConnection, roles: frozenset[str] | None) -> list[Check]:
    mailbox = conn.mailbox
    user = conn.client.users.by_user_id(mailbox)
    now = datetime.now(UTC)
    calendar = GraphCalendar(conn)
    events = EventsRequestBuilder.EventsRequestBuilderGetQueryParameters(top=1, select=["id"])
    inbox = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(top=1, select=["id"])
    who = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters(select=["id"])
    gone = _Gone(mailbox)
    checks = [
        await _mailbox(conn, user.get(RequestConfiguration(query_parameters=who)), gone),
        await _probe(
            gone,
            "free/busy (Calendars.ReadBasic)",
            lambda: calendar.free_busy(people=[mailbox], start=now, end=now + timedelta(hours=1)),
            "getSchedule works",
        ),
        await _probe(
            gone,
            "reading meetings (Calendars.ReadBasic)",
            lambda: call(
                conn,
                user.events.get(RequestConfiguration(query_parameters=events)),
                what="listing calendar events",
                permission="Calendars.ReadBasic",
            ),
            "the mailbox's events can be read",
        ),
        _granted("booking meetings (Calendars.ReadWrite)", "Calendars.ReadWrite", roles, gone),
        _granted("sending mail (Mail.Send)", "Mail.Send", roles, gone),
        await _probe(
            gone,
            "reading replies (Mail.Read)",
            lambda: call(
                conn,
                user.mail_folders.by_mail_folder_id("inbox").messages.get(
                    RequestConfiguration(query_parameters=inbox)
                ),
                what="reading the inbox",
                permission="Mail.Read",
            ),
            "the inbox can be read",
        ),
        # Emailed returns are trusted only as replies to the bot's own emails, whose ids come
        # from their Sent Items copies found by an extended property: the very query it runs.
        await _probe(
            gone,
            "finding the bot's sent emails (Mail.Read)",
            lambda: GraphMail(conn).sent_copy(send_id="0" * 32),
            "Sent Items can be searched for the bot's own emails",
        ),
    ]
    return checks


@dataclass(slots=True)
class _Gone:
    """Whether a check has found that the mailbox does not exist: then nothing can be booked
    or sent from it, whatever permissions the app holds."""

    mailbox: str
    missing: bool = False

    def saw(self, err: DomainError) -> DomainError:
        # Graph's 404 to these reads: the mailbox itself (no item is named by any of them).
        self.missing = self.missing or isinstance(err, NotFound)
        return err


async def _mailbox(conn: GraphConnection, request: Awaitable[object], gone: _Gone) -> Check:
    name = "mailbox"
    try:
        await call(conn, request, what="looking the mailbox up", permission="User.ReadBasic.All")
    except GraphNotAuthorised:  # reading users: a permission the bot does not otherwise need
        detail = (
            f"{conn.mailbox} could not be looked up without User.ReadBasic.All (not needed"
            " otherwise); the calendar and mail checks below show whether it answers"
        )
        return Check(name, None, detail)
    except DomainError as err:
        return Check(name, False, _once(gone.saw(err)))
    return Check(name, True, f"{conn.mailbox} exists")


async def _probe(
    gone: _Gone, name: str, run: Callable[[], Awaitable[object]], success: str
) -> Check:
    try:
        await run()
    except DomainError as err:
        return Check(name, False, _once(gone.saw(err)))
    return Check(name, True, success)


def _once(err: DomainError) -> str:
    """Graph still unavailable after the client's own retries: the doctor asks once and
    says what to do next (a refusal, e.g. a missing permission, is said as it is)."""
    if not isinstance(err, GraphUnavailable) or isinstance(err, GraphNotAuthorised):
        return err.message
    said = err.message.removesuffix(".")
    if "could not be reached" in said:
        if ":" in said:  # the TLS advice is already in the words
            return f"{said}. Then run rrbot doctor again."
        return (
            f"{said}. This check asks once: look at the network path to Microsoft (a proxy"
            " needs HTTPS_PROXY, a TLS-inspecting one CA_BUNDLE), then run rrbot doctor again."
        )
    return f"{said}, even after retrying. Run rrbot doctor again in a few minutes."


def _granted(
    name: str, permission: str, roles: frozenset[str] | None, gone: _Gone | None = None
) -> Check:
    action = "sending an email" if permission == "Mail.Send" else "booking a meeting"
    if gone is not None and gone.missing:
        what = (
            "No email can be sent from"
            if permission == "Mail.Send"
            else "No meeting can be booked in"
        )
        return Check(
            name,
            False,
            f"{what} {gone.mailbox}: that mailbox does not exist in this tenant, whatever"
            " the app is granted. Set GRAPH_MAILBOX to the partnership mailbox's address.",
        )
    if roles is None:
        return Check(name, None, f"cannot be checked without {action}; not checked")
    if permission in roles:
        return Check(name, True, f"{permission} is granted (not exercised: that means {action})")
    return Check(
        name,
        False,
        f"the app does not hold the application permission {permission}: grant it to the app"
        " registration and give admin consent",
    )


def roles_of(token: str) -> frozenset[str] | None:
    """The `roles` claim of a JWT access token, read without verifying it (it is our own,
    fresh from Entra ID, and only informs this report)."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        payload = json.loads(base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4)))
    except (binascii.Error, ValueError):
        return None
    if not isinstance(payload, dict):
        return None
    roles = payload.get("roles", [])  # no claim at all: no application permission granted
    return frozenset(r for r in roles if isinstance(r, str)) if isinstance(roles, list) else None
