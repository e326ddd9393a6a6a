"""Probes and the API's own description.

/healthz says the process is alive without touching anything; /readyz says whether the database
answers and is at the migration this code needs, in words, without the password.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from bot.adapters.db.engine import make_engine
from bot.adapters.db.migrate import head_revision, upgrade
from bot.bootstrap import Container
from bot.domain.notification import Notification
from tests.integration.http.harness import Running, serving, settings_for

UNREACHABLE = "postgresql+asyncpg://rr:s3cret-pw@127.0.0.1:1/rapid"


def reading(url: str) -> Callable[[Container], Container]:
    """Point the running app's readiness check (its engine) at another database."""

    def adjust(container: Container) -> Container:
        container.closers.append(container.engine.dispose)
        return replace(container, engine=make_engine(url))

    return adjust


async def test_healthz_is_ok(running: Running) -> None:
    response = await running.client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readyz_is_ok_on_a_migrated_database(running: Running) -> None:
    response = await running.client.get("/readyz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readyz_says_the_database_is_unreachable_without_saying_where_it_is(
    database_url: str,
) -> None:
    """/readyz is open to anyone: where the database is goes to the server's log only."""
    async with serving(settings_for(database_url), adjust=reading(UNREACHABLE)) as running:
        response = await running.client.get("/readyz")
        assert response.status_code == 503
        assert response.json() == {
            "status": "unavailable",
            "reason": "The database cannot be reached; the server's log says why.",
        }
        for detail in ("127.0.0.1", ":1", "rapid", "rr", "s3cret-pw", "postgres"):
            assert detail not in response.text
        alive = await running.client.get("/healthz")  # alive, just not ready
        assert alive.status_code == 200


async def test_readyz_says_when_migrations_are_behind(database_url: str, tmp_path: Path) -> None:
    behind = f"sqlite+aiosqlite:///{tmp_path / 'behind.db'}"
    await upgrade(behind, "0001")
    empty = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    for url, at in ((behind, "0001"), (empty, "none (it is empty)")):
        async with serving(settings_for(database_url), adjust=reading(url)) as running:
            response = await running.client.get("/readyz")
            assert response.status_code == 503
            assert response.json()["reason"] == (
                f"The database is at migration {at} but this rrbot needs {head_revision()};"
                " run `rrbot db upgrade`."
            )


async def test_openapi_describes_the_routes_and_the_notification(running: Running) -> None:
    response = await running.client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.1")
    assert set(document["paths"]) == {"/notifications", "/healthz", "/readyz", "/openapi.json"}
    intake = document["paths"]["/notifications"]["post"]
    assert intake["security"] == [{"bearerAuth": []}]
    assert {"200", "201", "400", "401", "413", "415", "422", "503"} <= set(intake["responses"])
    body = intake["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/Notification"}
    schemas = document["components"]["schemas"]
    assert set(schemas["Notification"]["properties"]) == set(Notification.model_fields)
    assert set(schemas["Notification"]["required"]) == {"external_ref", "notified_on", "agencies"}
    assert schemas["Notification"]["properties"]["track"]["$ref"] == "#/components/schemas/Track"
    assert "Track" in schemas
    referrer = schemas["Notification"]["properties"]["referred_by"]
    assert "told the outcome" in referrer["description"]
    bearer = document["components"]["securitySchemes"]["bearerAuth"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")


async def test_openapi_is_a_valid_document(running: Running) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    document = (await running.client.get("/openapi.json")).json()
    validator.validate(document)
