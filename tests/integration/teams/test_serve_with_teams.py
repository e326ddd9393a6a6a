"""`rrbot serve` with Teams, as a process: it says which chat it serves, answers a signed
activity over real HTTP on the same port as everything else, and refuses in one line a
CLIENT_SECRET that the Teams SDK would pick up from a `.env` file behind rrbot's back."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from handlers.slack.interactions import NOT_KNOWN  # the sender is no one in the directory
from tests.fakes.teams_issuer import TeamsIssuerFake
from tests.integration.http.harness import TOKEN
from tests.integration.http.test_serve import STARTUP_S, free_port, rrbot
from tests.integration.teams.serving import BOT_ID, ConnectorRecorder, message

pytestmark = pytest.mark.usefixtures("restore_logging")
# The Teams SDK alone takes about 2 s of CPU to import (FastAPI, MSAL, OpenTelemetry ...): on
# a loaded two-core CI machine a start has been seen to take over 15 s.
TEAMS_STARTUP_S = 4 * STARTUP_S


@pytest.fixture
def restore_logging() -> None:
    """The process configures its own logging; nothing here to restore."""


def environment(tmp_path: Path, teams_settings: dict[str, object]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CLIENT_SECRET", "DIRECTORY")}
    env |= {name.upper(): str(value) for name, value in teams_settings.items()}
    env |= {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'rr.db'}",
        "NOTIFICATION_TOKEN": TOKEN,
        "DIRECTORY": "sample",
        "LOG_LEVEL": "INFO",
    }
    return env


def test_serve_says_it_serves_teams_and_answers_a_signed_activity(
    tmp_path: Path,
    teams_settings: dict[str, object],
    teams_issuer: TeamsIssuerFake,
    connector: ConnectorRecorder,
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    err = tmp_path / "stderr.txt"
    with err.open("wb") as stderr:
        process = subprocess.Popen(
            [*rrbot(), "serve", "--port", str(port)],
            cwd=tmp_path,
            env=environment(tmp_path, teams_settings),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        try:
            deadline = time.monotonic() + TEAMS_STARTUP_S
            while True:
                assert process.poll() is None, err.read_text()
                try:
                    if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, f"no start in time: {err.read_text()}"
                time.sleep(0.05)
            token = teams_issuer.token(audience=BOT_ID, service_url=connector.base_url)
            signed = {"Authorization": f"Bearer {token}"}
            answer = httpx.post(
                f"{base}/api/messages", json=message(connector.base_url), headers=signed
            )
            unsigned = httpx.post(f"{base}/api/messages", json=message(connector.base_url))
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=10) in (0, -signal.SIGTERM)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert answer.status_code == 200, answer.text
    assert unsigned.status_code == 401
    assert [reply.body["text"] for reply in connector.replies] == [NOT_KNOWN]
    logged = err.read_text()
    assert f"rrbot serving on {base} (chat: teams; directory: the fictional sample)" in logged
    assert str(teams_settings["teams_client_secret"]) not in logged
    assert token not in logged


def test_a_client_secret_in_a_dot_env_file_is_refused_at_start(
    tmp_path: Path, teams_settings: dict[str, object]
) -> None:
    (tmp_path / ".env").write_text("CLIENT_SECRET=a-secret-for-the-sdk-alone\n")
    result = subprocess.run(
        [*rrbot(), "serve", "--port", str(free_port())],
        cwd=tmp_path,
        env=environment(tmp_path, teams_settings),
        capture_output=True,
        text=True,
        timeout=TEAMS_STARTUP_S,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "Error: CLIENT_SECRET is set (in the environment or .env): the Teams SDK would use it"
        " instead of rrbot's token path; unset it and give the bot's secret as"
        " TEAMS_CLIENT_SECRET."
    ]
