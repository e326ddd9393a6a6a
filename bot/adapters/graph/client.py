"""The Graph client for the partnership mailbox, and the one function every Graph call goes
through.

App-only (client credentials): azure-identity's ClientSecretCredential gets the token,
kiota's auth provider puts it on each request. The provider sends the token only to hosts in
its allowed list, and skips the header SILENTLY for any other host, so the list is exactly the
host of GRAPH_BASE_URL: a local fake gets the token, a stray `@odata.nextLink` to another host
does not. Retries are kiota's RetryHandler: 429/503/504, waiting `Retry-After` when the server
sends a positive one and backing off otherwise, at most `RetryPolicy.retries` times.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit
from urllib.request import getproxies, proxy_bypass

import httpx
from azure.core.credentials_async import AsyncTokenCredential
from azure.core.exceptions import (
    ClientAuthenticationError,
    ServiceRequestError,
    ServiceResponseError,
)
from kiota_abstractions.api_error import APIError
from kiota_authentication_azure.azure_identity_authentication_provider import (
    AzureIdentityAuthenticationProvider,
)
from kiota_http.kiota_client_factory import KiotaClientFactory
from kiota_http.middleware import RetryHandler
from kiota_http.middleware.options import RetryHandlerOption
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.graph_request_adapter import GraphRequestAdapter
from msgraph.graph_service_client import GraphServiceClient
from msgraph_core import GraphClientFactory  # type: ignore[import-untyped]
from msgraph_core.middleware import GraphTelemetryHandler  # type: ignore[import-untyped]

from bot.adapters.graph.errors import GraphUnavailable, clean_code, refusal, token_refused
from bot.adapters.tls import untrusted_advice, untrusted_certificate
from bot.config import Settings
from bot.domain.errors import InvalidInput
from bot.logging import get_logger
from bot.observability.metrics import CallOutcome, timed_call

T = TypeVar("T")
log = get_logger(__name__)

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
# Sovereign clouds take a token for their own Graph host; any other host (a proxy, a local
# fake) stands in for the public cloud's Graph.
_SOVEREIGN_GRAPH = {
    "graph.microsoft.us",
    "dod-graph.microsoft.us",
    "microsoftgraph.chinacloudapi.cn",
}
_MICROSOFT_AUTHORITIES = {
    "login.microsoftonline.com",
    "login.microsoftonline.us",
    "login.chinacloudapi.cn",
}
_LOCAL = {"127.0.0.1", "localhost", "::1"}


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """`retries` after the first attempt; `base_delay` is added to each backoff (kiota's
    `RetryHandlerOption.delay`), and a backoff never exceeds `backoff_max` seconds. A positive
    `Retry-After` is waited as sent (kiota gives up when it is 180 s or more)."""

    retries: int = 3
    base_delay: float = 1.0
    backoff_max: float = 30.0


@dataclass(slots=True)
class GraphConnection:
    """One authenticated client acting for one mailbox, shared by the calendar and mail."""

    client: GraphServiceClient
    mailbox: str
    http: httpx.AsyncClient
    transport: httpx.AsyncHTTPTransport
    credential: AsyncTokenCredential
    retry: RetryPolicy
    scope: str = GRAPH_SCOPE
    owns_credential: bool = False

    async def aclose(self) -> None:
        await self.http.aclose()
        # msgraph-core's AsyncGraphTransport wraps the pool without closing it: we do.
        await self.transport.aclose()
        if self.owns_credential:
            await self.credential.close()


def client_secret_credential(
    settings: Settings, *, ssl_context: ssl.SSLContext | None = None, **transport: Any
) -> AsyncTokenCredential:
    """azure-identity's async ClientSecretCredential from GRAPH_TENANT_ID, GRAPH_CLIENT_ID,
    GRAPH_CLIENT_SECRET and GRAPH_AUTHORITY_HOST; `ssl_context` (CA_BUNDLE's) is what the
    token request trusts, unless `transport` says otherwise (`connection_verify`)."""
    from azure.identity.aio import ClientSecretCredential

    from bot.adapters.graph.trust import TrustingTransport

    secret = settings.graph_client_secret
    if not (settings.graph_tenant_id and settings.graph_client_id and secret):
        raise InvalidInput("GRAPH_TENANT_ID, GRAPH_CLIENT_ID and GRAPH_CLIENT_SECRET are needed.")
    options = dict(transport)
    if ssl_context is not None and not {"connection_verify", "transport"} & set(options):
        options["transport"] = TrustingTransport(ssl_context)
    if settings.graph_authority_host:
        authority = authority_url(settings.graph_authority_host)
        options["authority"] = authority
        # Instance discovery asks Microsoft to vouch for the authority: only theirs pass.
        if urlsplit(authority).hostname not in _MICROSOFT_AUTHORITIES:
            options["disable_instance_discovery"] = True
    return ClientSecretCredential(
        settings.graph_tenant_id, settings.graph_client_id, secret.get_secret_value(), **options
    )


def authority_url(host: str) -> str:
    """GRAPH_AUTHORITY_HOST as azure-identity wants it: https, no trailing slash."""
    text = host.strip().rstrip("/")
    if "://" not in text:
        text = f"https://{text}"
    parts = urlsplit(text)
    if parts.scheme != "https" or not parts.hostname:
        raise InvalidInput(
            f"GRAPH_AUTHORITY_HOST must be an https URL or a host name, not '{host}'."
        )
    return text


def connect(
    credential: AsyncTokenCredential,
    *,
    mailbox: str,
    base_url: str,
    retry: RetryPolicy | None = None,
    timeout: float = 30.0,
    owns_credential: bool = False,
    ssl_context: ssl.SSLContext | None = None,
) -> GraphConnection:
    """`ssl_context` is what Graph's certificate must be trusted by (CA_BUNDLE's); None is
    httpx's default (the public CAs)."""
    policy = retry or RetryPolicy()
    base = base_url.strip().rstrip("/")
    parts = urlsplit(base)
    host = parts.hostname
    # kiota refuses plain http except to a local address; say so now, not on the first call.
    if (
        not host
        or parts.scheme not in ("https", "http")
        or (parts.scheme == "http" and host not in _LOCAL)
    ):
        raise InvalidInput(f"GRAPH_BASE_URL must be an https URL, not '{base_url}'.")
    scope = f"https://{host}/.default" if host in _SOVEREIGN_GRAPH else GRAPH_SCOPE
    auth = AzureIdentityAuthenticationProvider(credential, scopes=[scope], allowed_hosts=[host])
    transport = httpx.AsyncHTTPTransport(
        http2=True, verify=ssl_context or True, proxy=_proxy_for(host)
    )
    http = httpx.AsyncClient(timeout=httpx.Timeout(timeout, connect=10.0), transport=transport)
    option = RetryHandlerOption(delay=policy.base_delay, max_retries=policy.retries)
    # kiota's own pipeline (redirects, retries, headers ...), the retry cap set, and the
    # Graph telemetry header (client-request-id, which Microsoft support asks for).
    middleware = KiotaClientFactory.get_default_middleware({option.get_key(): option})
    for handler in middleware:
        if isinstance(handler, RetryHandler):
            handler.backoff_max = policy.backoff_max  # type: ignore[assignment]  # int in kiota
    middleware.append(GraphTelemetryHandler())
    http = GraphClientFactory.create_with_custom_middleware(middleware, client=http)
    adapter = GraphRequestAdapter(auth, client=http)
    adapter.base_url = base
    return GraphConnection(
        client=GraphServiceClient(request_adapter=adapter),
        mailbox=mailbox.strip().lower(),
        http=http,
        transport=transport,
        credential=credential,
        retry=policy,
        scope=scope,
        owns_credential=owns_credential,
    )


