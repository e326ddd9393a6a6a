"""Who a Slack user is in the partnership directory: their email, read once and cached."""

from __future__ import annotations

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient


class SlackPeople:
    def __init__(self, client: AsyncWebClient) -> None:
        self._client = client
        self._emails: dict[str, str] = {}

    async def email_of(self, user_id: str) -> str | None:
        """The user's email (needs users:read.email), or None when Slack has none for them."""
        if user_id in self._emails:
            return self._emails[user_id]
        try:
            reply = await self._client.users_info(user=user_id)
        except SlackApiError:
            return None
        user = reply.get("user") or {}
        email = (user.get("profile") or {}).get("email")
        if not email or user.get("deleted"):
            return None
        self._emails[user_id] = str(email).lower()
        return self._emails[user_id]
