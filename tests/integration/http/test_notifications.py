"""POST /notifications: the notifying authority's system opens a case over HTTP.

Idempotent on the authority's own reference, fail-closed on the token, every field error named,
and never a child's name in a response or a log line.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator, Iterator

import pytest

from bot.logging import configure_logging
from tests.integration.http.conftest import Serve
from tests.integration.http.harness import AUTH, Running, notification

CHILD = "Jamie Fictitious"
JSON = "application/json"


async def post(running: Running, body: object, **headers: str) -> tuple[int, dict[str, object]]:
    response = await running.client.post("/notifications", json=body, headers={**AUTH, **headers})
    assert CHILD not in response.text  # no answer ever echoes a child's name
    return response.status_code, response.json()


def channels_opened(running: Running) -> list[str]:
    return [i.to for i in running.chat.transcript.items if "private channel opened" in i.text]


async def test_a_new_notification_opens_a_case_and_a_repeat_returns_the_same_one(
    running: Running,
) -> None:
    status, first = await post(running, notification())
    assert status == 201
    assert first == {"case_ref": "LLR-RR-2026-001", "created": True, "stage": "requests_sent"}

    # The authority's system retries (a timeout, a resend): same case, nothing opened twice,
    # even if the resend differs in other fields.
    status, again = await post(running, notification(agencies=["la"]))
    assert status == 200
    assert again == {"case_ref": "LLR-RR-2026-001", "created": False, "stage": "requests_sent"}
    assert channels_opened(running) == ["#llr-rr-2026-001"]

    status, other = await post(running, notification(external_ref="LA-2026-0043"))
    assert (status, other["case_ref"]) == (201, "LLR-RR-2026-002")


async def test_simultaneous_deliveries_of_one_notification_open_one_case(running: Running) -> None:
    answers = await asyncio.gather(*(post(running, notification()) for _ in range(5)))
    assert sorted(status for status, _ in answers) == [200, 200, 200, 200, 201]
    assert {body["case_ref"] for _, body in answers} == {"LLR-RR-2026-001"}
    assert channels_opened(running) == ["#llr-rr-2026-001"]


@pytest.mark.parametrize(
    ("authorization", "challenge"),
    [
        (None, 'Bearer realm="rrbot"'),
        ("Bearer not-the-token", 'Bearer realm="rrbot", error="invalid_token"'),
        ("Basic aW50YWtlOnRva2Vu", 'Bearer realm="rrbot"'),
        ("Bearer ", 'Bearer realm="rrbot"'),
        ("Bearer tökén".encode(), 'Bearer realm="rrbot", error="invalid_token"'),
    ],
)
async def test_without_the_right_token_nothing_is_opened(
    running: Running, authorization: str | bytes | None, challenge: str
) -> None:
    headers: dict[bytes, bytes] = {}
    if authorization is not None:  # bytes: a header may hold what str headers cannot
        value = authorization if isinstance(authorization, bytes) else authorization.encode()
        headers[b"Authorization"] = value
    response = await running.client.post("/notifications", json=notification(), headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == challenge
    assert response.json()["error"] == "unauthorized"
    assert "not-the-token" not in response.text
    assert channels_opened(running) == []


async def test_the_token_is_checked_before_the_body_is_read(running: Running) -> None:
    response = await running.client.post(
        "/notifications", content=b"{not json", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 401


@pytest.mark.parametrize("configured", [None, ""])
async def test_a_server_without_a_token_refuses_every_notification(
    serve: Serve, configured: str | None
) -> None:
    async with serve(notification_token=configured) as running:
        for headers in ({}, AUTH, {"Authorization": "Bearer "}):
            response = await running.client.post(
                "/notifications", json=notification(), headers=headers
            )
            assert response.status_code == 503
            assert response.json() == {
                "error": "intake_not_configured",
                "message": "Intake is not configured: set NOTIFICATION_TOKEN on the server.",
            }
        assert channels_opened(running) == []


async def test_every_invalid_field_is_named_without_echoing_the_input(running: Running) -> None:
    body = notification(
        notified_on="2026-02-30",
        agencies=[],
        dates_of_birth=["2019-03-04", CHILD],
        track="fast",
        surname=CHILD,
    )
    del body["external_ref"]
    status, answer = await post(running, body)
    assert status == 422
    assert answer["error"] == "invalid_notification"
    errors = answer["errors"]
    assert isinstance(errors, list)
    by_field = {e["field"]: e["message"] for e in errors}
    assert set(by_field) == {
        "external_ref",
        "track",
        "notified_on",
        "agencies",
        "dates_of_birth[1]",
        "surname",
    }
    assert by_field["external_ref"] == "This field is required."
    assert "day value is outside expected range" in by_field["notified_on"]
    assert "YYYY-MM-DD" in by_field["notified_on"]
    assert "at least 1 item" in by_field["agencies"]
    assert by_field["surname"] == "This is not a field of a notification."
    assert answer["message"] == "The notification has 6 invalid field(s)."
    assert channels_opened(running) == []


async def test_an_agency_listed_twice_is_refused(running: Running) -> None:
    status, answer = await post(running, notification(agencies=["la", "la"]))
    assert status == 422
    assert answer["errors"] == [{"field": "agencies", "message": "An agency is listed twice"}]


async def test_an_unknown_agency_is_named_with_the_known_ones(running: Running) -> None:
    status, answer = await post(running, notification(agencies=["la", "nhs-trust"]))
    assert status == 422
    assert answer["error"] == "invalid_input"
    message = str(answer["message"])
    assert "Unknown agency 'nhs-trust'" in message and "police" in message
    assert answer["errors"] == [{"field": None, "message": message}]
    assert channels_opened(running) == []


async def test_an_unknown_referrer_is_refused_and_nothing_opens(running: Running) -> None:
    status, answer = await post(running, notification(referred_by="fire-service"))
    assert status == 422
    assert str(answer["message"]).startswith("Unknown referring agency 'fire-service'")
    assert channels_opened(running) == []


async def test_a_body_that_is_not_an_object_is_named_as_the_body(running: Running) -> None:
    status, answer = await post(running, [notification()])
    assert status == 422
    assert answer["errors"] == [{"field": "body", "message": "The body must be a JSON object."}]


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b'{"external_ref": "LA-1", ', "The body is not valid JSON: Expecting property name"),
        (b"", "The body is not valid JSON: Expecting value at line 1 column 1."),
        (b"\xff\xfe\xfa", "The body is not valid JSON"),
        (b"[" * 20_000, "The body is not valid JSON"),
        (b"[" + b"9" * 5000 + b"]", "The body is not valid JSON: a number is too long."),
    ],
)
async def test_malformed_json_is_a_400(running: Running, content: bytes, words: str) -> None:
    response = await running.client.post(
        "/notifications", content=content, headers={**AUTH, "Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"
    assert response.json()["message"].startswith(words)


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"])
async def test_a_body_that_is_not_json_is_a_415(running: Running, content_type: str | None) -> None:
    headers = {**AUTH} if content_type is None else {**AUTH, "Content-Type": content_type}
    response = await running.client.post("/notifications", content=b"{}", headers=headers)
    assert response.status_code == 415
    assert response.json() == {
        "error": "unsupported_media_type",
        "message": "Send the notification as application/json.",
    }


async def test_json_with_a_charset_parameter_is_accepted(running: Running) -> None:
    response = await running.client.post(
        "/notifications",
        content=b'{"external_ref": "LA-1", "notified_on": "2026-12-18", "agencies": ["la"]}',
        headers={**AUTH, "Content-Type": "Application/JSON; charset=utf-8"},
    )
    assert response.status_code == 201


async def test_an_oversized_body_is_a_413_whether_declared_or_streamed(running: Running) -> None:
    big = b'{"padding": "' + b"x" * (70 * 1024) + b'"}'
    headers = {**AUTH, "Content-Type": "application/json"}
    declared = await running.client.post("/notifications", content=big, headers=headers)
    assert declared.status_code == 413
    assert declared.json() == {"error": "content_too_large", "message": declared.json()["message"]}
    assert "64 KiB" in declared.json()["message"]

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted as it arrives
        for start in range(0, len(big), 8192):
            yield big[start : start + 8192]

    streamed = await running.client.post("/notifications", content=chunks(), headers=headers)
    assert streamed.status_code == 413
    assert streamed.json()["error"] == "content_too_large"


@pytest.mark.parametrize("declared", ["9" * 5000, "12a", "-1", ""])
async def test_a_content_length_that_is_not_a_sane_number_is_a_4xx(
    running: Running, declared: str
) -> None:
    request = running.client.build_request(
        "POST", "/notifications", content=b"{}", headers={**AUTH, "Content-Type": JSON}
    )
    request.headers["Content-Length"] = declared
    response = await running.client.send(request)
    assert response.status_code in (400, 413)
    assert response.json()["error"] in ("bad_request", "content_too_large")


async def test_wrong_method_and_unknown_path_answer_in_the_same_json_shape(
    running: Running,
) -> None:
    wrong = await running.client.get("/notifications")
    assert wrong.status_code == 405
    assert wrong.headers["Allow"] == "POST"
    assert wrong.json()["error"] == "method_not_allowed"
    missing = await running.client.get("/cases")
    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")


@pytest.fixture
def log_output(restore_logging: None) -> Iterator[io.StringIO]:
    """Everything logged at DEBUG (ours, SQLAlchemy's, the drivers')."""
    stream = io.StringIO()
    configure_logging("DEBUG", stream=stream)
    engine_log = logging.getLogger("sqlalchemy.engine")
    engine_log.setLevel(logging.INFO)  # every statement and its parameters
    try:
        yield stream
    finally:
        engine_log.setLevel(logging.NOTSET)


async def test_no_log_line_carries_a_child_s_name_or_the_token(
    running: Running, log_output: io.StringIO
) -> None:
    assert (await post(running, notification()))[0] == 201
    assert (await post(running, notification()))[0] == 200
    assert (await post(running, notification(notified_on="2026-02-30")))[0] == 422
    assert (await post(running, notification(agencies=["nope"])))[0] == 422
    bad = {"Authorization": "Bearer not-the-token"}
    assert (await post(running, notification(), **bad))[0] == 401
    logged = log_output.getvalue()
    assert "notification_received" in logged and "LLR-RR-2026-001" in logged
    assert "notification_invalid" in logged and "the token did not match" in logged
    for secret in (CHILD, "Testperson", "2019-03-04", "not-the-token", AUTH["Authorization"]):
        assert secret not in logged
