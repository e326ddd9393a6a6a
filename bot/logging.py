"""Structured logging that never carries personal data or a secret (DOMAIN.md §9).

Every log line, ours or a library's (SQLAlchemy, Slack, azure-identity ...), goes through one
stdlib handler whose formatter runs two processors over every value before rendering:
`mask_secrets` (by key name, by type, by shape) and `redact_personal_data` (the sensitivity
guard, with the names and dates of birth of every registered case). Values that are not plain
data are rendered to text first, so nothing reaches the renderer's own `repr` unredacted.
Libraries' lines lose their bodies and header dumps first (bot/library_logs.py). A line that
cannot be formatted becomes a fixed line: logging never takes the process down.
"""

from __future__ import annotations

import contextlib
import json as pyjson
import logging
import re
import sys
import threading
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any, TextIO, cast

import structlog
from pydantic import SecretBytes, SecretStr
from structlog.typing import EventDict, FilteringBoundLogger, Processor, WrappedLogger

from bot.domain.sensitivity import CaseSubject, SensitivityGuard
from bot.library_logs import AtOrAboveFloor, NotMisleading, quiet_libraries, withhold_payloads

SECRET = "[secret]"
# Slack's `authorizations` is a list of workspace ids, not a credential.
_SECRET_WORDS = (
    r"token|secret|passw(?:or)?d|authori[sz]ation(?!s)|api[_-]?key|cookie|credential|signature"
)
_SECRET_KEY = re.compile(_SECRET_WORDS, re.IGNORECASE)
# In free text: `key=value` / `"key": "value"` pairs (a token request body, a header dump),
# Slack tokens, JWTs (Graph access tokens), bearer credentials and passwords in URLs.
# Quantifiers are bounded so a hostile string cannot make a log call slow.
_SECRET_TEXT = re.compile(
    rf"(?i:(?P<key>\b[\w-]{{0,40}}(?:{_SECRET_WORDS})[\w-]{{0,40}}[\"']?\s{{0,3}}[=:]\s{{0,3}}"
    r"[\"']?)(?!\[?\{)(?:bearer\s+|basic\s+)?[^\s&\"',;]+)"  # a structure: its own keys say
    r"|\bxox[a-z]-[\w-]+|\bxapp-[\w-]+|\beyJ[\w-]+\.[\w-]+\.[\w-]*"
    r"|(?i:\bbearer\s+)[\w.~+/=-]+"
    r"|(?P<scheme>://[^/\s:@]{1,100}:)[^@\s/]+@"
)
_REPR_DATE = re.compile(r"datetime\.date(?:time)?\((\d{4}), (\d{1,2}), (\d{1,2})(?:, [^)]*)?\)")
# A timestamp under its own key (a Slack `ts`, a token's `exp`) is a time, not an NHS number.
_TIME_KEY = re.compile(r"(?i)(?:^|[_-])(?:ts|timestamp|time|epoch|exp|iat|nbf|expires_(?:on|at))$")
_TIME_VALUE = re.compile(r"\d{9,11}(?:\.\d{1,6})?")
_META = frozenset({"_record", "_from_structlog"})  # ProcessorFormatter's own, not log data
_MAX_DEPTH = 4


class CaseSubjects:
    """The names and dates of birth held on every open case, as one guard. All of them apply
    to every line (a line about one case may quote another). The guard, and so its one
    combined pattern, is rebuilt on the first line after a change: the start-up registration
    of every open case costs one compile, not one per case."""

    def __init__(self) -> None:
        self._subjects: dict[str, CaseSubject] = {}
        self._lock = threading.Lock()
        self._guard = SensitivityGuard()
        self._stale = False

    @property
    def guard(self) -> SensitivityGuard:
        if self._stale:
            with self._lock:
                if self._stale:
                    subjects = self._subjects.values()
                    names = sorted({n for s in subjects for n in s.names})
                    dates = sorted({d for s in subjects for d in s.dates_of_birth})
                    self._guard = SensitivityGuard(CaseSubject(tuple(names), tuple(dates)))
                    self._stale = False
        return self._guard

    def register(self, case_ref: str, subject: CaseSubject) -> None:
        with self._lock:
            if self._subjects.get(case_ref) != subject:
                self._subjects[case_ref] = subject
                self._stale = True

    def forget(self, case_ref: str) -> None:
        with self._lock:
            if self._subjects.pop(case_ref, None) is not None:
                self._stale = True

    def clear(self) -> None:
        with self._lock:
            self._subjects.clear()
            self._stale = True


REGISTRY = CaseSubjects()


def register_case_subject(case_ref: str, subject: CaseSubject) -> None:
    """Redact this case's names and dates of birth from every log line from now on."""
    REGISTRY.register(case_ref, subject)


def forget_case_subject(case_ref: str) -> None:
    """Stop looking for this case's names (a closed case costs nothing per line)."""
    REGISTRY.forget(case_ref)


