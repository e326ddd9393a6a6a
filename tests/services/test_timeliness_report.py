"""The timeliness report: an overdue return is counted in working days late, as of today,
whether it came in late or has still not come in (the table and the CSV say the same)."""

from __future__ import annotations

from datetime import date

from bot.domain.requests import ReturnKind
from bot.reporting import timeliness_csv
from bot.services.reports import render_timeliness
from tests.support.world import GP_SPOC, LA_SPOC, World

HEADER = (
    "case,notified,panel_deadline,days_to_decision,days_to_panel,within_deadline,"
    "agency,due,returned_on,late_by"
)


async def returns_from_la_on_time_and_gp_late(world: World) -> str:
    """Requests due Wed 06 Jan 2027; the LA returns on 23 Dec, the GP on Mon 11 Jan."""
    ref = await world.open_with_requests()
    world.at(date(2026, 12, 23), "11:00")
    await world.services.record_return(
        case_ref=ref, agency="la", kind=ReturnKind.FULL, summary="Known.", actor=LA_SPOC
    )
    world.at(date(2027, 1, 11), "16:00")  # Thu 7, Fri 8, Mon 11: 3 working days late
    await world.services.record_return(
        case_ref=ref, agency="gp", kind=ReturnKind.NIL, summary="", actor=GP_SPOC
    )
    return ref


async def test_an_outstanding_return_past_its_deadline_says_how_late_it_is(
    world: World,
) -> None:
    await returns_from_la_on_time_and_gp_late(world)
    world.at(date(2027, 1, 13), "09:00")  # Wed: 7, 8, 11, 12, 13 Jan are 5 working days

    rows = await world.services.timeliness()

    assert render_timeliness(world.ctx, rows) == (
        "Timeliness as of Wed 13 Jan 2027 (working days)\n"
        "LLR-RR-2026-001: notified Fri 18 Dec; decision on day -; Panel on day -"
        " (deadline Wed 13 Jan): not yet submitted\n"
        "    Children's Social Care       on time\n"
        "    Constabulary                 outstanding, 5 working days late (due Wed 06 Jan)\n"
        "    Integrated Care Board        outstanding, 5 working days late (due Wed 06 Jan)\n"
        "    Riverside GP Practice        3 working days late\n"
        "    Northfield Primary School    outstanding, 5 working days late (due Wed 06 Jan)"
    )
    assert timeliness_csv(rows).splitlines() == [
        HEADER,
        "LLR-RR-2026-001,2026-12-18,2027-01-13,,,,la,2027-01-06,2026-12-23,0",
        "LLR-RR-2026-001,2026-12-18,2027-01-13,,,,police,2027-01-06,,5",
        "LLR-RR-2026-001,2026-12-18,2027-01-13,,,,icb,2027-01-06,,5",
        "LLR-RR-2026-001,2026-12-18,2027-01-13,,,,gp,2027-01-06,2027-01-11,3",
        "LLR-RR-2026-001,2026-12-18,2027-01-13,,,,school,2027-01-06,,5",
    ]


async def test_lateness_skips_weekends_and_bank_holidays(world: World) -> None:
    ref = await world.open_with_requests()
    world.at(date(2027, 1, 9), "10:00")  # Sat: only Thu 7 and Fri 8 count

    [row] = await world.services.timeliness()

    police = next(a for a in row.agencies if a.agency == "police")
    assert (police.outstanding, police.late_by) == (True, 2)
    assert row.ref == ref


async def test_an_outstanding_return_not_yet_due_is_not_late(world: World) -> None:
    await world.open_with_requests()
    world.at(date(2027, 1, 5), "10:00")
    before = render_timeliness(world.ctx, await world.services.timeliness())
    world.at(date(2027, 1, 6), "17:00")
    on_the_day = render_timeliness(world.ctx, await world.services.timeliness())

    assert "    Constabulary                 outstanding, due Wed 06 Jan" in before.splitlines()
    assert "    Constabulary                 outstanding, due today" in on_the_day.splitlines()
    csv = timeliness_csv(await world.services.timeliness())
    assert "LLR-RR-2026-001,2026-12-18,2027-01-13,,,,police,2027-01-06,,0" in csv.splitlines()
