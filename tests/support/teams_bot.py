"""The bot's connector token for tests: what the SDK's token provider would hand out."""

from __future__ import annotations

from tests.fakes.teams_connector import CONNECTOR_TOKEN


class BotToken:
    """A TokenProviderProtocol with one fixed app token (the fake checks it)."""

    def __init__(self, token: str = CONNECTOR_TOKEN) -> None:
        self.token = token

    def get_app_token(self, scope: str, tenant_id: str | None) -> str:
        return self.token
