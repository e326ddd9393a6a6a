"""What the benchmarks of a real `rrbot serve` share: a fresh migrated database and the fake
Slack workspace its process talks to."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.adapters.db.migrate import upgrade
from tests.conftest import _drop_everything
from tests.fakes.slack_api import SlackApiFake
from tests.integration.serving_process import slack_workspace


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A fresh migrated database: a SQLite file, or the emptied TEST_DATABASE_URL."""
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite+aiosqlite:///{tmp_path / 'bench.db'}"
    if url.startswith("postgresql"):
        asyncio.run(_drop_everything(url))
    asyncio.run(upgrade(url))
    return url


@pytest.fixture
def slack() -> Iterator[SlackApiFake]:
    with slack_workspace() as fake:
        yield fake
