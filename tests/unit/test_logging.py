"""No log line carries a child's name, an NHS number, a postcode, a DOB or a secret."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from datetime import date

import pytest
from pydantic import SecretStr

from bot.domain.sensitivity import CaseSubject
from bot.logs import (
    REGISTRY,
    configure_logging,
    forget_case_subject,
    get_logger,
    register_case_subject,
)


@pytest.fixture
def output() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    REGISTRY.clear()  # other tests open cases too; start from none
    configure_logging("DEBUG", json=True, stream=stream)
    register_case_subject(
        "LLR-RR-2026-001", CaseSubject(("Jamie Fictitious",), (date(2015, 3, 3),))
    )
    yield stream
    forget_case_subject("LLR-RR-2026-001")


def test_a_case_subject_never_reaches_a_log_line(output: io.StringIO) -> None:
    get_logger("test").info(
        "return recorded for Jamie",
        case_ref="LLR-RR-2026-001",
        note="Fictitious family at LE1 6ZG, NHS 943 476 5919, born 03/03/2015",
    )
    line = output.getvalue()
    for leaked in ("Jamie", "Fictitious", "LE1 6ZG", "943 476 5919", "03/03/2015"):
        assert leaked not in line
    assert "LLR-RR-2026-001" in line and "return recorded for [name]" in line


def test_secrets_are_masked_by_key_by_type_and_by_shape(output: io.StringIO) -> None:
    get_logger("test").info(
        "calling slack",
        client_secret="abc123",
        api=SecretStr("def456"),
        header="Bearer ghi789",
        text="token xoxb-1234-abcd",
    )
    line = output.getvalue()
    for leaked in ("abc123", "def456", "ghi789", "xoxb-1234"):
        assert leaked not in line


def test_library_log_records_are_redacted_too(output: io.StringIO) -> None:
    logging.getLogger("sqlalchemy.engine").warning("row for Jamie Fictitious at SW1A 1AA")
    line = output.getvalue()
    assert "Jamie" not in line and "SW1A 1AA" not in line


def test_a_forgotten_case_no_longer_costs_a_redaction(output: io.StringIO) -> None:
    forget_case_subject("LLR-RR-2026-001")
    get_logger("test").info("Jamie")
    assert "Jamie" in output.getvalue()
