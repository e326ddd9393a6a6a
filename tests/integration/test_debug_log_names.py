"""At DEBUG, with SQL echo and the drivers' own lines on, opening a case on a real database
(SQLite, or PostgreSQL with TEST_DATABASE_URL) logs no form of the child's or family's names:
SQLAlchemy writes them as JSON parameters with \\u escapes, a repr doubles the backslashes.

The names are fictional, in several scripts, and two carry invisible or look-alike letters.
"""

from __future__ import annotations

import io
import json
import unicodedata
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime

import pytest

from bot.adapters.clock import SimulatedClock
from bot.domain.notification import Notification
from bot.logging import REGISTRY
from tests.integration.sql_world import SqlWorld
from tests.support.logs import debug_log
from tests.support.world import OFFICER

CHILD = ("Zoë Brontë", "Łucja Żółć")
FAMILY = ("محمد الفلاني", "Al\u200bice J\u0430mes")  # a zero-width space; a Cyrillic а
TALKERS = ("sqlalchemy.engine", "aiosqlite", "asyncpg")  # what echo and the drivers print


def forms(name: str) -> set[str]:
    """Every way the name, or a part of it long enough to be looked for, could be written."""
    found: set[str] = set()
    for text in (name, *name.split()):
        for variant in (
            text,
            unicodedata.normalize("NFC", text),
            unicodedata.normalize("NFD", text),
            text.lower(),
            text.replace("\u200b", "").replace("\u0430", "a"),
        ):
            escaped = json.dumps(variant)[1:-1]
            found |= {variant, escaped, escaped.replace("\\", "\\\\")}
    return {f for f in found if sum(c.isalpha() for c in f) >= 3}


@pytest.fixture
def captured() -> Iterator[io.StringIO]:
    with debug_log(*TALKERS) as stream:  # every statement, its parameters and its rows
        try:
            yield stream
        finally:
            REGISTRY.clear()


@pytest.fixture
async def world(database_url: str) -> AsyncIterator[SqlWorld]:
    world = SqlWorld(database_url, SimulatedClock(datetime(2026, 12, 18, 10, tzinfo=UTC)))
    yield world
    await world.aclose()


async def test_no_form_of_a_non_ascii_name_reaches_the_debug_log(
    world: SqlWorld, captured: io.StringIO
) -> None:
    notification = Notification.model_validate(
        {
            "external_ref": "LA-2026-0042",
            "notified_on": date(2026, 12, 18),
            "agencies": ("la", "police"),
            "child_names": CHILD,
            "family_names": FAMILY,
        }
    )
    opened = await world.services.open_case(notification=notification, actor=OFFICER)
    await world.services.status(case_ref=opened.case.ref, actor=OFFICER)  # rows read back

    logged = captured.getvalue()
    assert "INSERT INTO cases" in logged and "[name]" in logged  # echo was on, names were there
    assert opened.case.ref in logged
    leaked = {f for name in CHILD + FAMILY for f in forms(name) if f in logged}
    assert leaked == set()
