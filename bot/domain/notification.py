"""What arrives to open a case: a notification (or an agency referral below the threshold)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.domain.stages import Track


class Notification(BaseModel):
    """Validated at the edge; `child_names` etc. are held on the case and never displayed."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    external_ref: str = Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9/_.:-]*$",
        description="the notifying authority's own reference; a repeat opens nothing new",
    )
    track: Track = Track.RAPID_REVIEW
    notified_on: date
    agencies: tuple[str, ...] = Field(min_length=1, description="involved agency codes")
    child_names: tuple[str, ...] = ()
    family_names: tuple[str, ...] = ()
    dates_of_birth: tuple[date, ...] = ()

    @field_validator("notified_on", "dates_of_birth", mode="before")
    @classmethod
    def _dates_are_written_as_dates(cls, value: object) -> object:
        """Refuse numbers: pydantic would read 1797552000 as a Unix timestamp."""
        values = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            raise ValueError("write dates as YYYY-MM-DD")
        return value

    @field_validator("agencies")
    @classmethod
    def _distinct(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("an agency is listed twice")
        return value
