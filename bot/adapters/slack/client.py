"""The Slack Web API client and the one function every Slack call goes through.

`make_web_client` sets the base URL (`SLACK_API_URL`; tests point it at a local fake) and the
retry policy, using slack_sdk's own handlers: a 429 waits for `Retry-After`, a 500/503 and a
dropped connection back off exponentially. The handlers share one attempt counter, so a call
is tried at most `1 + retries` times whatever mix of failures it meets.
"""

from __future__ import annotations

import ssl
import time
from collections.abc import Awaitable, Container
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import default_interval_calculator
from slack_sdk.http_retry.interval_calculator import RetryIntervalCalculator
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.adapters.slack.errors import ChatUnavailable, clean_code
from bot.logging import get_logger
from bot.observability.metrics import count_call

SLACK_API_URL = "https://slack.com/api/"

Reply = dict[str, Any]
log = get_logger(__name__)


class _ConnectionRetry(AsyncConnectionErrorRetryHandler):
    """slack_sdk's connection retries, minus an untrusted certificate: aiohttp reports it as a
    connection error, and it does not heal by waiting."""

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if isinstance(error, ssl.SSLCertVerificationError):
            return False
        return await super()._can_retry_async(
            state=state, request=request, response=response, error=error
        )


def make_web_client(
    token: str | None,
    base_url: str | None = None,
    *,
    retries: int = 3,
    retry_interval: RetryIntervalCalculator | None = None,
    timeout: int = 30,
    ssl_context: ssl.SSLContext | None = None,
) -> AsyncWebClient:
    """A client for the bot token (None: one that is given its token per call, as bolt's is).
    `retry_interval` paces 5xx and connection retries (slack_sdk's
    backoff, 0.5 s doubling plus up to 1 s of jitter, unless given); a 429 always waits for
    Slack's `Retry-After` (plus up to 1 s of jitter, slack_sdk's choice). `ssl_context` is what
    Slack's certificate must be trusted by (CA_BUNDLE's; Socket Mode's websocket uses it too);
    None is aiohttp's default."""
    interval = retry_interval or default_interval_calculator
    handlers: list[AsyncRetryHandler] = [
        AsyncRateLimitErrorRetryHandler(max_retry_count=retries),
        AsyncServerErrorRetryHandler(max_retry_count=retries, interval_calculator=interval),
        _ConnectionRetry(max_retry_count=retries, interval_calculator=interval),
    ]
    # slack_sdk joins base_url and the method name by plain concatenation: the slash matters.
    url = (base_url or SLACK_API_URL).rstrip("/") + "/"
    return AsyncWebClient(
        token=token, base_url=url, retry_handlers=handlers, timeout=timeout, ssl=ssl_context
    )


def error_code(response: AsyncSlackResponse) -> str:
    """Slack's error code, or `http_<status>` when the reply was not Slack's JSON (a proxy's
    500 page, say)."""
    data = response.data
    if isinstance(data, dict) and data.get("error"):
        return clean_code(data["error"])
    return f"http_{response.status_code}"


async def call(
    method: str, request: Awaitable[AsyncSlackResponse], *, expected: Container[str] = ()
) -> Reply:
    """Await one Web API call and log its method and outcome (never its arguments: they hold
    message text and email addresses).

    Returns the reply's data; a refusal whose code is in `expected` is returned as Slack's
    error reply (`ok` false) for the caller to handle. Any other refusal, and a connection
    that failed after every retry, raises ChatUnavailable.
    """
    started = time.perf_counter()
    try:
        response = await request
    except SlackApiError as exc:
        code = error_code(exc.response)
        data = exc.response.data
        handled = code in expected and isinstance(data, dict)
        log.info("slack_call", method=method, outcome=code, handled=handled, ms=_ms(started))
        count_call("slack", method, "handled" if handled else "refused", _s(started))
        if handled:
            return dict(data)
        # `from None`: the SlackApiError holds the request, whose headers carry the token.
        raise ChatUnavailable(method, code) from None
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("slack_call", method=method, outcome="unreachable", ms=_ms(started))
        count_call("slack", method, "unreachable", _s(started))
        raise ChatUnavailable.unreachable(method, exc) from None
    log.info("slack_call", method=method, outcome="ok", ms=_ms(started))
    count_call("slack", method, "ok", _s(started))
    data = response.data
    return dict(data) if isinstance(data, dict) else {"ok": True}


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def _s(started: float) -> float:
    return time.perf_counter() - started
