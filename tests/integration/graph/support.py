"""What the Graph tests and the Graph benchmark share: settings pointing at the fake, a
static credential, and a retry policy that keeps 5xx retries instant."""

from __future__ import annotations

import time
from typing import Any

from azure.core.credentials import AccessToken
from pydantic import SecretStr

from bot.adapters.graph.client import RetryPolicy
from bot.config import Settings
from tests.fakes.graph_api import (
    CLIENT_ID,
    CLIENT_SECRET,
    MAILBOX,
    STATIC_TOKEN,
    TENANT,
    GraphApiFake,
)

# No base delay and a 10 ms cap on backoff: a 503 retry is immediate, while a positive
# Retry-After (the fake sends 1 s unless told otherwise) is still waited in full.
FAST = RetryPolicy(retries=2, base_delay=0.0, backoff_max=0.01)


class StaticCredential:
    """An async TokenCredential handing out one fixed token; records the scopes asked for."""

    def __init__(self, token: str = STATIC_TOKEN) -> None:
        self.token = token
        self.scopes: list[tuple[str, ...]] = []
        self.closed = False

    async def get_token(self, *scopes: str, **_options: Any) -> AccessToken:
        self.scopes.append(scopes)
        return AccessToken(self.token, int(time.time()) + 3600)

    async def close(self) -> None:
        self.closed = True

    async def __aenter__(self) -> StaticCredential:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()


def graph_settings(fake: GraphApiFake, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "graph_tenant_id": TENANT,
        "graph_client_id": CLIENT_ID,
        "graph_client_secret": SecretStr(CLIENT_SECRET),
        "graph_mailbox": MAILBOX,
        "graph_base_url": fake.base_url,
        "graph_authority_host": fake.authority,
    }
    return Settings(_env_file=None, **(values | overrides))  # type: ignore[call-arg]
