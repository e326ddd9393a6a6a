"""LOG_FORMAT=json: one JSON object per line, with the fields a log shipper indexes (time,
level, event, logger, case_ref, request_id), and the same redaction as plain text.

Lines are read as rendered on the stream, as a collector would read them. All people are
made up.
"""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import structlog
from click.testing import CliRunner
from pydantic import SecretStr
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bot.cli import cli
from bot.domain.sensitivity import CaseSubject
from bot.logging import REGISTRY, configure_logging, get_logger, register_case_subject, wants_json
from bot.observability.http import RequestObservation

REF = "LLR-RR-2026-007"
CHILD = "Jamie Fictitious"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level, config = root.handlers[:], root.level, structlog.get_config()
    REGISTRY.clear()
    yield
    REGISTRY.clear()
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.configure(**config)


@pytest.fixture
def stream() -> io.StringIO:
    out = io.StringIO()
    configure_logging("DEBUG", json=True, stream=out)
    register_case_subject(REF, CaseSubject((CHILD, "Testperson"), (date(2019, 3, 4),)))
    return out


def lines(out: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_each_line_is_one_json_object_with_time_level_event_and_logger(
    stream: io.StringIO,
) -> None:
    log = get_logger("bot.services.requests")
    log.info("return_recorded", case_ref=REF, agency="gp")
    log.warning("chase_sent", case_ref=REF)
    logging.getLogger("sqlalchemy.pool").warning("pool exhausted")  # a library's line too
    parsed = lines(stream)
    assert len(parsed) == 3
    for line in parsed:
        assert {"time", "level", "event", "logger"} <= line.keys()
        stamped = datetime.fromisoformat(str(line["time"]).replace("Z", "+00:00"))
        assert stamped.utcoffset() == timedelta(0)
        assert abs(datetime.now(UTC) - stamped) < timedelta(minutes=1)
    first, second, library = parsed
    assert (first["event"], first["level"], first["logger"]) == (
        "return_recorded",
        "info",
        "bot.services.requests",
    )
    assert first["case_ref"] == REF and second["case_ref"] == REF
    assert second["level"] == "warning"
    assert library["logger"] == "sqlalchemy.pool"
    assert "case_ref" not in library  # only where bound


def test_a_childs_name_bound_into_a_line_is_still_redacted(stream: io.StringIO) -> None:
    get_logger("bot.test").bind(case_ref=REF, note=f"spoke to {CHILD}'s school").info(
        "note_added", about={"child": CHILD, "born": date(2019, 3, 4)}
    )
    text = stream.getvalue()
    assert "Jamie" not in text and "Fictitious" not in text and "2019-03-04" not in text
    [line] = lines(stream)
    assert line["note"] == "spoke to [name]'s school"
    assert line["about"] == {"child": "[name]", "born": "[date-of-birth]"}


def test_a_secret_is_masked(stream: io.StringIO) -> None:
    get_logger("bot.test").info(
        "calling_graph",
        client_secret="s3cr3t-value",
        token=SecretStr("xoxb-1-2-3"),
        header="Authorization: Bearer eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl",
    )
    text = stream.getvalue()
    for leaked in ("s3cr3t-value", "xoxb-1-2-3", "eyJhbGciOi"):
        assert leaked not in text
    [line] = lines(stream)
    assert line["client_secret"] == "[secret]" and line["token"] == "[secret]"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_auto_is_text_on_a_terminal_and_json_elsewhere() -> None:
    assert wants_json("auto", _Terminal()) is False
    assert wants_json("auto", io.StringIO()) is True
    assert wants_json("text", io.StringIO()) is False
    assert wants_json("json", _Terminal()) is True
    with pytest.raises(ValueError, match="LOG_FORMAT"):
        wants_json("yaml", io.StringIO())


@pytest.mark.parametrize(("log_format", "as_json"), [("json", True), ("TEXT", False)])
def test_log_format_reaches_the_command_line(
    tmp_path: Path, log_format: str, as_json: bool
) -> None:
    """`LOG_FORMAT=json rrbot db upgrade`: Alembic's own lines come out as JSON objects."""
    env = {
        "LOG_FORMAT": log_format,
        "LOG_LEVEL": "INFO",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'rrbot.db'}",
    }
    result = CliRunner().invoke(cli, ["db", "upgrade"], env=env)
    assert result.exit_code == 0, result.output
    logged = [line for line in result.stderr.splitlines() if "alembic" in line]
    assert logged
    if as_json:
        assert all(json.loads(line)["logger"].startswith("alembic") for line in logged)
    else:
        assert not any(line.startswith("{") for line in logged)


def test_an_unknown_log_format_is_refused_by_name() -> None:
    refused = CliRunner().invoke(cli, ["db", "upgrade"], env={"LOG_FORMAT": "xml"})
    assert refused.exit_code == 2 and "--log-format" in refused.output


async def _logs_a_line(_request: Request) -> PlainTextResponse:
    get_logger("handlers.test").info("handled", case_ref=REF)
    return PlainTextResponse("ok")


@pytest.fixture
def app() -> Starlette:
    return Starlette(
        routes=[Route("/work", _logs_a_line)], middleware=[Middleware(RequestObservation)]
    )


async def _get(app: Starlette, **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://rrbot.test") as client:
        return await client.get("/work", headers=headers)


async def test_each_request_has_an_id_in_its_lines_and_its_answer(
    stream: io.StringIO, app: Starlette
) -> None:
    first, second = await _get(app), await _get(app)
    ids = [first.headers["x-request-id"], second.headers["x-request-id"]]
    assert ids[0] != ids[1] and all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    handled = [line for line in lines(stream) if line["event"] == "handled"]
    assert [line["request_id"] for line in handled] == ids
    get_logger("bot.test").info("after_the_request")
    assert "request_id" not in lines(stream)[-1]  # unbound when the request ends


@pytest.mark.parametrize(
    ("incoming", "kept"),
    [
        ("lb-7f3a9c01.req", True),  # a load balancer's id: followed through
        ("x" * 65, False),  # too long
        ('a" injected="1', False),  # would forge a field in a text line
        (CHILD, False),  # a space: not an id, and a name must not be followed through
    ],
)
async def test_an_incoming_request_id_is_kept_only_when_short_and_plain(
    stream: io.StringIO, app: Starlette, incoming: str, kept: bool
) -> None:
    response = await _get(app, **{"X-Request-Id": incoming})
    [line] = [line for line in lines(stream) if line["event"] == "handled"]
    assert line["request_id"] == response.headers["x-request-id"]
    assert (response.headers["x-request-id"] == incoming) is kept
