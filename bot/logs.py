"""Structured logging that never carries personal data or a secret.

Every string in every log event goes through the sensitivity guard's redaction (names held on
any open case, NHS numbers, dates of birth, postcodes) and a secret mask.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any, TextIO

import structlog
from pydantic import SecretBytes, SecretStr

from bot.domain.sensitivity import CaseSubject, SensitivityGuard

_SECRET_KEY = re.compile(r"token|secret|password|authorization|api_key|cookie", re.IGNORECASE)
_SECRET_TEXT = re.compile(
    r"xox[abpr]-[A-Za-z0-9-]+|xapp-[A-Za-z0-9-]+|(?i:bearer)\s+[A-Za-z0-9._~+/=-]+"
)


class _Registry:
    """The case subjects whose names must never be logged; one guard over all of them."""

    def __init__(self) -> None:
        self._subjects: dict[str, CaseSubject] = {}
        self.guard = SensitivityGuard()

    def register(self, case_ref: str, subject: CaseSubject) -> None:
        self._subjects[case_ref] = subject
        self._rebuild()

    def forget(self, case_ref: str) -> None:
        self._subjects.pop(case_ref, None)
        self._rebuild()

    def clear(self) -> None:
        self._subjects.clear()
        self._rebuild()

    def _rebuild(self) -> None:
        names = tuple(n for s in self._subjects.values() for n in s.names)
        dobs = tuple(d for s in self._subjects.values() for d in s.dates_of_birth)
        self.guard = SensitivityGuard(CaseSubject(names, dobs))


REGISTRY = _Registry()


def register_case_subject(case_ref: str, subject: CaseSubject) -> None:
    REGISTRY.register(case_ref, subject)


def forget_case_subject(case_ref: str) -> None:
    REGISTRY.forget(case_ref)


def _clean(value: Any) -> Any:
    if isinstance(value, SecretStr | SecretBytes):
        return "[secret]"
    if isinstance(value, str):
        return _SECRET_TEXT.sub("[secret]", REGISTRY.guard.redact(value))
    if isinstance(value, dict):
        return {
            k: "[secret]" if _SECRET_KEY.search(str(k)) else _clean(v) for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(_clean(v) for v in value)
    return value


def redact_event(
    _logger: Any, _method: str, event: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """A structlog processor: mask secrets by key, redact personal data in every string."""
    for key in list(event):
        event[key] = "[secret]" if _SECRET_KEY.search(key) else _clean(event[key])
    return event


def configure_logging(
    level: str = "INFO", *, json: bool = False, stream: TextIO | None = None
) -> None:
    renderer: Any = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.format_exc_info,
        redact_event,
    ]
    structlog.configure(
        processors=[*shared, renderer],
        logger_factory=structlog.PrintLoggerFactory(stream or sys.stderr),
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level.upper())),
        cache_logger_on_first_use=False,
    )
    # Library loggers (sqlalchemy, slack, azure ...) go through the same redaction.
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared[1:-1],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                redact_event,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
