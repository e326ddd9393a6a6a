"""Fictional Outlook diaries for the demo: busy, senior people, reproducibly random."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.slots import Busy


def busy_diaries(
    people: list[str],
    days: list[date],
    zone: ZoneInfo,
    *,
    seed: int = 2026,
    blocked: dict[str, set[date]] | None = None,
) -> dict[str, list[Busy]]:
    """Two to four meetings a day for everyone; `blocked` people are out all day."""
    rng = random.Random(seed)
    diaries: dict[str, list[Busy]] = {p: [] for p in people}
    for person in people:
        for day in days:
            if blocked and day in blocked.get(person, set()):
                diaries[person].append(_local(day, time(8), time(18), zone))
                continue
            for _ in range(rng.randint(2, 4)):
                start_minutes = rng.randrange(9 * 60, 16 * 60, 30)
                length = rng.choice((30, 60, 60, 90))
                start = time(start_minutes // 60, start_minutes % 60)
                end_at = datetime.combine(day, start) + timedelta(minutes=length)
                diaries[person].append(_local(day, start, end_at.time(), zone))
    return diaries


def _local(day: date, start: time, end: time, zone: ZoneInfo) -> Busy:
    return Busy(
        datetime.combine(day, start, tzinfo=zone).astimezone(ZoneInfo("UTC")),
        datetime.combine(day, end, tzinfo=zone).astimezone(ZoneInfo("UTC")),
    )
