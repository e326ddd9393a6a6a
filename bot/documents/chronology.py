"""The multi-agency chronology: every agency's entries merged into one, by date."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.documents.views import AgencyName, AgencyReturn
from bot.domain.returns import ChronologyEntry


@dataclass(frozen=True, slots=True)
class MergedEntry:
    agency: AgencyName
    entry: ChronologyEntry


def merged_chronology(returns: Sequence[AgencyReturn]) -> list[MergedEntry]:
    """All entries of the agencies' latest structured returns, sorted by date (a range by its
    first day). Entries of the same day keep the agencies' order, then each agency's own
    order: the sort is stable, and the input is in that order already."""
    merged = [
        MergedEntry(r.agency, entry)
        for r in returns
        if r.structured is not None
        for entry in r.structured.chronology
    ]
    merged.sort(key=lambda m: m.entry.on)
    return merged
