"""After an outage, what was missed is said once, as it is true now: one message for each
milestone (never a stack of countdowns 11 weeks late), and a chase with its real due date."""

from __future__ import annotations

from collections import Counter
from datetime import date

from bot.domain.requests import ReturnKind
from schedules.runner import run_due
from tests.support.world import OFFICER, World

POLICE_SPOC = "ira.castell@police.example.org"
OFFICE = "@Chris Lindqvist @Bo Adeyemi @Casey Hart"  # the chair and the business office


async def test_after_an_outage_over_christmas_each_milestone_is_told_once_as_it_is_now(
    world: World,
) -> None:
    ref = await world.open_with_requests()  # Mon 21 Dec; the Panel deadline is Wed 13 Jan
    channel = f"#{ref.lower()}"
    before = len(world.transcript.to(channel, "channel"))

    world.at(date(2027, 3, 31), "10:00")  # down from Tuesday 22 December: 11 weeks
    assert await run_due(world.services, worker="w")
    assert await run_due(world.services, worker="w") == []  # all of it, in one tick

    said = [i.text for i in world.transcript.to(channel, "channel")[before:]]
    panel = [t for t in said if "Panel deadline" in t or "National Panel today" in t]
    assert panel == [
        f"{OFFICE} The Panel deadline for {ref} passed on Wed 13 Jan, 53 working days ago."
        " Next: book the Rapid Review meeting (/rapidreview schedule)."
    ]  # Easter's Good Friday is not counted
    milestones = [t for t in said if f"Overdue for {ref}" in t]
    assert milestones == [
        f"@Bo Adeyemi @Casey Hart Overdue for {ref} (day 10, due on Wed 06 Jan, 58 working days"
        " ago): Agencies return the completed information request reply template.",
        f"@Bo Adeyemi @Casey Hart @Indy Okafor Overdue for {ref} (day 10, due on Wed 06 Jan, 58"
        " working days ago): Combined summary shared with the meeting's attendees (with the LA"
        " notification) and the independent advisor.",
    ]
    assert not [t for t in said if "due today" in t.lower() or "tomorrow" in t]
    (chase,) = [i.text for i in world.transcript.to(POLICE_SPOC, "dm") if "Please send" in i.text]
    assert chase == (
        f"The Constabulary return for {ref} was due Wed 06 Jan and is now 58 working days late."
        " Please send it now."
    )
    told = Counter((i.to, i.text) for i in world.transcript.items if i.kind != "card")
    assert told.most_common(1)[0][1] == 1  # nobody is told the same thing twice


async def test_a_reminder_run_late_on_the_day_itself_says_today(world: World) -> None:
    ref = await world.open_with_requests()
    world.at(date(2027, 1, 13), "10:00")  # down since before the countdown began
    await world.services.record_return(
        case_ref=ref, agency="gp", kind=ReturnKind.NIL, summary="None.", actor=OFFICER
    )
    await run_due(world.services, worker="w")

    said = [i.text for i in world.transcript.to(f"#{ref.lower()}", "channel")]
    assert [t for t in said if "Panel" in t and "Next:" in t] == [
        f"{OFFICE} The decision on {ref} is due at the National Panel"
        " today. Next: book the Rapid Review meeting (/rapidreview schedule)."
    ]
