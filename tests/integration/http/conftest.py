"""Fixtures for the HTTP surface; the machinery is in `harness`."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import AbstractAsyncContextManager

import pytest
import structlog

from tests.integration.http.harness import Running, serving, settings_for

Serve = Callable[..., AbstractAsyncContextManager[Running]]


@pytest.fixture
def serve(database_url: str) -> Serve:
    """`async with serve(**settings_overrides) as running:` on the test database."""

    def start(**overrides: object) -> AbstractAsyncContextManager[Running]:
        return serving(settings_for(database_url, **overrides))

    return start


@pytest.fixture
async def running(serve: Serve) -> AsyncIterator[Running]:
    async with serve() as running:
        yield running


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Put logging back as it was: the CLI (and `configure_logging`) set it process-wide, and
    later tests elsewhere capture log events at INFO."""
    saved = structlog.get_config()
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        yield
    finally:
        structlog.configure(**saved)
        root.handlers[:], root.level = handlers, level
