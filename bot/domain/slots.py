"""The slot finder: every start in the meeting window, ranked quorate first, then fullest.

Busy time is turned once into per-person masks over the slot grid (one bit per invitee in
each slot's free mask), so ranking a week costs a bisect per person and slot plus one quorum
evaluation per distinct set of free people.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.domain.errors import InvalidInput
from bot.domain.playbook import WorkingHours
from bot.domain.quorum import QuorumResult, Roster, evaluate
from bot.domain.quorum_rule import QuorumRule
from bot.domain.slot_advice import explain


@dataclass(frozen=True, slots=True)
class Busy:
    """A busy interval from a diary; both ends timezone-aware."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class SlotSearch:
    window: Sequence[tuple[int, date]]  # (working day number, date), working days only
    hours: WorkingHours
    duration: timedelta
    step: timedelta

    def __post_init__(self) -> None:
        if self.duration <= timedelta(0) or self.step <= timedelta(0):
            raise InvalidInput("A meeting's length and the step between starts must be positive.")

    @property
    def zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(self.hours.timezone)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise InvalidInput(f"Unknown time zone '{self.hours.timezone}'.") from err


@dataclass(frozen=True, slots=True)
class RankedSlot:
    start: datetime  # aware UTC
    end: datetime
    day: int  # working day number in the case's timetable
    free: frozenset[str]
    busy: frozenset[str]
    quorum: QuorumResult

    @property
    def rank(self) -> tuple[bool, int, datetime]:
        """Smaller is better: quorate first, then more invitees free, then earlier."""
        return (not self.quorum.met, -len(self.free), self.start)


@dataclass(frozen=True, slots=True)
class SlotProposal:
    slots: tuple[RankedSlot, ...]  # best first
    any_quorate: bool
    explanation: str | None = None  # why nothing is quorate and what would help

    @property
    def best(self) -> RankedSlot | None:
        return self.slots[0] if self.slots else None


@dataclass(frozen=True, slots=True)
class _Start:
    day: int
    start: datetime
    end: datetime
    start_ts: float
    end_ts: float


def find_slots(
    search: SlotSearch,
    rule: QuorumRule,
    roster: Roster,
    busy: Mapping[str, Sequence[Busy]],
    limit: int = 10,
) -> SlotProposal:
    """Rank every candidate start; explain in words when none is quorate."""
    if limit < 1:
        raise InvalidInput("Ask for at least one slot.")
    grid = _grid(search)
    emails = roster.emails
    diaries = {k.lower(): v for k, v in busy.items()}
    everyone = (1 << len(emails)) - 1
    masks = [everyone] * len(grid)
    for i, email in enumerate(emails):
        starts, ends = _merged(diaries.get(email.lower(), ()), email)
        if not starts:
            continue
        clear = ~(1 << i)
        for j, slot in enumerate(grid):
            # Merged intervals are disjoint, so the last one starting before the slot ends
            # has the latest end of all of them: it alone decides the overlap.
            k = bisect_left(starts, slot.end_ts)
            if k and ends[k - 1] > slot.start_ts:
                masks[j] &= clear
    judged: dict[int, tuple[frozenset[str], frozenset[str], QuorumResult]] = {}
    ranked: list[RankedSlot] = []
    for slot, mask in zip(grid, masks, strict=True):
        if mask not in judged:
            free = frozenset(e for i, e in enumerate(emails) if mask >> i & 1)
            judged[mask] = (free, frozenset(emails) - free, evaluate(rule, roster, free))
        free, away, quorum = judged[mask]
        ranked.append(RankedSlot(slot.start, slot.end, slot.day, free, away, quorum))
    ranked.sort(key=lambda s: s.rank)
    any_quorate = bool(ranked) and ranked[0].quorum.met
    explanation = None if any_quorate else explain(search, rule, roster, ranked)
    return SlotProposal(tuple(ranked[:limit]), any_quorate, explanation)


def non_overlapping(ranked: Sequence[RankedSlot], limit: int) -> tuple[RankedSlot, ...]:
    """The best slots that do not overlap one another: 09:00, 09:15 and 09:30 on the same
    morning are one choice for a chair, not three."""
    chosen: list[RankedSlot] = []
    for slot in ranked:
        if all(slot.end <= c.start or c.end <= slot.start for c in chosen):
            chosen.append(slot)
            if len(chosen) == limit:
                break
    return tuple(chosen)


def _grid(search: SlotSearch) -> list[_Start]:
    """Candidate starts, stepping from the local start of working hours (DST-correct)."""
    zone = search.zone
    hours = search.hours
    grid: list[_Start] = []
    for day, on in search.window:
        # Wall-clock times in the partnership's zone, then absolute (UTC) arithmetic.
        start = datetime.combine(on, hours.start, tzinfo=zone).astimezone(UTC)
        close = datetime.combine(on, hours.end, tzinfo=zone).astimezone(UTC)
        while start + search.duration <= close:
            end = start + search.duration
            grid.append(_Start(day, start, end, start.timestamp(), end.timestamp()))
            start += search.step
    return grid


def _merged(intervals: Sequence[Busy], email: str) -> tuple[list[float], list[float]]:
    """Sorted, disjoint (start, end) epoch seconds; empty intervals dropped."""
    spans: list[tuple[float, float]] = []
    for b in intervals:
        if b.start.utcoffset() is None or b.end.utcoffset() is None:
            raise InvalidInput(f"The diary of {email} has a busy time without a time zone.")
        s, e = b.start.timestamp(), b.end.timestamp()
        if e > s:
            spans.append((s, e))
    spans.sort()
    starts: list[float] = []
    ends: list[float] = []
    for s, e in spans:
        if ends and s <= ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends
