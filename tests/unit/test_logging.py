"""No log line carries a child's name, an NHS number, a postcode, a DOB or a secret.

Each test reads the rendered output, what an operator or a log shipper would see. All people
and numbers are made up.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import date

import pytest
import structlog
from pydantic import SecretStr

from bot.domain.sensitivity import CaseSubject
from bot.logging import (
    REGISTRY,
    configure_logging,
    forget_case_subject,
    get_logger,
    register_case_subject,
)

REF = "LLR-RR-2026-001"
SUBJECT = CaseSubject(("Jamie Fictitious", "Testperson"), (date(2015, 3, 3),))


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    """Each test configures logging its own way; the rest of the suite gets its own back."""
    root = logging.getLogger()
    handlers, level, config = root.handlers[:], root.level, structlog.get_config()
    REGISTRY.clear()  # other tests open cases too; start from none
    yield
    REGISTRY.clear()
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.configure(**config)


@pytest.fixture
def output() -> io.StringIO:
    stream = io.StringIO()
    configure_logging("DEBUG", json=True, stream=stream)
    register_case_subject(REF, SUBJECT)
    return stream


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_case_subject_never_reaches_a_log_line(output: io.StringIO) -> None:
    get_logger("bot.test").info(
        "return recorded for Jamie",
        case_ref=REF,
        note="Fictitious family at LE1 6ZG, NHS 943 476 5919, born 03/03/2015",
        dob=date(2015, 3, 3),
        nhs=9434765919,
        people={"child": "Jamie Fictitious", "family": ["Testperson"]},
    )
    text = output.getvalue()
    for leaked in ("Jamie", "Fictitious", "Testperson", "LE1 6ZG", "943 476 5919", "9434765919"):
        assert leaked not in text
    assert "03/03/2015" not in text and "2015-03-03" not in text
    [line] = lines(output)
    assert line["case_ref"] == REF
    assert line["event"] == "return recorded for [name]"
    assert line["people"] == {"child": "[name]", "family": ["[name]"]}


def test_an_object_is_redacted_as_it_would_be_rendered(output: io.StringIO) -> None:
    class Row:
        def __repr__(self) -> str:
            return "Row(child='Jamie', dob=datetime.date(2015, 3, 3))"

    get_logger("bot.test").info("loaded", case_ref=REF, row=Row(), subject=SUBJECT)
    text = output.getvalue()
    assert "Jamie" not in text and "2015, 3, 3" not in text and "Fictitious" not in text


def test_names_of_every_registered_case_apply_to_every_line(output: io.StringIO) -> None:
    register_case_subject("LLR-RR-2026-002", CaseSubject(("Robin Madeup",)))
    get_logger("bot.test").info("merged", case_ref=REF, note="see Robin's case")
    assert "Robin" not in output.getvalue()


def test_secrets_are_masked_by_key_by_type_and_by_shape(output: io.StringIO) -> None:
    get_logger("bot.test").info(
        "calling slack",
        case_ref=REF,
        client_secret="abc123",
        api=SecretStr("def456"),
        header="Bearer ghi789",
        text="token xoxb-1234-abcd and xapp-1-A1-99 and xoxp-77-88",
        body="grant_type=client_credentials&client_secret=jkl012&scope=x",
        url="postgresql+asyncpg://rrbot:mno345@db/rrbot",
        headers={"Authorization": "Basic pqr678", "Accept": "json"},
    )
    text = output.getvalue()
    for leaked in ("abc123", "def456", "ghi789", "xoxb-1234", "xapp-1", "xoxp-77", "jkl012"):
        assert leaked not in text
    assert "mno345" not in text and "pqr678" not in text
    [line] = lines(output)
    assert line["client_secret"] == "[secret]"
    assert line["body"] == "grant_type=client_credentials&client_secret=[secret]&scope=x"
    assert line["headers"] == {"Authorization": "[secret]", "Accept": "json"}
    assert line["event"] == "calling slack" and line["case_ref"] == REF


def test_library_log_records_are_redacted_too(output: io.StringIO) -> None:
    logging.getLogger("sqlalchemy.engine").warning("row for %s at %s", "Jamie", "SW1A 1AA")
    [line] = lines(output)
    assert line["event"] == "row for [name] at [postcode]"
    assert line["logger"] == "sqlalchemy.engine"


def test_a_traceback_is_redacted(output: io.StringIO) -> None:
    try:
        raise ValueError("no agency for Jamie Fictitious, NHS 943 476 5919")
    except ValueError:
        get_logger("bot.test").exception("open_case_failed", case_ref=REF)
    [line] = lines(output)
    assert "ValueError: no agency for [name], NHS [nhs-number]" in str(line["exception"])
    assert line["event"] == "open_case_failed"


def test_a_forgotten_case_no_longer_costs_a_redaction(output: io.StringIO) -> None:
    forget_case_subject(REF)
    get_logger("bot.test").info("Jamie")
    assert "Jamie" in output.getvalue()


def test_lines_below_the_level_are_dropped() -> None:
    stream = io.StringIO()
    configure_logging("WARNING", stream=stream)
    get_logger("bot.test").info("quiet")
    logging.getLogger("lib").info("quiet too")
    get_logger("bot.test").warning("loud", case_ref=REF)
    assert "quiet" not in stream.getvalue()
    assert "loud" in stream.getvalue() and REF in stream.getvalue()
