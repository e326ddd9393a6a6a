"""Whatever reaches /slack/events before it is known to come from Slack is refused with a 4xx
in the API's JSON error shape: a forged or broken request never costs a 500 or a traceback."""

from __future__ import annotations

import time

import pytest

from tests.integration.http.harness import Running
from tests.integration.slack.slack_app import running, signed

__all__ = ["running"]  # the fixture, used by name

FORM = "application/x-www-form-urlencoded"
COMMAND = "command=%2Frapidreview&text=help&user_id=U1"


@pytest.mark.parametrize(
    "timestamp", ["yesterday", "", "1.5e9", "-1", "+1700000000", "1_700_000_000", "9" * 5000]
)
async def test_a_timestamp_that_is_not_unix_seconds_is_refused_as_unauthenticated(
    running: Running, timestamp: str
) -> None:
    reply = await running.client.post(
        "/slack/events",
        content=COMMAND,
        headers={
            "Content-Type": FORM,
            "X-Slack-Request-Timestamp": timestamp,
            "X-Slack-Signature": "v0=" + "0" * 64,
        },
    )
    assert reply.status_code == 401
    assert reply.json() == {
        "error": "unauthorized",
        "message": "X-Slack-Request-Timestamp must be the request's Unix time in seconds.",
    }


async def test_a_request_without_a_timestamp_is_refused_as_unauthenticated(
    running: Running,
) -> None:
    reply = await running.client.post(
        "/slack/events", content=COMMAND, headers={"Content-Type": FORM}
    )
    assert reply.status_code == 401
    assert reply.json()["error"] == "unauthorized"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("{not json", "application/json"),
        ('{"n": ' + "9" * 5000 + "}", "application/json"),
        ("[1, 2]", "application/json"),
        ("payload=%7Bbroken", FORM),
    ],
)
async def test_an_unsigned_body_is_refused_before_it_is_read(
    running: Running, body: str, content_type: str
) -> None:
    reply = await running.client.post(
        "/slack/events",
        content=body,
        headers={
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(int(time.time())),
            "X-Slack-Signature": "v0=" + "0" * 64,
        },
    )
    assert reply.status_code == 401
    assert reply.json() == {
        "error": "unauthorized",
        "message": "The request is not signed with this app's Slack signing secret.",
    }


async def test_a_signed_request_still_reaches_the_bot(running: Running) -> None:
    reply = await signed(running, COMMAND, FORM)
    assert reply.status_code == 200


async def test_slacks_unsigned_certificate_check_is_answered(running: Running) -> None:
    reply = await running.client.post(
        "/slack/events", content="ssl_check=1&token=xyz", headers={"Content-Type": FORM}
    )
    assert (reply.status_code, reply.text) == (200, "")


async def test_an_expired_signature_and_a_wrong_one_each_get_their_own_answer(
    running: Running,
) -> None:
    expired = await signed(running, COMMAND, FORM, timestamp=int(time.time()) - 6 * 60)
    forged = await signed(running, COMMAND, FORM, secret="not-the-signing-secret")
    assert expired.status_code == forged.status_code == 401
    assert "Slack signature has expired" in expired.json()["message"]
    assert forged.json()["message"] == (
        "The request is not signed with this app's Slack signing secret."
    )
