"""`rrbot serve` as a real OS process against the fake Slack, to kill with SIGKILL and restart.

Used by the crash tests and the intake benchmark: what a deployment meets (a process killed
mid-burst, a restart on the same database) is done to the real command, not simulated.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from bot.adapters.db.engine import make_engine
from bot.directories import load_directory
from tests.fakes.slack_api import BOT_TOKEN, SlackApiFake, serve

TOKEN = "intake-crash-test-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
STARTUP_S = 30.0
AGENCIES = ["la", "police", "icb", "school"]  # SPOCs all in the chat workspace


def _rrbot() -> list[str]:
    found = shutil.which("rrbot", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "bot.cli"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def slack_workspace() -> Iterator[SlackApiFake]:
    """The fake Slack on a thread of this process, everyone in the sample directory in it."""
    fake = SlackApiFake()
    with serve(fake):
        for person in load_directory().people:
            fake.add_user(person.email)
        yield fake


@dataclass
class Server:
    """One `rrbot serve`, restartable on the same port, database and Slack."""

    database_url: str
    slack_url: str
    workdir: Path
    port: int = field(default_factory=free_port)
    env: dict[str, str] = field(default_factory=dict)  # settings on top of the ones below
    process: subprocess.Popen[bytes] | None = None
    starts: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.starts += 1
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "NOTIFICATION_TOKEN": TOKEN,
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": "crash-test-signing-secret",
            "SLACK_API_URL": self.slack_url,
            "SCHEDULER_TICK_SECONDS": "1",
            "LOG_LEVEL": "WARNING",
            "PLAYBOOK": "llr",
            "DIRECTORY": "sample",  # chosen on purpose: real Slack refuses an unset one
            **self.env,
        }
        log = (self.workdir / f"serve-{self.starts}.log").open("wb")
        self.process = subprocess.Popen(
            [*_rrbot(), "serve", "--port", str(self.port)],
            cwd=self.workdir,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        deadline = time.monotonic() + STARTUP_S
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(self.log())
            try:
                if httpx.get(f"{self.base}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("rrbot serve did not start in time:\n" + self.log())
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no lease released, claims and requests cut where they are."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def terminate(self, within_s: float) -> tuple[int | None, float]:
        """SIGTERM, as an orchestrator stops a replica: (exit status, seconds to exit); the
        status is None, and the process killed, when it outlived `within_s`."""
        assert self.process is not None
        started = time.monotonic()
        self.process.send_signal(signal.SIGTERM)
        try:
            status: int | None = self.process.wait(timeout=within_s)
        except subprocess.TimeoutExpired:
            self.kill()
            status = None
        return status, time.monotonic() - started

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()

    def log(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.workdir.glob("serve-*.log")))


@contextmanager
def serving(database_url: str, slack: SlackApiFake, workdir: Path) -> Iterator[Server]:
    server = Server(database_url, slack.base_url, workdir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def body(n: int) -> dict[str, Any]:
    return {
        "external_ref": f"BURST-{n:04d}",
        "notified_on": date.today().isoformat(),  # a real server: its own clock decides
        "agencies": AGENCIES,
        "child_names": ["Jamie Fictitious"],
        "family_names": ["Testperson"],
    }


async def notify(base: str, n: int, client: httpx.AsyncClient) -> tuple[int, float, int]:
    """(n, seconds to the answer, status); status 0 when the connection died unanswered."""
    started = time.perf_counter()
    try:
        answer = await client.post(f"{base}/notifications", json=body(n), headers=AUTH)
    except httpx.TransportError:
        return n, time.perf_counter() - started, 0
    return n, time.perf_counter() - started, answer.status_code


async def burst(base: str, numbers: range) -> list[tuple[int, float, int]]:
    limits = httpx.Limits(max_connections=len(numbers))
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        return list(await asyncio.gather(*(notify(base, n, client) for n in numbers)))


@dataclass(frozen=True)
class Opened:
    """What the database says of every case, and whom the fake Slack told what."""

    cases: dict[str, tuple[str, str]]  # ref -> (stage, channel)
    requests: dict[tuple[str, str], int]  # (ref, agency name) -> request DMs received

    def unfinished(self) -> list[str]:
        return sorted(
            ref for ref, (stage, channel) in self.cases.items()
            if not channel or stage == "notified"
        )  # fmt: skip

    def missing_requests(self, names: list[str]) -> list[tuple[str, str]]:
        return [
            (ref, name)
            for ref in self.cases
            for name in names
            if self.requests.get((ref, name), 0) == 0
        ]


async def read_back(database_url: str, slack: SlackApiFake) -> Opened:
    engine = make_engine(database_url)
    try:
        async with engine.connect() as connection:
            rows = (await connection.execute(text("SELECT ref, stage, channel FROM cases"))).all()
    finally:
        await engine.dispose()
    requests: dict[tuple[str, str], int] = {}
    for messages in list(slack.messages.values()):
        for message in list(messages.values()):
            first = message.text.split("\n", 1)[0]
            if first.startswith("Information request for "):
                ref, _, rest = first.removeprefix("Information request for ").partition(" (")
                key = (ref, rest.removesuffix(")."))
                requests[key] = requests.get(key, 0) + 1
    return Opened({r: (s, c) for r, s, c in rows}, requests)


def agency_names() -> list[str]:
    directory = load_directory()
    names = []
    for code in AGENCIES:
        agency = directory.agency(code)
        assert agency is not None
        names.append(agency.name)
    return names


async def until_opened(
    database_url: str, slack: SlackApiFake, expected: int, within_s: float
) -> tuple[Opened, float]:
    """Poll until `expected` cases are open with every request delivered; (state, seconds)."""
    started = time.monotonic()
    names = agency_names()
    while True:
        state = await read_back(database_url, slack)
        done = (
            len(state.cases) >= expected
            and not state.unfinished()
            and not state.missing_requests(names)
        )
        if done or time.monotonic() - started > within_s:
            return state, time.monotonic() - started
        await asyncio.sleep(0.1)
