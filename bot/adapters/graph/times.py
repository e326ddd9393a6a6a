"""Times to and from Graph: always sent as UTC wall-clock text with `timeZone: "UTC"`, always
asked for in UTC (`Prefer: outlook.timezone="UTC"`), so no Windows zone name is ever parsed."""

from __future__ import annotations

from datetime import UTC, datetime

from kiota_abstractions.base_request_configuration import RequestConfiguration
from kiota_abstractions.default_query_parameters import QueryParameters
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone

from bot.domain.errors import InvalidInput


def utc(moment: datetime, name: str) -> datetime:
    if moment.utcoffset() is None:
        raise InvalidInput(f"A calendar {name} time must carry its time zone.")
    return moment.astimezone(UTC)


def graph_time(moment: datetime) -> DateTimeTimeZone:
    return DateTimeTimeZone(date_time=wall_clock(moment), time_zone="UTC")


def wall_clock(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def parse_time(date_time: str | None, zone: str | None) -> datetime:
    """Graph writes seven fractional digits ('...T09:00:00.0000000'); a zone other than UTC
    is refused rather than guessed (the `Prefer` header should have made it UTC)."""
    name = (zone or "UTC").strip()
    if name.upper() not in ("UTC", "ETC/UTC", "Z"):
        raise InvalidInput(f"Microsoft Graph answered a time in '{name}', not UTC.")
    whole, _, fraction = (date_time or "").partition(".")
    try:
        moment = datetime.fromisoformat(f"{whole}.{fraction[:6]}" if fraction else whole)
    except ValueError:
        raise InvalidInput("Microsoft Graph answered a time that is not a time.") from None
    return moment.replace(tzinfo=UTC)


def in_utc() -> RequestConfiguration[QueryParameters]:
    """A request configuration asking Graph to answer every time in UTC."""
    config: RequestConfiguration[QueryParameters] = RequestConfiguration()
    config.headers.add("Prefer", 'outlook.timezone="UTC"')
    return config