async def call(
    conn: GraphConnection,
    request: Awaitable[T],
    *,
    what: str,
    permission: str,
    item: str | None = None,
) -> T:
    """Await one Graph call; log what it was and how it ended (never its content).

    `what` names the operation for people ("free/busy (getSchedule)"), `permission` the
    application permission it needs, `item` what a 404 ErrorItemNotFound means is gone ("the
    calendar event AAMk..."); any other 404 means the mailbox itself is missing. Failures are
    raised `from None`: azure-identity's and kiota's exceptions hold requests, and a token
    request's body holds the client secret.
    """
    started = time.perf_counter()
    try:
        async with timed_call("graph", what, _outcome):
            result = await request
    except ClientAuthenticationError as err:
        log.warning("graph_call", what=what, outcome="token_refused", ms=_ms(started))
        raise token_refused(str(err.message or "")) from None
    except (ServiceRequestError, ServiceResponseError) as err:  # azure-core: the token
        untrusted = untrusted_certificate(err)
        if untrusted is not None:
            log.warning("graph_call", what=what, outcome="entra_untrusted", ms=_ms(started))
            raise GraphUnavailable(
                f"Microsoft Entra ID could not be reached for a token for {what}:"
                f" {untrusted_advice(untrusted)}."
            ) from None
        log.warning("graph_call", what=what, outcome="entra_unreachable", ms=_ms(started))
        raise GraphUnavailable(
            f"Microsoft Entra ID could not be reached for a token for {what}"
            f" ({type(err).__name__})."
        ) from None
    except httpx.TransportError as err:
        untrusted = untrusted_certificate(err)
        if untrusted is not None:
            log.warning("graph_call", what=what, outcome="untrusted", ms=_ms(started))
            raise GraphUnavailable(
                f"Microsoft Graph could not be reached for {what}: {untrusted_advice(untrusted)}."
            ) from None
        log.warning("graph_call", what=what, outcome="unreachable", ms=_ms(started))
        raise GraphUnavailable(
            f"Microsoft Graph could not be reached for {what} ({type(err).__name__})."
        ) from None
    except APIError as err:
        status = err.response_status_code or 0
        code = _code(err)
        log.warning("graph_call", what=what, outcome=f"{status} {code}", ms=_ms(started))
        raise refusal(
            status,
            code,
            mailbox=conn.mailbox,
            what=what,
            permission=permission,
            item=item,
        ) from None
    log.info("graph_call", what=what, outcome="ok", ms=_ms(started))
    return result


def _outcome(err: BaseException) -> CallOutcome:
    """For rrbot_outside_calls: Graph or Entra ID answered with a refusal, or was not reached
    (a connection, TLS or token endpoint failure, a timeout)."""
    return "refused" if isinstance(err, APIError | ClientAuthenticationError) else "unreachable"


def _proxy_for(host: str) -> str | None:
    """HTTPS_PROXY, unless NO_PROXY exempts Graph's host. httpx reads them only for a
    transport it makes itself, and this one is ours (to be closed: see GraphConnection)."""
    proxy = getproxies().get("https")
    return None if proxy is None or proxy_bypass(host) else proxy


def _code(err: APIError) -> str:
    if isinstance(err, ODataError) and err.error is not None and err.error.code:
        return clean_code(err.error.code)
    return "no_error_code"


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
