"""`rrbot serve`: the real command, as a process, on a free port and a fresh SQLite file."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest
from click.testing import CliRunner

from bot.cli import cli
from tests.integration.http.harness import AUTH, TOKEN, notification

STARTUP_S = 15.0  # generous for a loaded CI machine; it is ready in about a second


def rrbot() -> list[str]:
    found = shutil.which("rrbot", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "bot.cli"]


pytestmark = pytest.mark.usefixtures("restore_logging")  # the CLI configures logging


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_serve_help_lists_its_options() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0, result.output
    assert "--host" in result.output and "--port" in result.output
    assert "[default: 127.0.0.1]" in result.output


def test_serve_answers_then_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'rr.db'}",
        "NOTIFICATION_TOKEN": TOKEN,
        "LOG_LEVEL": "INFO",
        "PLAYBOOK": "llr",
    }
    env.pop("DIRECTORY", None)
    out, err = tmp_path / "stdout.txt", tmp_path / "stderr.txt"
    base = f"http://127.0.0.1:{port}"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [*rrbot(), "serve", "--port", str(port)],
            cwd=tmp_path,  # no stray .env is read
            env=env,
            stdout=stdout,
            stderr=stderr,
        )
        try:
            deadline = time.monotonic() + STARTUP_S
            while True:
                assert process.poll() is None, err.read_text()
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "rrbot serve did not start in time"
                time.sleep(0.05)
            assert httpx.get(f"{base}/readyz", timeout=5).json() == {"status": "ok"}
            # The server runs on the real clock, which refuses a date in the future.
            today = datetime.now(ZoneInfo("Europe/London")).date()
            body = notification(notified_on=today.isoformat())
            posted = httpx.post(f"{base}/notifications", json=body, headers=AUTH)
            assert posted.status_code == 201, posted.text
            ref = f"LLR-RR-{today.year}-001"
            assert posted.json()["case_ref"] == ref
            # The scheduler opens the channel just after the answer: wait for it (a SIGTERM
            # sooner leaves the opening in the outbox for the next start, as it should).
            opened = f"#{ref.lower()}  private channel opened"
            while opened not in out.read_text():
                assert time.monotonic() < deadline + STARTUP_S, "the channel was not opened"
                time.sleep(0.05)

            process.send_signal(signal.SIGTERM)
            # uvicorn drains, runs the lifespan's shutdown, then re-raises the signal.
            # (it exits by that signal, -15, as a process killed by SIGTERM should).
            assert process.wait(timeout=10) in (0, -signal.SIGTERM)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    logged = err.read_text()
    assert "Application shutdown complete" in logged
    assert "notification_received" in logged
    assert "Jamie Fictitious" not in logged and TOKEN not in logged


def test_serve_without_its_database_says_so_in_one_line() -> None:
    env = {"DATABASE_URL": "postgresql+asyncpg://rr:s3cret-pw@127.0.0.1:1/rapid"}
    result = CliRunner(env=env).invoke(cli, ["serve", "--port", str(free_port())])
    assert result.exit_code == 1
    assert "Cannot reach the database at 127.0.0.1:1/rapid" in result.output
    assert "s3cret-pw" not in result.output and "Traceback" not in result.output


@pytest.mark.parametrize(
    "real_surface",
    [
        {"SLACK_BOT_TOKEN": "xoxb-real-workspace", "SLACK_SIGNING_SECRET": "s"},
        {
            "GRAPH_TENANT_ID": "t",
            "GRAPH_CLIENT_ID": "c",
            "GRAPH_CLIENT_SECRET": "secret",
            "GRAPH_MAILBOX": "rapid.review@partnership.example.org",
        },
    ],
    ids=["slack", "outlook"],
)
def test_real_chat_or_outlook_is_not_served_with_the_fictional_sample_unasked(
    tmp_path: Path, real_surface: dict[str, str]
) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'rr.db'}"}
    env.pop("DIRECTORY", None)
    result = subprocess.run(
        [*rrbot(), "serve", "--port", str(free_port())],
        cwd=tmp_path,
        env={**env, **real_surface},
        capture_output=True,
        text=True,
        timeout=STARTUP_S,
    )
    assert result.returncode != 0
    said = result.stderr.strip().splitlines()
    assert said == [
        "Error: DIRECTORY is not set, so the people would come from the fictional sample: set"
        " DIRECTORY to your partnership's directory file (laid out as"
        " bot/directories/sample.yaml), or DIRECTORY=sample to try the bot with the sample on"
        " purpose."
    ]
    assert "secret" not in result.stderr and "xoxb" not in result.stderr
