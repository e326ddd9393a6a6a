"""`rrbot doctor` for Teams: are the bot's settings whole, does Entra ID give the bot its
tokens (the Bot Connector's and Microsoft Graph's), and does the app hold the Graph
application permissions the bot needs for case chats? Nothing is written and nothing is sent.

Creating a chat or installing the app cannot be tried without doing it, so the permissions
are read from the `roles` claim of the app's own Graph token, which lists the application
permissions granted with admin consent; a token that is not a readable JWT leaves them not
checked (`ok` None), never passing. The tokens come as `rrbot serve` gets them: from the
cloud's login endpoint (or TEAMS_LOGIN_ENDPOINT), instance discovery off, CA_BUNDLE trusted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from azure.core.exceptions import (
    ClientAuthenticationError,
    ServiceRequestError,
    ServiceResponseError,
)

from bot.adapters.graph.doctor import roles_of
from bot.adapters.teams.token import credentials_refused
from bot.adapters.tls import outbound_ssl_context, untrusted_advice, untrusted_certificate
from bot.config import Settings
from bot.domain.errors import InvalidInput
from bot.teams_package import CLIENT_ID_IS, guid

if TYPE_CHECKING:
    from azure.core.credentials_async import AsyncTokenCredential
    from microsoft_teams.api.auth.cloud_environment import CloudEnvironment

TENANT_ID_IS = "the Directory (tenant) ID on the app registration's Overview"
APP_ID_IS = "the App ID the Teams admin centre shows for the uploaded Rapid Review app"
_LOCAL = {"127.0.0.1", "localhost", "::1"}
_FOR_THE_CONNECTOR = "the bot's token for the Bot Connector"
_FOR_GRAPH = "a Microsoft Graph token"


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    ok: bool | None  # None: could not be checked without writing, or not set
    detail: str


@dataclass(frozen=True, slots=True)
class GraphPermission:
    """An application permission the bot needs, with the broader ones that also serve."""

    use: str
    least: str
    broader: tuple[str, ...] = ()

    @property
    def name(self) -> str:
        return f"{self.use} ({self.least})"


# The fewest that work (the README says why each); Graph's docs list the broader ones.
GRAPH_PERMISSIONS = (
    GraphPermission("creating case chats", "Chat.Create"),
    GraphPermission(
        "installing the app in case chats",
        "TeamsAppInstallation.ReadWriteSelfForChat.All",
        ("TeamsAppInstallation.ReadWriteForChat.All",),
    ),
    GraphPermission(
        "installing the app for a person",
        "TeamsAppInstallation.ReadWriteSelfForUser.All",
        ("TeamsAppInstallation.ReadWriteForUser.All",),
    ),
    GraphPermission("finding people by email", "User.ReadBasic.All", ("User.Read.All",)),
)


async def check(settings: Settings) -> list[Check]:
    """Every check in order; stops at the first token Entra ID does not give."""
    try:
        configuration, cloud = _configuration(settings)
    except InvalidInput as err:
        return [Check("configuration", False, err.message)]
    checks = [configuration, _messaging_endpoint(settings)]
    try:
        credential = _credential(settings, cloud.login_endpoint)
    except InvalidInput as err:  # CA_BUNDLE names no usable file
        return [*checks, Check("bot token", False, err.message)]
    try:
        bot, _ = await _token(credential, "bot token", cloud.bot_scope, _FOR_THE_CONNECTOR)
        checks.append(bot)
        if not bot.ok:  # a refused secret or no way to Entra ID: Graph's token would fail too
            return checks
        graph, roles = await _token(credential, "graph token", cloud.graph_scope, _FOR_GRAPH)
        checks.append(graph)
        if graph.ok:
            checks += [_granted(permission, roles) for permission in GRAPH_PERMISSIONS]
    finally:
        await credential.close()
    return checks


def _configuration(settings: Settings) -> tuple[Check, CloudEnvironment]:
    if settings.slack_bot_token is not None:
        raise InvalidInput(
            "SLACK_BOT_TOKEN and TEAMS_* are both set: rrbot serves one chat surface per"
            " deployment; unset the one this partnership does not use."
        )
    needed = {
        "TEAMS_CLIENT_ID": settings.teams_client_id,
        "TEAMS_CLIENT_SECRET": settings.teams_client_secret,
        "TEAMS_TENANT_ID": settings.teams_tenant_id,
        "TEAMS_APP_ID": settings.teams_app_id,
    }
    missing = [name for name, value in needed.items() if not value]
    if missing:
        raise InvalidInput(f"set {', '.join(missing)}")
    client = guid("TEAMS_CLIENT_ID", settings.teams_client_id, CLIENT_ID_IS)
    tenant = guid("TEAMS_TENANT_ID", settings.teams_tenant_id, TENANT_ID_IS)
    app = guid("TEAMS_APP_ID", settings.teams_app_id, APP_ID_IS)
    if app == client:
        raise InvalidInput(
            "TEAMS_APP_ID is the bot's client id, which the catalogue keeps as the app's"
            f" External app ID: set TEAMS_APP_ID to {APP_ID_IS}"
        )
    cloud = _cloud(settings)
    detail = (
        f"the bot {client} in the tenant {tenant} ({settings.teams_cloud} cloud), the app {app}"
        " in the catalogue"
    )
    return Check("configuration", True, detail), cloud


def _cloud(settings: Settings) -> CloudEnvironment:
    """The SDK's cloud (its endpoints and scopes), with TEAMS_LOGIN_ENDPOINT over it."""
    from microsoft_teams.api.auth.cloud_environment import from_name, with_overrides

    base = from_name(settings.teams_cloud)  # TEAMS_CLOUD is validated with the settings
    if settings.teams_login_endpoint is None:
        return base
    login = settings.teams_login_endpoint.strip().rstrip("/")
    parts = urlsplit(login)
    secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in _LOCAL)
    if not parts.hostname or not secure:
        raise InvalidInput(
            f"TEAMS_LOGIN_ENDPOINT must be an https URL, not '{settings.teams_login_endpoint}'."
        )
    return with_overrides(base, login_endpoint=login)


