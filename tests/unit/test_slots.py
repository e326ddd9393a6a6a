"""The slot finder: quorate first, then fullest, then earliest; inside working hours; explained."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.directory import Directory, Partner
from bot.domain.errors import InvalidInput
from bot.domain.playbook import WorkingHours
from bot.domain.quorum import QuorumResult, Roster, evaluate
from bot.domain.quorum_rule import QuorumRule, RequiredSeat
from bot.domain.slots import Busy, RankedSlot, SlotSearch, find_slots, non_overlapping

LONDON = ZoneInfo("Europe/London")
# A fictional partnership: every name and address is invented.
CHAIR = "ada.chairwell@partnership.example.org"
LA_DM, LA_DEPUTY = "dora.dm@council.example.org", "dev.dep@council.example.org"
POLICE_DM, POLICE_DEPUTY = "gil.dm@police.example.org", "hal.dep@police.example.org"
HEALTH_DM, HEALTH_DEPUTY = "joy.dm@icb.example.org", "ned.dep@icb.example.org"
SCHOOL, GP, HOUSING = (f"spoc@{a}.example.org" for a in ("school", "gp", "housing"))
OBSERVERS = ("obi.observer@partnership.example.org", "oona.observer@partnership.example.org")
DMS = (LA_DM, POLICE_DM, HEALTH_DM)
DEPUTIES = (LA_DEPUTY, POLICE_DEPUTY, HEALTH_DEPUTY)
OFFICER = "bo.clerk@partnership.example.org"
NAMES = {
    CHAIR: "Ada Chairwell",
    OFFICER: "Bo Clerk",
    LA_DM: "Dora Dee",
    LA_DEPUTY: "Dev Deane",
    POLICE_DM: "Gil Grey",
    POLICE_DEPUTY: "Hal Hythe",
    HEALTH_DM: "Joy Jopp",
    HEALTH_DEPUTY: "Ned Nye",
    SCHOOL: "Quin Abbot",
    GP: "Oz Ward",
    HOUSING: "Una Hale",
    OBSERVERS[0]: "Obi Observer",
    OBSERVERS[1]: "Oona Observer",
}


def fictional_directory(*, health_deputy: bool = True) -> Directory:
    roles = {CHAIR: ["chair"], OFFICER: ["business_officer"]}
    partners = [("la", LA_DM, LA_DEPUTY), ("police", POLICE_DM, POLICE_DEPUTY)]
    partners.append(("health", HEALTH_DM, HEALTH_DEPUTY if health_deputy else None))
    agencies: list[dict[str, object]] = [
        {"code": f"{p}-x", "name": p, "partner": p, "spoc": dm, "strategic_lead": dm}
        | {"decision_maker": dm, "deputy": deputy}
        for p, dm, deputy in partners
    ]
    agencies += [
        {"code": e.split("@")[1].split(".")[0], "name": "x", "spoc": e, "strategic_lead": e}
        for e in (SCHOOL, GP, HOUSING)
    ]
    people = [{"email": e, "name": n, "roles": roles.get(e, [])} for e, n in NAMES.items()]
    return Directory.model_validate(
        {"partnership": "Fictional Partnership", "people": people, "agencies": agencies}
    )


DIRECTORY = fictional_directory()
EVERYONE = (CHAIR, *DMS, *DEPUTIES, SCHOOL, GP, HOUSING)
LLR = QuorumRule(description="LLR", min_partner_agencies=3, min_safeguarding_partners=2)
KENT_2024 = QuorumRule(
    description="Kent 2024",
    required=(
        RequiredSeat(role="chair"),
        *(RequiredSeat(role="decision_maker", partner=p) for p in Partner),
    ),
    information_only_cap=2,
)
HOURS = WorkingHours()  # 09:00-17:00 Europe/London
# Working days 7-13 of a case notified on Fri 30 Oct 2026 (day 0).
WEEK = [(7 + i, d) for i, d in enumerate(date(2026, 11, n) for n in (9, 10, 11, 12, 13, 16, 17))]


def at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=LONDON)


def busy(day: date, start: str, end: str) -> Busy:
    return Busy(at(day, start).astimezone(UTC), at(day, end).astimezone(UTC))


def search(
    window: list[tuple[int, date]],
    *,
    hours: WorkingHours = HOURS,
    minutes: int = 90,
    step: int = 15,
) -> SlotSearch:
    return SlotSearch(window, hours, timedelta(minutes=minutes), timedelta(minutes=step))


MORNING = WorkingHours(start=time(9), end=time(11))
MONDAY = date(2026, 11, 9)
HOURLY = search([(7, MONDAY)], hours=MORNING, minutes=60, step=60)  # 09:00 and 10:00


def test_a_quorate_slot_beats_a_fuller_one_that_is_not() -> None:
    roster = Roster.build(DIRECTORY, [CHAIR, LA_DM, POLICE_DM, SCHOOL, GP, HOUSING])
    diaries = {
        POLICE_DM: [busy(MONDAY, "09:00", "10:00")],
        **{e: [busy(MONDAY, "10:00", "11:00")] for e in (CHAIR, GP, HOUSING)},
    }
    proposal = find_slots(HOURLY, LLR, roster, diaries)
    best, other = proposal.slots
    assert proposal.best is best and proposal.any_quorate and proposal.explanation is None
    assert best.start == at(MONDAY, "10:00") and best.free == {LA_DM, POLICE_DM, SCHOOL}
    assert len(other.free) == 5 and not other.quorum.met
    assert best.busy == {CHAIR, GP, HOUSING} and best.day == 7


def test_more_invitees_free_beats_fewer() -> None:
    roster = Roster.build(DIRECTORY, [LA_DM, POLICE_DM, SCHOOL, GP, HOUSING])
    proposal = find_slots(HOURLY, LLR, roster, {GP: [busy(MONDAY, "09:30", "09:45")]})
    assert [len(s.free) for s in proposal.slots] == [5, 4]
    assert proposal.slots[0].start == at(MONDAY, "10:00")


def test_earlier_breaks_ties() -> None:
    roster = Roster.build(DIRECTORY, EVERYONE)
    proposal = find_slots(search(WEEK), LLR, roster, {}, limit=3)
    assert [s.start for s in proposal.slots] == [
        at(MONDAY, "09:00"),
        at(MONDAY, "09:15"),
        at(MONDAY, "09:30"),
    ]


def test_information_only_invitees_make_a_slot_fuller_but_never_quorate() -> None:
    roster = Roster.build(DIRECTORY, [CHAIR, *DMS, *OBSERVERS], information_only=OBSERVERS)
    diaries = {o: [busy(MONDAY, "09:00", "10:00")] for o in OBSERVERS}
    best, other = find_slots(HOURLY, KENT_2024, roster, diaries).slots
    assert best.start == at(MONDAY, "10:00") and best.free >= set(OBSERVERS)
    assert best.quorum.met and other.quorum.met
    assert not set(OBSERVERS) & best.quorum.counted
    alone = find_slots(HOURLY, KENT_2024, Roster.build(DIRECTORY, OBSERVERS, OBSERVERS), {})
    assert not alone.any_quorate


@pytest.mark.parametrize(
    ("friday", "monday", "friday_utc", "monday_utc"),
    [
        (date(2026, 3, 27), date(2026, 3, 30), time(9), time(8)),  # clocks go forward 29 Mar
        (date(2026, 10, 23), date(2026, 10, 26), time(8), time(9)),  # and back on 25 Oct
    ],
)
def test_working_hours_are_local_time_across_a_clock_change(
    friday: date, monday: date, friday_utc: time, monday_utc: time
) -> None:
    roster = Roster.build(DIRECTORY, EVERYONE)
    proposal = find_slots(search([(1, friday), (2, monday)]), LLR, roster, {}, limit=1000)
    assert len(proposal.slots) == 2 * 27  # 09:00, 09:15 ... 15:30 on each day
    first = {day: min(s.start for s in proposal.slots if s.day == day) for day in (1, 2)}
    assert first[1].timetz() == friday_utc.replace(tzinfo=UTC)
    assert first[2].timetz() == monday_utc.replace(tzinfo=UTC)
    for slot in proposal.slots:
        local_start, local_end = slot.start.astimezone(LONDON), slot.end.astimezone(LONDON)
        assert time(9) <= local_start.time() and local_end.time() <= time(17)
        assert slot.end - slot.start == timedelta(minutes=90) and slot.start.tzinfo is UTC
    assert max(s.end for s in proposal.slots) == at(monday, "17:00")


def test_a_meeting_never_runs_past_the_end_of_working_hours() -> None:
    roster = Roster.build(DIRECTORY, EVERYONE)
    proposal = find_slots(search([(7, MONDAY)], minutes=120, step=25), LLR, roster, {}, limit=99)
    assert max(s.end for s in proposal.slots) <= at(MONDAY, "17:00")
    assert max(s.start for s in proposal.slots) == at(MONDAY, "14:50")  # 09:00 + 7 x 25 min
    short_day = search([(7, MONDAY)], hours=MORNING, minutes=180)
    nothing = find_slots(short_day, LLR, roster, {})
    assert nothing.slots == () and nothing.best is None and not nothing.any_quorate
    assert nothing.explanation == (
        "A 180-minute meeting does not fit within working hours 09:00-11:00; shorten the meeting."
    )


def test_busy_time_that_only_touches_a_slot_leaves_it_free() -> None:
    roster = Roster.build(DIRECTORY, [SCHOOL, GP])
    hourly = search([(7, MONDAY)], hours=WorkingHours(end=time(12)), minutes=60, step=60)
    diaries = {
        SCHOOL: [busy(MONDAY, "08:00", "09:00"), busy(MONDAY, "11:00", "11:30")],
        GP: [busy(MONDAY, "09:59", "10:01")],
    }
    free = {
        s.start.astimezone(LONDON).hour: s.free
        for s in find_slots(hourly, LLR, roster, diaries).slots
    }
    assert free == {9: {SCHOOL}, 10: {SCHOOL}, 11: {GP}}


def test_overlapping_and_unsorted_busy_blocks_are_merged() -> None:
    roster = Roster.build(DIRECTORY, [SCHOOL])
    diaries = {SCHOOL: [busy(MONDAY, "10:30", "11:00"), busy(MONDAY, "09:00", "10:40")]}
    assert all(not s.free for s in find_slots(HOURLY, LLR, roster, diaries).slots)


def test_busy_time_must_carry_a_time_zone() -> None:
    roster = Roster.build(DIRECTORY, [SCHOOL])
    naive = Busy(datetime(2026, 11, 9, 9), datetime(2026, 11, 9, 10))
    with pytest.raises(InvalidInput, match="without a time zone"):
        find_slots(HOURLY, LLR, roster, {SCHOOL: [naive]})


def all_week(*people: str) -> dict[str, list[Busy]]:
    return {p: [busy(d, "08:00", "18:00") for _, d in WEEK] for p in people}


def test_no_quorate_slot_names_the_seat_the_days_and_who_could_rescue_one() -> None:
    roster = Roster.build(DIRECTORY, EVERYONE)
    proposal = find_slots(search(WEEK), KENT_2024, roster, all_week(POLICE_DM, POLICE_DEPUTY))
    assert not proposal.any_quorate and len(proposal.slots) == 10
    assert proposal.explanation == (
        "No slot in the window is quorate: the police decision maker and their deputy are busy"
        " on every day 7-13. Nearest miss: Mon 09 Nov 09:00 (day 7) would be quorate if"
        " Gil Grey frees that time."
    )


def test_an_uninvited_deputy_is_suggested() -> None:
    roster = Roster.build(DIRECTORY, [CHAIR, *DMS])
    proposal = find_slots(search(WEEK), KENT_2024, roster, all_week(POLICE_DM))
    assert proposal.explanation is not None
    assert "the police decision maker is busy on every day 7-13." in proposal.explanation
    assert proposal.explanation.endswith("Invite their deputy, Hal Hythe, who may be free.")


def test_a_missing_deputy_should_be_named() -> None:
    directory = fictional_directory(health_deputy=False)
    roster = Roster.build(directory, [CHAIR, *DMS])
    days = WEEK[2:]
    proposal = find_slots(search(days), KENT_2024, roster, all_week(HEALTH_DM, CHAIR))
    assert proposal.explanation is not None
    assert proposal.explanation.startswith(
        "No slot in the window is quorate: the chair is busy on every day 9-13 and"
        " the health decision maker is busy on every day 9-13."
    )
    assert "Ada Chairwell and Joy Jopp free that time" in proposal.explanation
    assert proposal.explanation.endswith(
        "Name a deputy for the health decision maker in the directory so that someone can stand in."
    )


def test_seats_that_are_never_free_together_are_named() -> None:
    roster = Roster.build(DIRECTORY, [CHAIR, *DMS])
    diaries = {
        CHAIR: [busy(d, "09:00", "13:00") for _, d in WEEK],
        LA_DM: [busy(d, "12:00", "17:00") for _, d in WEEK],
    }
    proposal = find_slots(search(WEEK), KENT_2024, roster, diaries)
    assert proposal.explanation == (
        "No slot in the window is quorate: the chair, the local authority decision maker,"
        " the police decision maker and the health decision maker (or their deputies) are"
        " never all free at the same time. Nearest miss: Mon 09 Nov 09:00 (day 7) would be"
        " quorate if Ada Chairwell frees that time."
    )


def test_when_the_counts_are_the_problem_it_says_how_many_can_be_gathered() -> None:
    roster = Roster.build(DIRECTORY, [*DMS, SCHOOL])
    diaries = {
        LA_DM: [busy(MONDAY, "09:00", "13:00")],
        POLICE_DM: [busy(MONDAY, "13:00", "17:00")],
        HEALTH_DM: [busy(MONDAY, "08:00", "18:00")],
    }
    proposal = find_slots(search([(7, MONDAY)]), LLR, roster, diaries)
    assert proposal.explanation == (
        "No slot in the window is quorate: at best 2 partner agencies are free at once"
        " (3 are needed) and at best 1 of the 3 safeguarding partners is free at once"
        " (2 are needed). Nearest miss: Mon 09 Nov 09:00 (day 7) would be quorate if"
        " Dora Dee frees that time."
    )
    too_few = find_slots(search([(7, MONDAY)]), LLR, Roster.build(DIRECTORY, [LA_DM, SCHOOL]), {})
    assert too_few.explanation is not None and too_few.explanation.startswith(
        "No slot in the window is quorate: only 2 partner agencies are invited (3 are needed)"
        " and only 1 of the 3 safeguarding partners is invited (2 are needed)."
    )
    assert "Invite a representative of another agency." in too_few.explanation


def test_an_empty_window_says_no_day_is_left() -> None:
    proposal = find_slots(search([]), LLR, Roster.build(DIRECTORY, EVERYONE), {})
    assert proposal.slots == () and proposal.explanation == (
        "The meeting window has no working day left: hold the meeting as soon as possible"
        " and record why it was late."
    )


def test_bad_searches_are_refused() -> None:
    with pytest.raises(InvalidInput):
        search(WEEK, step=0)
    with pytest.raises(InvalidInput):
        find_slots(search(WEEK), LLR, Roster.build(DIRECTORY, EVERYONE), {}, limit=0)


# Property: whatever the diaries, every slot's quorum is `evaluate` on its free set, free and
# busy are exact, and the list is sorted by the ranking key.
TWO_DAYS = WEEK[:2]
SHORT = WorkingHours(start=time(9), end=time(13))
BLOCK = st.tuples(
    st.sampled_from([d for _, d in TWO_DAYS]), st.integers(8 * 4, 13 * 4), st.integers(1, 12)
)


def quarter_hours(day: date, first: int, count: int) -> Busy:
    start = at(day, "00:00") + timedelta(minutes=15 * first)
    return Busy(start, start + timedelta(minutes=15 * count))


@settings(max_examples=60, deadline=None)
@given(
    rule=st.sampled_from([LLR, KENT_2024, KENT_2024.model_copy(update={"deputies_count": False})]),
    invited=st.sets(st.sampled_from(EVERYONE), min_size=1),
    blocks=st.dictionaries(st.sampled_from(EVERYONE), st.lists(BLOCK, max_size=4)),
)
def test_every_slot_is_judged_by_evaluate_and_the_ranking_holds(
    rule: QuorumRule, invited: set[str], blocks: dict[str, list[tuple[date, int, int]]]
) -> None:
    diaries = {e: [quarter_hours(*b) for b in bs] for e, bs in blocks.items()}
    roster = Roster.build(DIRECTORY, sorted(invited))
    proposal = find_slots(
        search(TWO_DAYS, hours=SHORT, minutes=60, step=30), rule, roster, diaries, limit=99
    )
    assert len(proposal.slots) == 2 * 7
    assert [s.rank for s in proposal.slots] == sorted(s.rank for s in proposal.slots)
    assert proposal.any_quorate == any(s.quorum.met for s in proposal.slots)
    assert (proposal.explanation is None) == proposal.any_quorate
    for slot in proposal.slots:
        assert slot.quorum == evaluate(rule, roster, slot.free)
        assert slot.free | slot.busy == invited and not slot.free & slot.busy
        for email in invited:
            clash = any(b.start < slot.end and slot.start < b.end for b in diaries.get(email, []))
            assert clash == (email in slot.busy)


def test_non_overlapping_keeps_the_best_of_each_overlapping_run() -> None:
    start = datetime(2026, 11, 9, 9, 0, tzinfo=UTC)

    def slot(minutes: int, free: int) -> RankedSlot:
        at = start + timedelta(minutes=minutes)
        quorum = QuorumResult(met=True, missing=(), counted=frozenset())
        people = frozenset(f"p{i}@example.org" for i in range(free))
        return RankedSlot(at, at + timedelta(minutes=90), 7, people, frozenset(), quorum)

    ranked = sorted(
        [slot(0, 5), slot(15, 5), slot(30, 4), slot(90, 4), slot(120, 3)], key=lambda s: s.rank
    )
    chosen = non_overlapping(ranked, limit=5)
    assert [s.start - start for s in chosen] == [timedelta(0), timedelta(minutes=90)]
