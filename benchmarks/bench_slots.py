"""Slot finder speed: 20 invitees, 7 working days, 15-minute steps, 90 minutes (target < 50 ms)."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pytest_benchmark.fixture import BenchmarkFixture

from bot.domain.directory import Directory, Partner
from bot.domain.playbook import WorkingHours
from bot.domain.quorum import Roster
from bot.domain.quorum_rule import QuorumRule, RequiredSeat
from bot.domain.slots import Busy, SlotProposal, SlotSearch, find_slots

LONDON = ZoneInfo("Europe/London")
# Working days 7-13 of a fictional case; the weekend of 14-15 Nov 2026 is skipped.
WINDOW = [(7 + i, date(2026, 11, d)) for i, d in enumerate((9, 10, 11, 12, 13, 16, 17))]
SEARCH = SlotSearch(WINDOW, WorkingHours(), timedelta(minutes=90), timedelta(minutes=15))
OTHER_AGENCIES = ("gp", "school", "hospital", "probation", "housing", "ambulance", "mh", "ed")
LLR = QuorumRule(description="LLR", min_partner_agencies=3, min_safeguarding_partners=2)
KENT_2024 = QuorumRule(
    description="Kent 2024",
    required=(
        RequiredSeat(role="chair"),
        *(RequiredSeat(role="decision_maker", partner=p) for p in Partner),
    ),
    information_only_cap=2,
)


def fictional_directory(others: tuple[str, ...] | None = None) -> Directory:
    """An invented partnership: the chair, manager and advisor, each safeguarding partner's
    decision maker, deputy and SPOC, one SPOC per other agency (20 invitable people with
    the default agencies), and a business officer."""
    roles = {
        "chair@partnership.example.org": ["chair"],
        "manager@partnership.example.org": ["partnership_manager"],
        "advisor@advisor.example.org": ["independent_advisor"],
        "officer@partnership.example.org": ["business_officer"],
    }
    agencies: list[dict[str, object]] = []
    for partner in Partner:
        dm, deputy, spoc = (f"{r}@{partner.value}.example.org" for r in ("dm", "deputy", "spoc"))
        roles |= {dm: [], deputy: [], spoc: []}
        agencies.append(
            {"code": f"{partner.value}-p", "name": partner.label, "partner": partner.value}
            | {"spoc": spoc, "strategic_lead": deputy, "decision_maker": dm, "deputy": deputy}
        )
    for code in OTHER_AGENCIES if others is None else others:
        spoc = f"spoc@{code}.example.org"
        roles[spoc] = []
        agencies.append({"code": code, "name": code, "spoc": spoc, "strategic_lead": spoc})
    people = [{"email": e, "name": e.replace("@", " at "), "roles": r} for e, r in roles.items()]
    return Directory.model_validate(
        {"partnership": "Fictional Partnership", "people": people, "agencies": agencies}
    )


DIRECTORY = fictional_directory()
INVITEES = [p.email for p in DIRECTORY.people if p.email != "officer@partnership.example.org"]
ROSTER = Roster.build(DIRECTORY, INVITEES)


def diaries(seed: int) -> dict[str, list[Busy]]:
    """Four to eight meetings a day for everyone, 30 minutes to 2 hours, from 08:00."""
    rng = random.Random(seed)
    found: dict[str, list[Busy]] = {}
    for email in INVITEES:
        blocks = found[email] = []
        for _, day in WINDOW:
            for _ in range(rng.randint(4, 8)):
                start = datetime.combine(day, time(8), tzinfo=LONDON) + timedelta(
                    minutes=15 * rng.randrange(0, 38)
                )
                end = start + timedelta(minutes=rng.choice((30, 30, 45, 60, 60, 90, 120)))
                blocks.append(Busy(start.astimezone(UTC), end.astimezone(UTC)))
    return found


def sane(proposal: SlotProposal) -> None:
    assert len(proposal.slots) == 10
    assert [s.rank for s in proposal.slots] == sorted(s.rank for s in proposal.slots)
    assert proposal.any_quorate == (proposal.best is not None and proposal.best.quorum.met)
    assert (proposal.explanation is None) == proposal.any_quorate
    for slot in proposal.slots:
        assert len(slot.free) + len(slot.busy) == 20
        assert slot.start.astimezone(LONDON).time() >= time(9)
        assert slot.end.astimezone(LONDON).time() <= time(17)


def test_slot_finder_20_invitees(benchmark: BenchmarkFixture) -> None:
    busy = diaries(seed=2026)
    proposal = benchmark(find_slots, SEARCH, LLR, ROSTER, busy)
    sane(proposal)
    assert proposal.any_quorate


def test_slot_finder_20_invitees_nothing_quorate_explained(benchmark: BenchmarkFixture) -> None:
    """The slower path: no quorate slot, so the nearest miss is searched for and explained."""
    busy = diaries(seed=7)
    for email in ("dm@police.example.org", "deputy@police.example.org"):
        busy[email] = [
            Busy(
                datetime.combine(day, time(7), tzinfo=LONDON).astimezone(UTC),
                datetime.combine(day, time(19), tzinfo=LONDON).astimezone(UTC),
            )
            for _, day in WINDOW
        ]
    proposal = benchmark(find_slots, SEARCH, KENT_2024, ROSTER, busy)
    sane(proposal)
    assert proposal.explanation is not None
    assert "the police decision maker and their deputy are busy on every day 7-13" in (
        proposal.explanation
    )
