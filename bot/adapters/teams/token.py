"""The bot's own token for the Bot Connector, handed to the SDK through its `token=` option.

Given a client secret, the SDK would build MSAL itself, with instance discovery on: any
authority but Microsoft's public ones is first checked against Microsoft's endpoint, so a
sovereign or proxied login endpoint fails. Here azure-identity gets the token, as for Graph:
authority TEAMS_LOGIN_ENDPOINT (else the cloud's), tenant TEAMS_TENANT_ID, instance discovery
off, the scope the cloud's Bot Framework scope, and CA_BUNDLE trusted besides the public CAs.
Tokens are cached by azure-identity until shortly before they expire.
"""

from __future__ import annotations

import re
import ssl
from typing import Any

from azure.core.credentials_async import AsyncTokenCredential
from azure.core.exceptions import (
    ClientAuthenticationError,
    ServiceRequestError,
    ServiceResponseError,
)

from bot.adapters.tls import untrusted_advice, untrusted_certificate
from bot.config import Settings
from bot.domain.errors import InvalidInput, Unavailable
from bot.logging import get_logger

log = get_logger(__name__)
_AADSTS = re.compile(r"AADSTS(\d{5,7})")


class TeamsTokenUnavailable(Unavailable):
    """Entra ID could not be reached for the bot's token: the outbox tries again later."""

    code = "teams_token_unavailable"


class TeamsCredentialsRefused(TeamsTokenUnavailable):
    """Entra ID refused the bot's credentials. Retried like any unavailability: once an
    administrator fixes the secret, the next attempt succeeds without anyone re-entering it."""

    code = "teams_credentials_refused"


class BotTokenProvider:
    """The SDK's TokenProviderProtocol: app-only tokens for the Bot Connector, nothing else."""

    def __init__(self, credential: AsyncTokenCredential, *, scope: str, tenant_id: str) -> None:
        self.credential = credential
        self.scope = scope
        self.tenant_id = tenant_id

    async def get_app_token(self, scope: str | list[str], tenant_id: str | None) -> str:
        wanted = scope if isinstance(scope, str) else " ".join(scope)
        if wanted != self.scope:
            # Graph goes through the Graph adapter with its own identity and permissions.
            raise InvalidInput(
                f"The Teams credentials give tokens for the Bot Connector ({self.scope}) only,"
                f" not for {wanted}."
            )
        if tenant_id not in (None, self.tenant_id):
            raise InvalidInput(
                "The bot is single-tenant: it takes tokens in TEAMS_TENANT_ID's tenant only."
            )
        try:
            token = await self.credential.get_token(self.scope)
        except ClientAuthenticationError as err:
            log.warning("teams_token", outcome="refused")
            raise credentials_refused(str(err.message or "")) from None
        except (ServiceRequestError, ServiceResponseError) as err:
            untrusted = untrusted_certificate(err)
            log.warning("teams_token", outcome="untrusted" if untrusted else "unreachable")
            why = untrusted_advice(untrusted) if untrusted else type(err).__name__
            raise TeamsTokenUnavailable(
                f"Microsoft Entra ID could not be reached for the bot's Teams token: {why}."
            ) from None
        return token.token

    async def aclose(self) -> None:
        await self.credential.close()


def credentials_refused(message: str) -> TeamsCredentialsRefused:
    """Entra ID's refusal in words that say what to fix; its own message (which may quote the
    request) is not repeated."""
    found = _AADSTS.search(message)
    aadsts = found.group(1) if found else ""
    if "invalid_client" in message or aadsts in ("7000215", "7000222"):
        why = (
            "the client secret was refused (wrong, or expired): create a new secret for the"
            " bot's app registration and set TEAMS_CLIENT_SECRET"
        )
    elif "unauthorized_client" in message or aadsts == "700016":
        why = "no app with TEAMS_CLIENT_ID is registered in the tenant TEAMS_TENANT_ID"
    elif aadsts in ("90002", "900023"):
        why = "the tenant TEAMS_TENANT_ID was not found"
    else:
        why = "check TEAMS_TENANT_ID, TEAMS_CLIENT_ID and TEAMS_CLIENT_SECRET"
    code = f" (AADSTS{aadsts})" if aadsts else ""
    return TeamsCredentialsRefused(
        f"Microsoft Entra ID refused the Teams bot's credentials{code}: {why}."
    )


def bot_token_provider(
    settings: Settings,
    *,
    login_endpoint: str,
    scope: str,
    ssl_context: ssl.SSLContext | None = None,
    **transport: Any,
) -> BotTokenProvider:
    """From TEAMS_TENANT_ID, TEAMS_CLIENT_ID and TEAMS_CLIENT_SECRET; `ssl_context`
    (CA_BUNDLE's) is what the token request trusts unless `transport` says otherwise."""
    from azure.identity.aio import ClientSecretCredential

    from bot.adapters.graph.trust import TrustingTransport

    secret = settings.teams_client_secret
    if not (settings.teams_tenant_id and settings.teams_client_id and secret):
        raise InvalidInput("TEAMS_TENANT_ID, TEAMS_CLIENT_ID and TEAMS_CLIENT_SECRET are needed.")
    options = dict(transport)
    if ssl_context is not None and not {"connection_verify", "transport"} & set(options):
        options["transport"] = TrustingTransport(ssl_context)
    credential = ClientSecretCredential(
        settings.teams_tenant_id,
        settings.teams_client_id,
        secret.get_secret_value(),
        authority=login_endpoint,
        disable_instance_discovery=True,  # never ask Microsoft to vouch for the authority
        **options,
    )
    return BotTokenProvider(credential, scope=scope, tenant_id=settings.teams_tenant_id)
