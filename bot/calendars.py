"""England & Wales bank holidays from the `holidays` package, fed to the pure calendar."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import lru_cache

from bot.domain.workdays import WorkingCalendar


@lru_cache(maxsize=256)
def england_and_wales_bank_holidays(year: int) -> frozenset[date]:
    """Bank holidays in England (and Wales) in `year`, substitute and one-off days included.

    `subdiv="ENG"` matters: the plain GB list omits Easter Monday and the August holiday,
    which Scotland does not share.
    """
    import holidays  # imported here: the CLI's cold start should not pay for it

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def england_and_wales(extra_closures: Iterable[date] = ()) -> WorkingCalendar:
    return WorkingCalendar(england_and_wales_bank_holidays, extra_closures)
