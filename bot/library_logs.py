"""What the libraries the bot uses may log: how low their levels go, and what of their lines
is withheld.

The HTTP and chat SDKs print whole request and response bodies and headers (bolt logs a
rejected Slack request's body, people's message text included, at INFO; slack_sdk every API
call's body at DEBUG; azure-core a multi-line header dump at INFO). Their levels are held at
a floor however low the bot's own goes (by the handler too: bolt gives each logger it makes
the root's level, under the floor), and what they log at or above it keeps only what comes
before a body, a header dump or a payload, and no traceback below WARNING. Every line is
then masked and redacted like the bot's own (bot/logging.py).
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from structlog.typing import EventDict, WrappedLogger

WITHHELD = "[withheld]"
# Never lower than this, whatever the configured level. bolt and slack_sdk stay at INFO: a
# rejected signature (a wrong signing secret) and a rate-limit retry are worth seeing.
FLOORS = {
    "slack_bolt": logging.INFO,
    "slack_sdk": logging.INFO,
    "slack": logging.INFO,
    "azure": logging.WARNING,  # http_logging_policy dumps headers at INFO
    "msal": logging.WARNING,
    "httpx": logging.WARNING,  # a line per request at INFO
    "httpcore": logging.WARNING,  # headers at DEBUG
    "hpack": logging.WARNING,
    "urllib3": logging.WARNING,
    "aiohttp": logging.WARNING,
    "websockets": logging.WARNING,
    "kiota_http": logging.WARNING,
    "apscheduler": logging.WARNING,  # "Running job ..." on every tick
    "aiosqlite": logging.WARNING,  # every statement with its parameters at DEBUG
    "asyncpg": logging.WARNING,
    "alembic.runtime.plugins": logging.WARNING,  # "setup plugin ..." x7 at every start
    "microsoft_teams": logging.INFO,  # every activity, people's text included, at DEBUG
}
# Library lines that are false for how the bot uses the library, said at every start.
MISLEADING = {
    # bolt reads SLACK_BOT_TOKEN from the environment itself and warns that the client we
    # give it wins; the bot means that: each request's token comes from `authorize`.
    ("slack_bolt", "As you gave `client` as well, `token` will be unused."),
}
# Loggers whose lines may carry a request or a response: everything from the first of these
# markers on is withheld, and so is every line after the first.
_SPEAKERS = (
    *("slack_bolt", "slack_sdk", "slack", "azure", "msal", "httpx", "httpcore"),
    *("urllib3", "aiohttp", "websockets", "kiota", "msgraph", "hpack", "microsoft_teams"),
)
_PAYLOAD = re.compile(
    r"(?i)\b(?:request |response )?(?:json_body|body_params|body|headers|query_params|params"
    r"|data|json|files|content|payload|message)\s?[:=]"
    r"|\brequest\s?\("  # bolt: "Unhandled request ({...})", "... for the request ({...})"
)


def quiet_libraries(level: int) -> None:
    """Hold each library's logger at its floor, or at `level` when that is higher."""
    for name, floor in FLOORS.items():
        logging.getLogger(name).setLevel(max(level, floor))


@lru_cache(maxsize=1024)  # logger names are few and fixed
def floor_of(logger_name: str) -> int:
    """The lowest level a line from this logger may have; NOTSET for the bot's own."""
    for library, floor in FLOORS.items():
        if logger_name == library or logger_name.startswith(f"{library}."):
            return floor
    return logging.NOTSET


class AtOrAboveFloor(logging.Filter):
    """Handler filter: a library's line below its floor is dropped, whatever its logger's
    own level says (bolt sets its loggers' levels itself; someone may lower one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= floor_of(record.name)


class NotMisleading(logging.Filter):
    """Handler filter: drops the MISLEADING lines (exactly those, from those libraries)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not isinstance(record.msg, str):  # structlog's own lines carry a dict
            return True
        return (record.name.split(".", 1)[0], record.msg) not in MISLEADING  # unformatted


def _speaks_http(logger_name: str) -> bool:
    return any(logger_name == s or logger_name.startswith(f"{s}.") for s in _SPEAKERS)


def _withheld(text: str) -> str:
    first, *rest = text.split("\n", 1)
    m = _PAYLOAD.search(first)
    if m:
        return f"{first[: m.end()]} {WITHHELD}"
    return f"{first} {WITHHELD}" if rest else first


def withhold_payloads(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """Processor: a library line that may carry a body or headers keeps its first words; a
    library traceback below WARNING keeps only its last line (the exception, not its frames
    and the context they print)."""
    record = event_dict.get("_record")
    if not isinstance(record, logging.LogRecord) or not _speaks_http(record.name):
        return event_dict
    event = event_dict.get("event")
    if isinstance(event, str):
        event_dict["event"] = _withheld(event)
    exception = event_dict.get("exception")
    if isinstance(exception, str) and record.levelno < logging.WARNING:
        event_dict["exception"] = exception.rstrip().rsplit("\n", 1)[-1]
    return event_dict
