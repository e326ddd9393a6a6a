"""Every Bot Connector call goes through `send`: the Teams SDK does not retry, so 429, 502,
503 and 504 are tried again here a few times, waiting the server's Retry-After (up to
`SendRetry.max_wait`; a longer wait is left to the outbox), then raised as ChatUnavailable,
which the outbox runs again later. Nothing is logged of what was sent."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx

from bot.adapters.teams.errors import ChatUnavailable, clean_code
from bot.logging import get_logger
from bot.observability.metrics import CallOutcome, timed_call

T = TypeVar("T")
log = get_logger(__name__)
RETRIED = frozenset({429, 502, 503, 504})
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class SendRetry:
    attempts: int = 3  # in all, the first included
    backoff: float = 1.0  # seconds, doubled each time, when no Retry-After is sent
    max_wait: float = 10.0  # a longer Retry-After is left to the outbox


DEFAULT_RETRY = SendRetry()


async def send(
    operation: str,
    method: Callable[..., Awaitable[T]],
    *args: Any,
    retry: SendRetry,
    sleep: Sleep,
) -> T:
    """`method(*args)`, one connector call, tried again as the connector asks (bounded);
    counted once, its retries and their waits included, as Slack's and Graph's are."""
    async with timed_call("teams", operation, _outcome):
        return await _send(operation, method, *args, retry=retry, sleep=sleep)


async def _send(
    operation: str,
    method: Callable[..., Awaitable[T]],
    *args: Any,
    retry: SendRetry,
    sleep: Sleep,
) -> T:
    for attempt in range(1, retry.attempts + 1):
        try:
            return await method(*args)
        except httpx.HTTPStatusError as err:
            status, code = err.response.status_code, _error_code(err.response)
            wait = _retry_after(err.response, retry.backoff * 2 ** (attempt - 1))
            log.warning("teams_call", operation=operation, outcome=f"{status} {code}")
            if status not in RETRIED or attempt == retry.attempts or wait > retry.max_wait:
                raise ChatUnavailable(operation, status, code) from None
            await sleep(wait)
        except httpx.TransportError as err:
            raise ChatUnavailable.unreachable(operation, err) from None
    raise ChatUnavailable(operation, 0, "no_attempt", f"{operation} was not attempted.")


def _outcome(err: BaseException) -> CallOutcome:
    """For rrbot_outside_calls: the connector refused (a status), or was not reached."""
    if isinstance(err, ChatUnavailable) and err.status:
        return "refused"
    return "unreachable"


def _error_code(response: httpx.Response) -> str:
    try:
        error = response.json().get("error") or {}
        return clean_code(error.get("code", "no_error_code"))
    except (ValueError, AttributeError):
        return "no_error_code"


def _retry_after(response: httpx.Response, default: float) -> float:
    try:
        return max(0.0, float(response.headers.get("retry-after", "")))
    except ValueError:
        return default
