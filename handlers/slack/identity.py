"""Who the bot is in its workspace (`auth.test`), asked once when the surface starts.

bolt's single-workspace authorisation calls `auth.test` on the first request and caches it,
but every request that arrives before the first answer calls it too: a burst of commands
right after a start made one call each, and some timed out against a slow Slack. Here the
answer is read at start and handed to bolt as its `authorize` function, so no request waits
for it. If Slack cannot be asked at start, that is said in one line and the first request
asks again (one call, however many requests are waiting).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import aiohttp
from slack_bolt.authorization import AuthorizeResult
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.adapters.slack.client import error_code
from bot.logging import get_logger

log = get_logger(__name__)


class BotIdentity:
    def __init__(self, client: AsyncWebClient, token: str) -> None:
        self._client = client  # carries the bot token
        self._token = token
        self._reply: AsyncSlackResponse | None = None
        self._asking = asyncio.Lock()

    async def start(self) -> None:
        """Ask Slack now; a failure is reported, not raised (the next request asks again)."""
        try:
            await self._ask()
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as err:
            reason = error_code(err.response) if isinstance(err, SlackApiError) else "unreachable"
            log.warning(
                "slack_auth_test_failed_at_start",
                reason=reason,
                message=f"Slack did not confirm the bot token at start ({reason});"
                " it is asked again on the first request from Slack.",
            )

    def authorize(self) -> Callable[[str | None, str | None], Awaitable[AuthorizeResult]]:
        """bolt's `authorize` function (bolt passes its arguments by name, so a plain function,
        not a bound method): the bot's identity, with the requesting user's id."""

        async def authorize(enterprise_id: str | None, user_id: str | None) -> AuthorizeResult:
            reply = self._reply or await self._ask()
            return AuthorizeResult(
                enterprise_id=reply.get("enterprise_id") or enterprise_id,
                team_id=reply.get("team_id"),
                bot_id=reply.get("bot_id"),
                bot_user_id=reply.get("user_id"),
                bot_token=self._token,
                bot_scopes=reply.headers.get("x-oauth-scopes"),
                user_id=user_id,
            )

        return authorize

    async def _ask(self) -> AsyncSlackResponse:
        async with self._asking:  # requests arriving together share one call
            if self._reply is None:
                self._reply = await self._client.auth_test()
                log.info("slack_authorised", bot_user=self._reply.get("user_id"))
            return self._reply
