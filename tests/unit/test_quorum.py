"""Quorum, as the seeds state it: who counts, who never counts, and what is missing, in words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.directory import Directory, Partner
from bot.domain.errors import DomainError
from bot.domain.quorum import Roster, evaluate
from bot.domain.quorum_rule import QuorumRule, RequiredSeat

# A fictional partnership: every name and address is invented.
CHAIR = "ada.chairwell@partnership.example.org"
OFFICER = "bo.clerk@partnership.example.org"
MANAGER = "pat.manager@partnership.example.org"
ADVISOR = "ivy.advisor@advisor.example.org"
LA_DM, LA_DEPUTY, LA_SPOC = (f"{n}@council.example.org" for n in ("dora.dm", "dev.dep", "sam.spoc"))
POLICE_DM, POLICE_DEPUTY, POLICE_SPOC = (
    f"{n}@police.example.org" for n in ("gil.dm", "hal.dep", "kim.spoc")
)
HEALTH_DM, HEALTH_DEPUTY, HEALTH_SPOC = (
    f"{n}@icb.example.org" for n in ("joy.dm", "ned.dep", "liv.spoc")
)
SCHOOL_SPOC, GP_SPOC = "quin.spoc@school.example.org", "oz.spoc@gp.example.org"
OBSERVERS = tuple(f"observer{i}@partnership.example.org" for i in (1, 2, 3))
PARTNER_DMS = (LA_DM, POLICE_DM, HEALTH_DM)


def fictional_directory() -> Directory:
    roles = {CHAIR: ["chair"], OFFICER: ["business_officer"], MANAGER: ["partnership_manager"]}
    roles[ADVISOR] = ["independent_advisor"]
    everyone = [*roles, LA_DM, LA_DEPUTY, LA_SPOC, POLICE_DM, POLICE_DEPUTY, POLICE_SPOC]
    everyone += [HEALTH_DM, HEALTH_DEPUTY, HEALTH_SPOC, SCHOOL_SPOC, GP_SPOC, *OBSERVERS]

    def agency(code: str, partner: str | None, spoc: str, *dm_deputy: str) -> dict[str, object]:
        found: dict[str, object] = {"code": code, "name": code.title(), "partner": partner}
        found |= {"spoc": spoc, "strategic_lead": dm_deputy[1] if dm_deputy else spoc}
        if dm_deputy:
            found |= {"decision_maker": dm_deputy[0], "deputy": dm_deputy[1]}
        return found

    return Directory.model_validate(
        {
            "partnership": "Fictional Safeguarding Children Partnership",
            "people": [
                {"email": e, "name": e.split("@")[0].replace(".", " ").title(), "roles": r}
                for e in everyone
                for r in [roles.get(e, [])]
            ],
            "agencies": [
                agency("la", "la", LA_SPOC, LA_DM, LA_DEPUTY),
                agency("police", "police", POLICE_SPOC, POLICE_DM, POLICE_DEPUTY),
                agency("icb", "health", HEALTH_SPOC, HEALTH_DM, HEALTH_DEPUTY),
                agency("school", None, SCHOOL_SPOC),
                agency("gp", None, GP_SPOC),
            ],
        }
    )


DIRECTORY = fictional_directory()
INVITED = [
    CHAIR,
    MANAGER,
    ADVISOR,
    *PARTNER_DMS,
    LA_DEPUTY,
    POLICE_DEPUTY,
    HEALTH_DEPUTY,
    LA_SPOC,
    POLICE_SPOC,
    SCHOOL_SPOC,
    GP_SPOC,
]
ROSTER = Roster.build(DIRECTORY, [*INVITED, *OBSERVERS], information_only=OBSERVERS)

LLR = QuorumRule(
    description="at least three partner agencies incl. two of the three safeguarding partners",
    min_partner_agencies=3,
    min_safeguarding_partners=2,
)
PARTNER_SEATS = tuple(RequiredSeat(role="decision_maker", partner=p) for p in Partner)
KENT_2024 = QuorumRule(
    description="the chair and the decision makers of all three partners",
    required=(RequiredSeat(role="chair"), *PARTNER_SEATS),
    information_only_cap=2,
)
KENT_2019 = QuorumRule(
    description="DCS, police, designated health professional and the partnership manager",
    required=(*PARTNER_SEATS, RequiredSeat(role="partnership_manager")),
)


def test_llr_three_agencies_including_two_partners_is_quorate() -> None:
    result = evaluate(LLR, ROSTER, [LA_DM, POLICE_SPOC, SCHOOL_SPOC])
    assert result.met and result.missing == ()
    assert result.counted == {LA_DM, POLICE_SPOC, SCHOOL_SPOC}
    assert result.summary == "Quorate: 3 partner agencies incl. 2 safeguarding partners"


def test_llr_three_agencies_but_one_partner_is_not() -> None:
    result = evaluate(LLR, ROSTER, [LA_SPOC, SCHOOL_SPOC, GP_SPOC, CHAIR])
    assert not result.met
    assert result.missing == ("only 1 of the 3 safeguarding partners is represented; 2 are needed",)


def test_llr_two_people_of_one_agency_count_once() -> None:
    result = evaluate(LLR, ROSTER, [LA_DM, LA_SPOC, LA_DEPUTY, POLICE_DM])
    assert result.missing == ("only 2 partner agencies are represented; 3 are needed",)
    assert result.summary == ("Not quorate: only 2 partner agencies are represented; 3 are needed")


def test_nobody_present_names_every_shortfall() -> None:
    result = evaluate(LLR, ROSTER, [])
    assert result.missing == (
        "no partner agency is represented; 3 are needed",
        "none of the 3 safeguarding partners is represented; 2 are needed",
    )
    assert result.counted == frozenset()


def test_kent_2024_needs_the_chair_and_all_three_decision_makers() -> None:
    assert evaluate(KENT_2024, ROSTER, [CHAIR, *PARTNER_DMS]).met
    result = evaluate(KENT_2024, ROSTER, [CHAIR, LA_DM, HEALTH_DM, POLICE_SPOC, SCHOOL_SPOC])
    assert result.missing == ("the police decision maker (or their deputy) is not present",)
    result = evaluate(KENT_2024, ROSTER, PARTNER_DMS)
    assert result.missing == ("the chair is not present",)


def test_kent_2019_needs_the_decision_makers_and_the_partnership_manager() -> None:
    assert evaluate(KENT_2019, ROSTER, [*PARTNER_DMS, MANAGER]).met
    result = evaluate(KENT_2019, ROSTER, [*PARTNER_DMS, CHAIR])
    assert result.missing == ("the partnership manager is not present",)
    assert CHAIR not in result.counted  # the chair holds no seat and no agency here


def test_a_deputy_counts_for_their_principal() -> None:
    result = evaluate(KENT_2024, ROSTER, [CHAIR, LA_DM, POLICE_DEPUTY, HEALTH_DM])
    assert result.met and POLICE_DEPUTY in result.counted


def test_when_deputies_do_not_count_only_the_principal_fills_the_seat() -> None:
    strict = KENT_2024.model_copy(update={"deputies_count": False})
    result = evaluate(strict, ROSTER, [CHAIR, LA_DM, POLICE_DEPUTY, HEALTH_DM])
    assert result.missing == ("the police decision maker is not present",)
    # ... though the deputy still represents the police for the counts
    assert Partner.POLICE in result.partners


def test_information_only_attendees_never_count() -> None:
    result = evaluate(LLR, ROSTER, [LA_DM, POLICE_DM, *OBSERVERS[:2]])
    assert not result.met and not set(OBSERVERS) & result.counted
    assert evaluate(KENT_2024, ROSTER, [CHAIR, *PARTNER_DMS, *OBSERVERS[:2]]).met


def test_more_information_only_attendees_than_the_cap_breaks_quorum() -> None:
    result = evaluate(KENT_2024, ROSTER, [CHAIR, *PARTNER_DMS, *OBSERVERS])
    assert result.missing == ("3 information-only attendees are present; at most 2 may attend",)


def test_the_independent_advisor_never_counts() -> None:
    result = evaluate(LLR, ROSTER, [LA_DM, POLICE_DM, ADVISOR])
    assert not result.met and ADVISOR not in result.counted
    advised = QuorumRule(
        description="advisor", required=(RequiredSeat(role="independent_advisor"),)
    )
    held = evaluate(advised, ROSTER, [ADVISOR])  # ... but can hold an advisor's seat
    assert held.met and held.counted == {ADVISOR} and held.summary == "Quorate"


def test_several_shortfalls_are_joined_in_the_summary() -> None:
    result = evaluate(KENT_2024, ROSTER, [LA_DM, HEALTH_DEPUTY])
    assert result.summary == (
        "Not quorate: the chair is not present;"
        " the police decision maker (or their deputy) is not present"
    )


def test_emails_match_whatever_their_case() -> None:
    assert evaluate(KENT_2024, ROSTER, [e.upper() for e in (CHAIR, *PARTNER_DMS)]).met


def test_people_not_on_the_roster_do_not_count() -> None:
    roster = Roster.build(DIRECTORY, [CHAIR, LA_DM])
    assert evaluate(KENT_2024, roster, [CHAIR, LA_DM, POLICE_DM, HEALTH_DM]).missing == (
        "the police decision maker (or their deputy) is not present",
        "the health decision maker (or their deputy) is not present",
    )


def test_an_invitee_missing_from_the_directory_is_named() -> None:
    with pytest.raises(DomainError, match=r"stranger@elsewhere\.example\.org"):
        Roster.build(DIRECTORY, [CHAIR, "stranger@elsewhere.example.org"])


def test_the_roster_knows_each_invitees_part() -> None:
    member = ROSTER.member(POLICE_DEPUTY)
    assert member is not None
    assert member.agencies == {"police"} and member.partners == {Partner.POLICE}
    assert member.deputy_for == {Partner.POLICE} and not member.decision_maker_for
    observer = ROSTER.member(OBSERVERS[0])
    assert observer is not None and observer.information_only
    once = Roster.build(DIRECTORY, iter([CHAIR]), information_only=(e for e in OBSERVERS))
    assert all(m.information_only for m in once.members.values() if m.email in OBSERVERS)
    assert once.emails == (CHAIR, *OBSERVERS)


RULES = st.sampled_from([LLR, KENT_2019, KENT_2024.model_copy(update={"deputies_count": False})])
PEOPLE = st.sets(st.sampled_from(INVITED))


@given(rule=RULES, present=PEOPLE, more=PEOPLE)
def test_more_people_present_never_break_quorum_without_a_cap(
    rule: QuorumRule, present: set[str], more: set[str]
) -> None:
    if evaluate(rule, ROSTER, present).met:
        assert evaluate(rule, ROSTER, present | more).met


@given(rule=RULES, present=PEOPLE, observers=st.sets(st.sampled_from(OBSERVERS), max_size=2))
def test_information_only_attendees_within_the_cap_change_nothing(
    rule: QuorumRule, present: set[str], observers: set[str]
) -> None:
    capped = rule.model_copy(update={"information_only_cap": 2})
    assert evaluate(capped, ROSTER, present | observers) == evaluate(rule, ROSTER, present)


@given(rule=RULES, present=st.lists(st.sampled_from(INVITED)))
def test_order_and_repetition_do_not_matter(rule: QuorumRule, present: list[str]) -> None:
    result = evaluate(rule, ROSTER, present)
    assert result == evaluate(rule, ROSTER, sorted(set(present), reverse=True))
    assert result.met == (result.missing == ())
    assert result.counted <= set(present) and ADVISOR not in result.counted
