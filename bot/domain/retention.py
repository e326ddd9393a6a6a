"""How long a closed case's record is kept, and whether it may be erased on a given day.

No seed (/work/shared/seeds) states a retention period for Rapid Review records, so every
shipped playbook keeps the default: 6 years after the case is closed. A partnership whose
information governance sets another period writes it in its playbook's `retention` block.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

DEFAULT_YEARS = 6


class Retention(BaseModel):
    """A playbook's retention period, counted in whole years from the day a case closed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    years_after_closure: int = Field(default=DEFAULT_YEARS, ge=1, le=100)
    source: str = Field(
        default="no seed states a period; the default, 6 years after closure",
        min_length=1,
        description="where the period comes from",
    )

    def kept_until(self, closed_on: date) -> date:
        """The last day the record must be kept; it may be erased the day after."""
        return _add_years(closed_on, self.years_after_closure)


def _add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February into a year without one: the 28th
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True, slots=True)
class Erasure:
    """Whether one case may be erased now, and if not, why not (for the person purging)."""

    ref: str
    allowed: bool
    reason: str


def may_erase(
    ref: str,
    *,
    closed_on: date | None,
    retention: Retention,
    today: date,
    closed_before: date,
) -> Erasure:
    """A case may be erased when it is closed, closed before `closed_before`, and its
    retention period has run out by `today`."""
    if closed_on is None:
        return Erasure(ref, False, "it is still open")
    if closed_on >= closed_before:
        return Erasure(ref, False, f"it closed on {closed_on}, not before {closed_before}")
    until = retention.kept_until(closed_on)
    if today <= until:
        return Erasure(
            ref,
            False,
            f"it closed on {closed_on} and must be kept until {until}"
            f" ({retention.years_after_closure} years after closure: {retention.source})",
        )
    return Erasure(ref, True, f"closed on {closed_on}, kept until {until}")
