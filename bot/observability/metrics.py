"""The process's own metrics: counters and histograms kept in this process's memory.

They live in prometheus-client's default registry, next to its process and GC collectors, so
each replica reports its own since it started (Prometheus scrapes every replica and `sum()`
adds them up; a restart starts them from zero, which `rate()` and `increase()` allow for).
What the database knows (open cases, the outbox) is read at scrape time instead:
bot/observability/snapshot.py.

Labels are bounded by construction: a value not in a known set becomes "other", and no label
ever holds a case reference, a name or an address (DOMAIN.md §9).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Literal

from prometheus_client import Counter, Histogram

Surface = Literal["slack", "graph", "teams"]
CallOutcome = Literal["ok", "handled", "refused", "unreachable"]

# Outbox kinds as schedules/performers.py names them (a test keeps the two equal); any other
# kind, such as a row left by a newer release, becomes "other".
OUTBOX_KINDS = frozenset(
    {
        "chase",
        "reminder",
        "digest",
        "open_channel",
        "poll_responses",
        "read_mailbox",
        "email_panel",
        "send_papers",
        "tell_outcome",
    }
)

OUTBOX_ACTIONS = Counter(
    "rrbot_outbox_actions",
    "Outbox actions this process ran, by kind and outcome (sent, dropped, failed, deferred)",
    ["kind", "outcome"],
)
OUTBOX_LATE = Counter(
    "rrbot_outbox_actions_late",
    "Outbox actions this process ran after the working period they were planned for",
    ["kind"],
)
OUTSIDE_CALLS = Counter(
    "rrbot_outside_calls",
    "Calls to Slack, Microsoft Graph and the Teams Bot Connector, by method and outcome",
    ["surface", "method", "outcome"],
)
OUTSIDE_CALL_SECONDS = Histogram(
    "rrbot_outside_call_duration_seconds",
    "How long a call to Slack, Graph or Teams took, its library's retries included",
    ["surface", "method"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)
HTTP_SECONDS = Histogram(
    "rrbot_http_request_duration_seconds",
    "HTTP requests served, by route template, method and status class",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
HTTP_METHODS = frozenset({"GET", "POST", "HEAD", "PUT", "PATCH", "DELETE", "OPTIONS"})


def outbox_kind(kind: str) -> str:
    return kind if kind in OUTBOX_KINDS else "other"


def count_action(kind: str, outcome: str, *, late: bool) -> None:
    """One outbox action finished a run here: `outcome` is sent, dropped, failed or deferred."""
    label = outbox_kind(kind)
    OUTBOX_ACTIONS.labels(kind=label, outcome=outcome).inc()
    if late:
        OUTBOX_LATE.labels(kind=label).inc()


def count_call(surface: Surface, method: str, outcome: CallOutcome, seconds: float) -> None:
    """One call to an outside service; `method` is the adapter's fixed name for it."""
    OUTSIDE_CALLS.labels(surface=surface, method=method, outcome=outcome).inc()
    OUTSIDE_CALL_SECONDS.labels(surface=surface, method=method).observe(seconds)


@asynccontextmanager
async def timed_call(
    surface: Surface, method: str, classify: Callable[[BaseException], CallOutcome]
) -> AsyncIterator[None]:
    """Count the call made inside the block: "ok", or what `classify` makes of the exception
    it raised (which goes on up unchanged)."""
    started = time.perf_counter()
    try:
        yield
    except BaseException as err:
        count_call(surface, method, classify(err), time.perf_counter() - started)
        raise
    count_call(surface, method, "ok", time.perf_counter() - started)


def observe_http(route: str, method: str, status: int, seconds: float) -> None:
    HTTP_SECONDS.labels(
        route=route,
        method=method if method in HTTP_METHODS else "other",
        status=f"{status // 100}xx",
    ).observe(seconds)
