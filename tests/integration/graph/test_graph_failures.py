"""How Graph's refusals and outages reach the bot: retried when Graph says wait, then one
domain error in plain words that names what is missing and never a secret."""

from __future__ import annotations

import socket
import time
from datetime import UTC, datetime

import pytest

from bot.adapters.graph.calendar import GraphCalendar
from bot.adapters.graph.errors import GraphNotAuthorised, GraphUnavailable
from bot.adapters.graph.factory import graph_ports
from bot.adapters.graph.mail import GraphMail
from bot.config import Settings
from bot.domain.errors import NotFound
from tests.fakes.graph_api import GraphApiFake
from tests.integration.graph.support import FAST, StaticCredential, graph_settings

START = datetime(2026, 11, 9, 9, tzinfo=UTC)
END = datetime(2026, 11, 9, 17, tzinfo=UTC)
POLICE = "dm@police.example.org"


async def test_a_429_is_retried_after_the_retry_after_graph_sent(
    calendar: GraphCalendar, graph_api: GraphApiFake
) -> None:
    graph_api.add_person(POLICE, [])
    graph_api.fail("/calendar/getSchedule", status=429, retry_after=1)

    started = time.monotonic()
    busy = await calendar.free_busy(people=[POLICE], start=START, end=END)

    assert busy == {POLICE: []}
    assert time.monotonic() - started >= 1.0  # waited as told, not the 10 ms backoff
    assert [c.status for c in graph_api.calls_to("/calendar/getSchedule")] == [429, 200]


async def test_a_503_that_outlasts_the_retries_is_graph_unavailable(
    calendar: GraphCalendar, graph_api: GraphApiFake
) -> None:
    graph_api.fail("/events", status=503, retry_after=None, times=3, method="POST")

    with pytest.raises(GraphUnavailable, match=r"answered 503 \(ServiceUnavailable\) to booking"):
        await calendar.create_event(
            subject="Rapid Review meeting: LLR-RR-2026-014",
            body="",
            start=START,
            end=END,
            required=[POLICE],
            optional=[],
            transaction_id="LLR-RR-2026-014:meeting:20261109T0900",
        )

    assert [c.status for c in graph_api.calls_to("/events", "POST")] == [503, 503, 503]
    assert graph_api.events == {}


async def test_graph_out_of_reach_is_graph_unavailable(graph_api: GraphApiFake) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings = graph_settings(graph_api, graph_base_url=f"http://127.0.0.1:{port}/v1.0")
    calendar, _ = graph_ports(settings, credential=StaticCredential(), retry=FAST)
    try:
        with pytest.raises(GraphUnavailable, match="could not be reached for free/busy"):
            await calendar.free_busy(people=[POLICE], start=START, end=END)
    finally:
        await calendar.connection.aclose()


async def test_a_mailbox_that_does_not_exist_is_not_found_by_name(
    graph_api: GraphApiFake,
) -> None:
    settings = graph_settings(graph_api, graph_mailbox="Nobody@Partnership.example.org")
    calendar, mail = graph_ports(settings, credential=StaticCredential(), retry=FAST)
    try:
        with pytest.raises(NotFound) as refused:
            await calendar.free_busy(people=[POLICE], start=START, end=END)
        assert str(refused.value) == (
            "The partnership mailbox nobody@partnership.example.org does not exist in this"
            " tenant, or has no Exchange Online mailbox (ErrorInvalidUser); check GRAPH_MAILBOX."
        )
        with pytest.raises(NotFound, match="nobody@partnership.example.org does not exist"):
            await mail.send(to=[POLICE], subject="s", body="b")
    finally:
        await calendar.connection.aclose()


async def test_a_missing_permission_is_named(
    calendar: GraphCalendar, mail: GraphMail, graph_api: GraphApiFake
) -> None:
    graph_api.granted = {"Calendars.ReadBasic"}
    graph_api.add_person(POLICE, [])

    assert await calendar.free_busy(people=[POLICE], start=START, end=END) == {POLICE: []}
    with pytest.raises(GraphNotAuthorised, match="lacks the application permission Mail.Send"):
        await mail.send(to=[POLICE], subject="s", body="b")
    with pytest.raises(GraphNotAuthorised, match=r"403 ErrorAccessDenied.*Calendars\.ReadWrite"):
        await calendar.cancel_event(event_id="AAMkAGV2ZW50000001AAA=", comment="")
    with pytest.raises(GraphNotAuthorised, match="permission Mail.Read"):
        await mail.replies(since=START)


async def test_a_token_graph_rejects_is_not_authorised_and_not_repeated(
    settings: Settings,
) -> None:
    forged = "forged-token-that-must-not-be-echoed"
    calendar, _ = graph_ports(settings, credential=StaticCredential(forged), retry=FAST)
    try:
        with pytest.raises(GraphNotAuthorised, match="401 InvalidAuthenticationToken") as refused:
            await calendar.responses(event_id="AAMkAGV2ZW50000001AAA=")
    finally:
        await calendar.connection.aclose()
    assert forged not in str(refused.value)
    assert refused.value.__cause__ is None and refused.value.__suppress_context__
