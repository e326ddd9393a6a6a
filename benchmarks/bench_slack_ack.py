"""Slash-command ack latency: 50 concurrent `/rapidreview` commands through the real app,
side by side with a bare bolt app whose handler only acks (the floor).

Targets (issue 4): p99 within 1.5x of the floor and under 100 ms. Run with
`pytest benchmarks/bench_slack_ack.py -s` to see the figures.
"""

from __future__ import annotations

import asyncio
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_bolt.adapter.starlette.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.signature import SignatureVerifier
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.adapters.db.migrate import upgrade
from bot.adapters.slack.client import make_web_client
from tests.fakes.slack_api import BOT_TOKEN
from tests.integration.http.harness import serving, settings_for

SECRET = "fictional-signing-secret"
CONCURRENT = 50
ROUNDS = 6  # the first is a warm-up


def signed(user: str, response_url: str) -> tuple[str, dict[str, str]]:
    body = urlencode(
        {
            "team_id": "T0EXAMPLE1",
            "user_id": user,
            "command": "/rapidreview",
            "text": "help",
            "channel_name": "directmessage",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
    )
    ts = str(int(time.time()))
    signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)
    return body, {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature,
    }


async def latencies(client: httpx.AsyncClient, user: str, response_url: str) -> list[float]:
    async def one() -> float:
        body, headers = signed(user, response_url)
        start = time.perf_counter()
        reply = await client.post("/slack/events", content=body, headers=headers)
        assert reply.status_code == 200
        return (time.perf_counter() - start) * 1000

    measured: list[float] = []
    for round_ in range(ROUNDS):
        batch = await asyncio.gather(*(one() for _ in range(CONCURRENT)))
        if round_:
            measured += batch
    await asyncio.sleep(0.5)  # let the answers that follow the acks drain
    return measured


def bare_app(base_url: str) -> Starlette:
    app = AsyncApp(client=make_web_client(BOT_TOKEN, base_url), signing_secret=SECRET)

    @app.command("/rapidreview")
    async def nothing(ack: AsyncAck) -> None:
        await ack()

    handler = AsyncSlackRequestHandler(app)

    async def events(request: Request) -> Response:
        response: Response = await handler.handle(request)
        return response

    return Starlette(routes=[Route("/slack/events", events, methods=["POST"])])


def percentiles(values: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(values, n=100)
    return statistics.median(values), cuts[98]


@contextmanager
def slack_elsewhere(email: str) -> Iterator[str]:
    """The fake in its own process (as Slack is); yields its API base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.slack_api_process", str(port), email],
        cwd=Path(__file__).parent.parent,
    )
    try:
        base = f"http://127.0.0.1:{port}/api/"
        for _ in range(200):
            try:
                httpx.post(base + "auth.test", timeout=0.2)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.wait(10)


async def measure(tmp: Path) -> dict[str, Any]:
    with slack_elsewhere("chris.lindqvist@partnership.example.org") as base:
        user, answers = "U000000001", base.removesuffix("api/") + "response/bench"
        url = f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
        await upgrade(url)
        transport = httpx.ASGITransport(app=bare_app(base))
        async with httpx.AsyncClient(transport=transport, base_url="http://bare") as client:
            floor = await latencies(client, user, answers)
        settings = settings_for(
            url, slack_bot_token=BOT_TOKEN, slack_signing_secret=SECRET, slack_api_url=base
        )
        async with serving(settings) as running:
            ours = await latencies(running.client, user, answers)
    return {"floor": percentiles(floor), "rrbot": percentiles(ours)}


def test_ack_latency_with_50_concurrent_commands(tmp_path: Path) -> None:
    figures = asyncio.run(measure(tmp_path))
    (floor_p50, floor_p99), (p50, p99) = figures["floor"], figures["rrbot"]
    print(f"\nbare bolt: p50 {floor_p50:.1f} ms, p99 {floor_p99:.1f} ms")
    print(f"rrbot:     p50 {p50:.1f} ms, p99 {p99:.1f} ms ({p99 / floor_p99:.2f}x the floor)")
    assert p99 < 100
    assert p99 <= 1.5 * floor_p99, "the ack tail is more than 1.5x a bare bolt app's"
    assert p99 <= 1.5 * floor_p99
