"""GET /metrics: Prometheus's view of rrbot, behind its own bearer token.

The database's figures (open cases, requests, the outbox) are read at each scrape, so they
move as a case moves; the process's counters (actions run, outside calls, HTTP latency) are
this process's since it started, so each test reads how much they changed.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.adapters.clock import SimulatedClock
from bot.adapters.graph.factory import graph_ports
from bot.adapters.slack.client import call, make_web_client
from bot.adapters.slack.errors import ChatUnavailable
from bot.adapters.teams.errors import ChatUnavailable as TeamsUnavailable
from bot.adapters.teams.sending import DEFAULT_RETRY, send
from bot.domain.errors import DomainError
from bot.domain.requests import ReturnKind
from bot.observability.metrics import OUTBOX_KINDS
from schedules.performers import PERFORMERS
from schedules.runner import run_due
from tests.fakes.graph_api import GraphApiFake
from tests.fakes.slack_api import BOT_TOKEN, SlackApiFake
from tests.integration.graph.serving import serve as serve_graph
from tests.integration.graph.support import StaticCredential, graph_settings
from tests.integration.http.conftest import Serve
from tests.integration.http.harness import AUTH, NOTIFIED_AT, Running, notification

METRICS_TOKEN = "metrics-test-token-abcdefghijklmnop"
SCRAPE = {"Authorization": f"Bearer {METRICS_TOKEN}"}
OFFICER = "bo.adeyemi@partnership.example.org"
DASHBOARD = Path(__file__).parents[3] / "deploy" / "grafana" / "rrbot-dashboard.json"
# Labels a case, a person or a place could hide in; none may carry one.
CASE_REF = re.compile(r"[A-Z]{2,5}-[A-Z]{2}-\d{4}-\d{3}")

START = datetime(2026, 11, 9, 9, tzinfo=UTC)
END = datetime(2026, 11, 9, 17, tzinfo=UTC)

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


async def scrape(running: Running) -> tuple[Samples, str]:
    response = await running.client.get("/metrics", headers=SCRAPE)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):
        for s in family.samples:
            samples[(s.name, frozenset(s.labels.items()))] = s.value
    return samples, response.text


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


@pytest.fixture
async def metered(serve: Serve) -> Running:
    async with serve(metrics_token=METRICS_TOKEN) as running:
        yield running


async def test_metrics_are_refused_without_their_token(metered: Running) -> None:
    refused = [
        None,
        "Bearer not-the-token",
        f"Basic {METRICS_TOKEN}",
        "Bearer ",
        AUTH["Authorization"],
    ]
    for authorization in [*refused, f"Bearer {METRICS_TOKEN}x", f"Bearer {METRICS_TOKEN[:-1]}"]:
        headers = {} if authorization is None else {"Authorization": authorization}
        response = await metered.client.get("/metrics", headers=headers)
        assert response.status_code == 401, authorization
        assert response.content == b""  # no detail, no figure


def test_every_outbox_kind_has_its_own_label() -> None:
    """A kind the labels do not know would be counted as "other": they must not drift."""
    assert set(PERFORMERS) == OUTBOX_KINDS


async def test_without_a_metrics_token_there_is_no_metrics_route(running: Running) -> None:
    response = await running.client.get("/metrics", headers=SCRAPE)
    assert response.status_code == 404


async def test_metrics_move_as_a_case_moves(metered: Running) -> None:
    before, _ = await scrape(metered)
    assert value(before, "rrbot_information_requests_outstanding") == 0
    assert value(before, "rrbot_cases_open", stage="requests_sent") == 0

    # A case opens: three agencies are asked for information.
    response = await metered.client.post("/notifications", json=notification(), headers=AUTH)
    assert response.status_code == 201
    ref = response.json()["case_ref"]
    opened, _ = await scrape(metered)
    assert value(opened, "rrbot_cases_open", stage="requests_sent") == 1
    assert value(opened, "rrbot_information_requests_outstanding") == 3
    assert value(opened, "rrbot_information_requests_overdue") == 0
    assert value(opened, "rrbot_outbox_pending", kind="chase") > 0  # the chase ladder waits
    route = {"route": "/notifications", "method": "POST", "status": "2xx"}
    assert value(opened, "rrbot_http_request_duration_seconds_count", **route) == (
        value(before, "rrbot_http_request_duration_seconds_count", **route) + 1
    )

    # One agency returns: one request fewer is outstanding.
    await metered.container.services.record_return(
        case_ref=ref, agency="gp", kind=ReturnKind.NIL, summary="", actor=OFFICER
    )
    returned, _ = await scrape(metered)
    assert value(returned, "rrbot_information_requests_outstanding") == 2

    # A month on (Christmas between), nothing has run: the rest are overdue, the Panel
    # deadline has passed, and the outbox has waited.
    clock = metered.container.ctx.clock
    assert isinstance(clock, SimulatedClock)
    clock.set(NOTIFIED_AT + timedelta(days=31))  # a Monday, 10:00
    waiting, _ = await scrape(metered)
    assert value(waiting, "rrbot_information_requests_overdue") == 2
    assert value(waiting, "rrbot_cases_past_panel_deadline") == 1
    assert value(waiting, "rrbot_outbox_due", kind="chase") > 0
    assert value(waiting, "rrbot_outbox_oldest_due_age_seconds") > 24 * 3600

    # The runner catches up: chases counted as sent, late (their day has gone), and the
    # outbox's due rows and their age drop.
    ran = await run_due(metered.container.services, worker="metrics-test")
    chases = sum(1 for r in ran if r.action.kind == "chase" and r.outcome is not None)
    assert chases > 0
    caught_up, text = await scrape(metered)
    sent = {"kind": "chase", "outcome": "sent"}
    assert value(caught_up, "rrbot_outbox_actions_total", **sent) - value(
        waiting, "rrbot_outbox_actions_total", **sent
    ) == sum(1 for r in ran if r.action.kind == "chase" and r.outcome and r.outcome.value == "done")
    assert value(caught_up, "rrbot_outbox_actions_late_total", kind="chase") > value(
        waiting, "rrbot_outbox_actions_late_total", kind="chase"
    )
    assert value(caught_up, "rrbot_outbox_due", kind="chase") == 0
    assert value(caught_up, "rrbot_outbox_oldest_due_age_seconds") < value(
        waiting, "rrbot_outbox_oldest_due_age_seconds"
    )
    assert ref not in text


async def test_no_label_names_a_case_or_a_person(metered: Running) -> None:
    response = await metered.client.post("/notifications", json=notification(), headers=AUTH)
    ref = response.json()["case_ref"]
    await metered.client.get(f"/timetable/llr?case={ref}")
    await metered.client.get(f"/no-such-page/{ref}")  # an unmatched path is not a label
    samples, text = await scrape(metered)
    labels = {v for (_, pairs) in samples for _, v in pairs}
    assert not [v for v in labels if CASE_REF.search(v)], "a case reference in a label"
    assert not [v for v in labels if "@" in v or "Jamie" in v or "Testperson" in v]
    assert ref not in text
    assert (
        value(
            samples,
            "rrbot_http_request_duration_seconds_count",
            route="unmatched",
            method="GET",
            status="4xx",
        )
        >= 1
    )


# The series each kind of family exposes (prometheus-client's text format).
SERIES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}


async def test_every_dashboard_query_names_a_metric_rrbot_exports(metered: Running) -> None:
    _, text = await scrape(metered)
    exported = {
        family.name + suffix
        for family in text_string_to_metric_families(text)
        for suffix in SERIES.get(family.type, ("",))
    }
    dashboard = json.loads(DASHBOARD.read_text())
    queries = [target["expr"] for panel in dashboard["panels"] for target in panel["targets"]]
    assert len(queries) >= 10
    for query in queries:
        named = set(re.findall(r"\brrbot_[a-z_]+", query))
        assert named, f"reads no rrbot metric: {query}"
        assert named <= exported, f"not exported: {sorted(named - exported)} in {query}"


def calls(samples: Samples, surface: str, method: str, outcome: str) -> float:
    return value(
        samples, "rrbot_outside_calls_total", surface=surface, method=method, outcome=outcome
    )


def timed(samples: Samples, surface: str, method: str) -> float:
    name = "rrbot_outside_call_duration_seconds_count"
    return value(samples, name, surface=surface, method=method)


@pytest.mark.filterwarnings(
    "ignore::DeprecationWarning:msgraph.*", "ignore::DeprecationWarning:kiota_abstractions.*"
)
async def test_slack_graph_and_teams_calls_are_counted_by_method_and_outcome(
    metered: Running, slack_api: SlackApiFake
) -> None:
    before, _ = await scrape(metered)

    slack = make_web_client(BOT_TOKEN, slack_api.base_url)
    await call("auth.test", slack.auth_test())
    with pytest.raises(ChatUnavailable):
        await call("conversations.info", slack.conversations_info(channel="C-NONE"))

    with serve_graph(GraphApiFake()) as graph_api:
        calendar, _mail = graph_ports(graph_settings(graph_api), credential=StaticCredential())
        try:
            graph_api.fail("/calendar/getSchedule", status=403, times=1)
            with pytest.raises(DomainError):
                await calendar.free_busy(people=["dm@police.example.org"], start=START, end=END)
        finally:
            await calendar.connection.aclose()

    async def connector_refuses() -> None:
        request = httpx.Request("POST", "https://smba.example/v3/conversations")
        raise httpx.HTTPStatusError(
            "403", request=request, response=httpx.Response(403, request=request)
        )

    with pytest.raises(TeamsUnavailable):
        await send("send activity", connector_refuses, retry=DEFAULT_RETRY, sleep=asyncio.sleep)

    after, _ = await scrape(metered)
    expected = [
        ("slack", "auth.test", "ok"),
        ("slack", "conversations.info", "refused"),
        ("graph", "free/busy (getSchedule)", "refused"),
        ("teams", "send activity", "refused"),
    ]
    for surface, method, outcome in expected:
        assert calls(after, surface, method, outcome) == calls(before, surface, method, outcome) + 1
        assert timed(after, surface, method) == timed(before, surface, method) + 1