def _walk(value: Any, text: Callable[[str], str], depth: int = 0) -> Any:
    """`value` as plain data (str, int, float, bool, None, list, dict) with `text` applied to
    every string, dict keys included; whatever else is rendered to a string first."""
    if value is None or isinstance(value, bool | float):
        return value
    if isinstance(value, SecretStr | SecretBytes):
        return SECRET
    if isinstance(value, str):
        return text(value)
    if isinstance(value, int):  # an NHS number can arrive as an int
        rendered = str(value)
        cleaned = text(rendered)
        return value if cleaned == rendered else cleaned
    if isinstance(value, date):  # as ISO, where a date of birth is recognised
        return text(value.isoformat())
    if isinstance(value, bytes):
        return text(value.decode("utf-8", "replace"))
    if depth < _MAX_DEPTH and isinstance(value, Mapping):
        return {text(str(k)): _keyed(str(k), v, text, depth + 1) for k, v in value.items()}
    if depth < _MAX_DEPTH and isinstance(value, list | tuple | set | frozenset):
        return [_walk(v, text, depth + 1) for v in value]
    return text(_REPR_DATE.sub(r"\1-\2-\3", repr(value)))  # "2015-3-3" is still found


def _keyed(key: str, value: Any, text: Callable[[str], str], depth: int = 0) -> Any:
    """`value` as `_walk` gives it, knowing its key: a secret's name masks it whole."""
    if _SECRET_KEY.search(key):
        return SECRET
    if _TIME_KEY.search(key) and _TIME_VALUE.fullmatch(str(value)):
        return value
    return _walk(value, text, depth)


def _mask(text: str) -> str:
    def masked(m: re.Match[str]) -> str:
        if m.group("key"):
            return m.group("key") + SECRET
        if m.group("scheme"):
            return m.group("scheme") + SECRET + "@"
        return SECRET

    return _SECRET_TEXT.sub(masked, text)


def _process(event_dict: EventDict, text: Callable[[str], str]) -> EventDict:
    for key, value in event_dict.items():
        if key not in _META:
            event_dict[key] = _keyed(key, value, text)
    return event_dict


def mask_secrets(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """Processor: a secret-named key, a pydantic secret or a token-shaped string -> [secret]."""
    return _process(event_dict, _mask)


def redact_personal_data(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """Processor: names held on any registered case, NHS numbers, dates of birth and
    postcodes in any string value -> [name], [nhs-number], [date-of-birth], [postcode]."""
    return _process(event_dict, REGISTRY.guard.redact)  # one guard for the whole line


class _SafeFormatter(structlog.stdlib.ProcessorFormatter):
    """A line that cannot be formatted (an object whose repr fails, a bug in a processor)
    becomes a fixed line naming the logger and the failure: never the raw record, which
    would carry what redaction was for, and never an exception into the caller."""

    def format(self, record: logging.LogRecord) -> str:
        try:
            return super().format(record)
        except Exception as err:  # RecursionError included: nothing gets out
            fallback = {
                "time": datetime.now(UTC).isoformat(),
                "event": "log_line_withheld",
                "level": record.levelname.lower(),
                "logger": record.name,
                "reason": f"the line could not be made safe ({type(err).__name__})",
            }
            return pyjson.dumps(fallback)


class _SafeHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """logging's own error report prints the record's message and arguments; this one
    says only that a line was lost."""

    def handleError(self, record: logging.LogRecord) -> None:
        with contextlib.suppress(Exception):  # the stream itself is gone: nothing to tell
            self.stream.write(f'{{"event": "log_line_lost", "logger": "{record.name}"}}\n')


def wants_json(log_format: str, stream: TextIO | None = None) -> bool:
    """LOG_FORMAT: "json" or "text" as said; "auto" is text for a person at a terminal and
    JSON for everything else (a container's or a service manager's log collector, a file)."""
    if log_format in ("json", "text"):
        return log_format == "json"
    if log_format != "auto":
        raise ValueError(f"LOG_FORMAT must be auto, json or text, not '{log_format}'")
    target = stream or sys.stderr
    try:
        return not target.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream: no terminal there
        return True


def configure_logging(
    level: str = "INFO", json: bool = False, *, stream: TextIO | None = None
) -> None:
    """Route structlog and stdlib logging through one handler on `stream` (stderr). A JSON
    line holds `time` (ISO 8601, UTC), `level`, `event`, `logger`, and `case_ref` and
    `request_id` when bound; the same redaction runs before either renderer."""
    numeric = logging.getLevelNamesMapping()[level.upper()]
    before: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.StackInfoRenderer(),
        structlog.processors.format_exc_info,  # a traceback is text before it is redacted
    ]
    time_key = "time" if json else "timestamp"  # the console renderer puts "timestamp" first
    renderer: Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*before, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        cache_logger_on_first_use=False,  # a later configure_logging (tests) must take effect
    )
    handler = _SafeHandler(stream or sys.stderr)
    handler.addFilter(AtOrAboveFloor())
    handler.addFilter(NotMisleading())
    handler.setFormatter(
        _SafeFormatter(
            foreign_pre_chain=before,
            processors=[
                withhold_payloads,  # reads the record: before its meta is removed
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                mask_secrets,
                redact_personal_data,
                # Stamped after redaction: a newborn's date of birth may be today's date.
                structlog.processors.TimeStamper(fmt="iso", utc=True, key=time_key),
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]  # no other root handler writes an unredacted line
    root.setLevel(numeric)
    quiet_libraries(numeric)


def get_logger(name: str) -> FilteringBoundLogger:
    """A logger that reads the configuration at each call, so a module-level logger made
    before `configure_logging` still redacts. Bind per call (`log.bind(case_ref=...)`)."""
    return cast(FilteringBoundLogger, structlog.get_logger(name))
