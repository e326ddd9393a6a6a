"""The whole log at DEBUG, captured in memory through the real redacting handler, and the
logging set-up (handlers, levels, library floors) put back afterwards."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import structlog

from bot.library_logs import FLOORS
from bot.logging import configure_logging


@contextmanager
def debug_log(*talkers: str) -> Iterator[io.StringIO]:
    """`talkers`: loggers turned down to DEBUG as well, as someone chasing a problem would."""
    root = logging.getLogger()
    handlers, level, config = root.handlers[:], root.level, structlog.get_config()
    stream = io.StringIO()
    configure_logging("DEBUG", stream=stream)
    for name in talkers:
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.handlers[:], root.level = handlers, level
        structlog.configure(**config)
        for name, floor in FLOORS.items():
            logging.getLogger(name).setLevel(floor)
        for name in set(talkers) - set(FLOORS):
            logging.getLogger(name).setLevel(logging.NOTSET)
