"""What arrives to open a case: a notification (or an agency referral below the threshold).

Every free-text field is bounded here, and the Slack form and the OpenAPI document take their
limits from these constants. Whether its dates are plausible depends on today, so that is
checked by the service opening the case (`implausible_dates`), not by the model.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bot.domain.errors import InvalidInput
from bot.domain.stages import Track

NAME_MAX_CHARS = 100  # one person's name; longer is a paste gone wrong
NAMES_MAX = 20  # names of one kind (children, family) on one notification
AGENCIES_MAX = 50
# Rapid Reviews began with Working Together 2018; nothing before can be notified.
EARLIEST_NOTIFICATION = date(2018, 1, 1)
EARLIEST_BIRTH = date(1900, 1, 1)
# A notification sent just after midnight by a clock a little fast is dated tomorrow.
DAYS_AHEAD_ALLOWED = 1

Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX_CHARS)]
AgencyCode = Annotated[str, Field(min_length=1, max_length=31)]


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
    notified_on: date = Field(
        description=f"on or after {EARLIEST_NOTIFICATION}, and not after tomorrow in the"
        " partnership's time zone"
    )
    agencies: tuple[AgencyCode, ...] = Field(
        min_length=1, max_length=AGENCIES_MAX, description="involved agency codes"
    )
    child_names: tuple[Name, ...] = Field(default=(), max_length=NAMES_MAX)
    family_names: tuple[Name, ...] = Field(default=(), max_length=NAMES_MAX)
    referred_by: AgencyCode | None = Field(
        default=None,
        description="the agency (code) that made the referral: it is told the outcome later",
    )
    dates_of_birth: tuple[date, ...] = Field(
        default=(),
        max_length=NAMES_MAX,
        description=f"each on or after {EARLIEST_BIRTH} and not in the future",
    )

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


@dataclass(frozen=True, slots=True)
class DateProblem:
    field: str  # as the HTTP caller names it: `notified_on`, `dates_of_birth[1]`
    message: str


class ImplausibleDates(InvalidInput):
    """A date no real notification can carry (year 1, 9999, 1900 ...), refused before it
    becomes a case reference, a retry for ever or a whole escalation ladder at once."""

    code = "invalid_notification"

    def __init__(self, problems: list[DateProblem]) -> None:
        super().__init__("; ".join(f"{p.field}: {p.message}" for p in problems))
        self.problems = tuple(problems)


def _long(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def implausible_dates(notification: Notification, today: date) -> list[DateProblem]:
    """What is wrong with the notification's dates, given today in the partnership's zone."""
    latest = today + timedelta(days=DAYS_AHEAD_ALLOWED)
    problems = []
    notified = notification.notified_on
    if notified < EARLIEST_NOTIFICATION:
        problems.append(
            DateProblem(
                "notified_on",
                f"The notification date must be on or after {_long(EARLIEST_NOTIFICATION)}:"
                " Rapid Reviews began with Working Together 2018.",
            )
        )
    elif notified > latest:
        problems.append(
            DateProblem(
                "notified_on",
                f"The notification date cannot be in the future (today is {_long(today)}).",
            )
        )
    for i, born in enumerate(notification.dates_of_birth):
        if born < EARLIEST_BIRTH:
            message = f"A date of birth must be on or after {_long(EARLIEST_BIRTH)}."
        elif born > latest:
            message = f"A date of birth cannot be in the future (today is {_long(today)})."
        else:
            continue
        problems.append(DateProblem(f"dates_of_birth[{i}]", message))
    return problems


def refuse_implausible_dates(notification: Notification, today: date) -> None:
    problems = implausible_dates(notification, today)
    if problems:
        raise ImplausibleDates(problems)
