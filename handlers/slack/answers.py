"""Private answers to slash commands, posted to Slack's response_url on one shared session.

bolt's `respond` opens a new HTTP session for every answer; under a burst of commands that
work competes with the acks still owed to Slack, so answers share one pooled session.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import aiohttp
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.logging import get_logger

log = get_logger(__name__)


class Answers:
    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    async def send(
        self,
        response_url: str,
        text: str,
        *,
        blocks: Sequence[dict[str, Any]] | None = None,
        replace: bool = False,
    ) -> None:
        """Answer the person alone; `replace` rewrites the message whose button was pressed."""
        if self._session is None:  # created inside the running loop, on first use
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        webhook = AsyncWebhookClient(response_url, session=self._session)
        reply = await webhook.send(
            text=text,
            blocks=blocks,
            response_type=None if replace else "ephemeral",
            replace_original=True if replace else None,
        )
        if reply.status_code != 200:
            log.warning("answer_not_delivered", status=reply.status_code)

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