def _messaging_endpoint(settings: Settings) -> Check:
    name = "messaging endpoint"
    base = (settings.public_base_url or "").strip().rstrip("/")
    if not base:
        return Check(
            name,
            None,
            "PUBLIC_BASE_URL is not set: set it to where Teams reaches rrbot serve; the Azure"
            " Bot's messaging endpoint is that address followed by /api/messages",
        )
    if urlsplit(base).scheme != "https" or not urlsplit(base).hostname:
        return Check(
            name, False, f"PUBLIC_BASE_URL must be an https URL (Teams calls https only): '{base}'"
        )
    return Check(name, True, f"the Azure Bot's messaging endpoint must be {base}/api/messages")


def _credential(settings: Settings, login_endpoint: str) -> AsyncTokenCredential:
    """azure-identity's ClientSecretCredential as `rrbot serve` makes it; it asks once."""
    from azure.identity.aio import ClientSecretCredential

    from bot.adapters.graph.trust import TrustingTransport

    assert settings.teams_tenant_id and settings.teams_client_id and settings.teams_client_secret
    trust = outbound_ssl_context(settings.ca_bundles())
    options = {"transport": TrustingTransport(trust)} if trust is not None else {}
    return ClientSecretCredential(
        settings.teams_tenant_id.strip(),
        settings.teams_client_id.strip(),
        settings.teams_client_secret.get_secret_value(),
        authority=login_endpoint,
        disable_instance_discovery=True,  # never ask Microsoft to vouch for the authority
        retry_total=1,
        **options,
    )


async def _token(
    credential: AsyncTokenCredential, name: str, scope: str, what: str
) -> tuple[Check, frozenset[str] | None]:
    try:
        token = await credential.get_token(scope)
    except ClientAuthenticationError as err:
        return Check(name, False, credentials_refused(str(err.message or "")).message), None
    except (ServiceRequestError, ServiceResponseError) as err:
        untrusted = untrusted_certificate(err)
        if untrusted:
            why = f"{untrusted_advice(untrusted)}; then run rrbot doctor again"
        else:
            why = (
                f"{type(err).__name__}. This check asks once: look at the network path to"
                " Microsoft (a proxy needs HTTPS_PROXY, a TLS-inspecting one CA_BUNDLE; another"
                " cloud TEAMS_CLOUD or TEAMS_LOGIN_ENDPOINT), then run rrbot doctor again"
            )
        return Check(
            name, False, f"Microsoft Entra ID could not be reached for {what}: {why}"
        ), None
    roles = roles_of(token.token)
    granted = "not readable from the token"
    if roles is not None:
        granted = ", ".join(sorted(roles)) or "none"
    detail = f"Entra ID issued {what} ({scope}); application permissions: {granted}"
    return Check(name, True, detail), roles


def _granted(permission: GraphPermission, roles: frozenset[str] | None) -> Check:
    if roles is None:
        return Check(permission.name, None, "cannot be read from the token; not checked")
    held = [p for p in (permission.least, *permission.broader) if p in roles]
    if held:
        return Check(permission.name, True, f"{held[0]} is granted (not exercised)")
    return Check(
        permission.name,
        False,
        f"the app does not hold the application permission {permission.least}: grant it to"
        " the bot's app registration (Microsoft Graph, Application permissions) and give"
        " admin consent",
    )
