"""The log stays truthful and up however odd the line: escaped names are redacted, junk and
timestamps do not turn lines into soup, a line that cannot be formatted becomes a fixed line,
and the libraries' own lines carry no body, header dump or traceback context.

All people, numbers and secrets here are made up.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
import structlog
from azure.core.pipeline import PipelineContext, PipelineRequest
from azure.core.pipeline.policies import HttpLoggingPolicy
from azure.core.rest import HttpRequest

from bot.domain.sensitivity import CaseSubject
from bot.library_logs import FLOORS
from bot.logging import REGISTRY, configure_logging, get_logger, register_case_subject

REF = "LLR-RR-2026-001"
NAMES = ("Zoë Brontë", "Łucja Żółć")
BODY = "token=verif&team_id=T0EXAMPLE1&text=Zo%C3%AB+Bront%C3%AB+was+seen+at+school"


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level, config = root.handlers[:], root.level, structlog.get_config()
    levels = {name: logging.getLogger(name).level for name in FLOORS}
    REGISTRY.clear()
    yield
    REGISTRY.clear()
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.configure(**config)
    for name, saved in levels.items():
        logging.getLogger(name).setLevel(saved)
    logging.getLogger("azure.core.pipeline.policies.http_logging_policy").setLevel(logging.NOTSET)


@pytest.fixture
def output() -> io.StringIO:
    stream = io.StringIO()
    configure_logging("DEBUG", json=True, stream=stream)
    register_case_subject(REF, CaseSubject(NAMES))
    return stream


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


# --- item 10: names in a SQL parameter line ----------------------------------------------


def test_names_escaped_in_a_json_parameter_are_redacted(output: io.StringIO) -> None:
    engine = logging.getLogger("sqlalchemy.engine.Engine")
    engine.setLevel(logging.INFO)  # SQLAlchemy's echo: every statement's parameters
    try:
        params = ("LLR-RR-2026-001", json.dumps(list(NAMES)), '["2015-03-03"]')
        engine.info("[generated in 0.001s] %r", params)
    finally:
        engine.setLevel(logging.NOTSET)
    [line] = lines(output)
    assert line["event"] == (
        "[generated in 0.001s] ('LLR-RR-2026-001', '[\"[name]\", \"[name]\"]', '[\"2015-03-03\"]')"
    )


# --- item 12: the redactor does not corrupt lines ------------------------------------------


def test_junk_names_from_a_refused_notification_do_not_turn_lines_into_soup(
    output: io.StringIO,
) -> None:
    register_case_subject("LLR-RR-2026-002", CaseSubject(("a", "J", "-", "é")))
    get_logger("bot.test").info("a J-shaped object at 0x7f2037a0c140", case_ref=REF)
    [line] = lines(output)
    assert line["event"] == "a J-shaped object at 0x7f2037a0c140"


def test_a_slack_timestamp_stays_a_timestamp(output: io.StringIO) -> None:
    get_logger("bot.test").info(
        "posted", ts="1767225601.000100", message_ts=1767225601, note="ts=1767225601"
    )
    [line] = lines(output)
    assert (line["ts"], line["message_ts"]) == ("1767225601.000100", 1767225601)
    assert line["note"] == "ts=1767225601"


def test_slacks_authorizations_are_left_whole(output: io.StringIO) -> None:
    payload = {"authorizations": [{"team_id": "T0EXAMPLE1", "is_bot": True}], "type": "x"}
    logging.getLogger("bot.test").warning("event %s", json.dumps(payload))
    get_logger("bot.test").info("event", payload=payload)
    first, second = lines(output)
    assert json.loads(str(first["event"]).removeprefix("event ")) == payload
    assert second["payload"] == payload


# --- item 16: any name length, and a line that cannot be formatted --------------------------


def test_a_name_of_five_thousand_characters_is_redacted_like_any_other(
    output: io.StringIO,
) -> None:
    long_name = " ".join(f"Part{chr(97 + n % 26)}{'x' * (n % 30)}" for n in range(400))[:5000]
    register_case_subject("LLR-RR-2026-003", CaseSubject((long_name,)))
    log = get_logger("bot.test")
    log.info("opened", case_ref=REF, note=f"for {long_name}.")
    log.info("next line", case_ref=REF)
    first, second = lines(output)
    assert first["note"] == "for [name]." and second["event"] == "next line"


class Unprintable:
    def __repr__(self) -> str:  # a repr that recurses without end
        return repr(self)


def test_a_line_that_cannot_be_made_safe_is_withheld_and_the_next_is_logged(
    output: io.StringIO, capsys: pytest.CaptureFixture[str]
) -> None:
    # Straight to our handler: pytest's own, on the root logger too, would fail first.
    [handler] = [h for h in logging.getLogger().handlers if getattr(h, "stream", 0) is output]
    record = logging.LogRecord(
        "bot.test", logging.INFO, __file__, 1, "at %s: %r", ("Zoë Brontë", Unprintable()), None
    )
    handler.handle(record)  # raises nothing, not even the RecursionError logging re-raises
    handler.handle(logging.LogRecord("bot.test", logging.INFO, __file__, 2, "next", (), None))
    first, second = lines(output)
    assert first["event"] == "log_line_withheld" and first["logger"] == "bot.test"
    assert "RecursionError" in str(first["reason"])
    assert "Zo" not in output.getvalue() and "at " not in str(first["event"])
    assert second["event"] == "next"
    assert capsys.readouterr().err == ""  # logging's own error report prints the record


# --- item 11: the libraries' lines ---------------------------------------------------------


def test_bolts_rejected_signature_line_keeps_no_body(output: io.StringIO) -> None:
    logging.getLogger("slack_bolt.AsyncRequestVerification").info(
        "Invalid request signature detected (signature: v0=abc123, timestamp: 1767225601,"
        f" body: {BODY})"
    )
    [line] = lines(output)
    assert line["event"] == (
        "Invalid request signature detected (signature: [secret], timestamp: 1767225601,"
        " body: [withheld]"
    )


def test_a_library_line_below_its_floor_is_dropped_even_when_its_logger_is_lowered(
    output: io.StringIO,
) -> None:
    sdk = logging.getLogger("slack_sdk.web.async_client")
    sdk.setLevel(logging.DEBUG)  # as bolt does to each logger it makes, or someone debugging
    try:
        sdk.debug("Sending a request - json: {'text': 'Jamie was seen'}, headers: {}")
    finally:
        sdk.setLevel(logging.NOTSET)
    assert output.getvalue() == ""


def test_the_teams_sdks_activity_dumps_are_not_logged_at_debug(output: io.StringIO) -> None:
    sdk = logging.getLogger("microsoft_teams.apps.app_process")
    sdk.debug("Received activity: MessageActivity(text='Jamie was seen at school')")
    logging.getLogger("microsoft_teams.apps.http.http_server").warning(
        "JWT token validation failed: %s", "Signature verification failed"
    )
    [line] = lines(output)
    assert line["event"] == "JWT token validation failed: Signature verification failed"


def test_a_library_line_at_its_floor_keeps_no_body(output: io.StringIO) -> None:
    logging.getLogger("slack_sdk.web.async_client").warning(
        "Received the following response - status: 500, headers: {'x': 'y'},"
        " body: {'ok': False, 'message': {'text': 'Jamie was seen'}}"
    )
    [line] = lines(output)
    assert line["event"] == "Received the following response - status: 500, headers: [withheld]"


def azure_request_logged() -> None:
    request = HttpRequest(
        "POST",
        "https://login.example.org/tenant/oauth2/v2.0/token",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        data={"client_secret": "fictional-secret-1", "scope": "x"},
    )
    HttpLoggingPolicy().on_request(PipelineRequest(request, PipelineContext(None)))


@pytest.mark.parametrize("policy_level", [logging.NOTSET, logging.DEBUG])
def test_azures_header_dumps_are_not_logged_at_debug(
    output: io.StringIO, policy_level: int
) -> None:
    logging.getLogger("azure.core.pipeline.policies.http_logging_policy").setLevel(policy_level)
    azure_request_logged()
    assert output.getvalue() == ""


def test_a_library_line_of_several_lines_keeps_its_first(output: io.StringIO) -> None:
    logging.getLogger("azure.core.pipeline.policies.http_logging_policy").warning(
        "Request URL: 'https://login.example.org/token'\nRequest headers:\n    'Cookie': 'x'"
    )
    [line] = lines(output)
    assert line["event"] == "Request URL: 'https://login.example.org/token' [withheld]"


def test_a_library_traceback_below_warning_keeps_only_the_exception(output: io.StringIO) -> None:
    try:
        raise ValueError("token request failed: client_secret=fictional-secret-2")
    except ValueError:
        logging.getLogger("slack_sdk.web").info("Going to retry the same request", exc_info=True)
    [line] = lines(output)
    assert line["exception"] == "ValueError: token request failed: client_secret=[secret]"
    assert "fictional-secret-2" not in output.getvalue()


def test_library_levels_are_floors_never_raised_above_the_configured_level() -> None:
    configure_logging("DEBUG", stream=io.StringIO())
    assert logging.getLogger("httpx").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("slack_bolt").getEffectiveLevel() == logging.INFO
    configure_logging("ERROR", stream=io.StringIO())
    assert logging.getLogger("slack_bolt").getEffectiveLevel() == logging.ERROR
