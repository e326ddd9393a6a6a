"""Whom each partnership's Rapid Review meeting invites (the playbook's `meeting.audience`,
read against the directory and the case's agencies): the chair, each required seat's
principal, the business officer who keeps the record, the independent advisor where the
playbook has one, the involved agencies' SPOCs as representatives, or for information only
within the playbook's cap, chosen by the chair when more could come."""

from __future__ import annotations

import pytest

from bot.directories import load_directory
from bot.domain.invitation import meeting_invitation
from bot.playbooks import load

DIRECTORY = load_directory()  # the fictional sample
EVERY_AGENCY = ("la", "police", "icb", "hospital", "gp", "school", "probation", "housing")
CHAIR = "Chris Lindqvist"
DECISION_MAKERS = ["Dana Whitlock", "Det Supt Gray Osei", "Jo Ferreira"]
OFFICERS = ["Bo Adeyemi", "Casey Hart"]  # Casey Hart is also the partnership manager
ADVISOR = "Indy Okafor"
SPOCS = ["Max Idowu", "Dr Oli Danvers", "Quinn Abara", "Sam Ellery", "Uma Rowe"]


def names(emails: tuple[str, ...]) -> list[str]:
    return [DIRECTORY.display(e) for e in emails]


@pytest.mark.parametrize(
    ("playbook", "required", "optional", "information_only"),
    [
        # 001 §4.6.1 other relevant agencies count; §4.7.1 the advisor; §4.7.5 the office.
        ("llr", [CHAIR, *DECISION_MAKERS, *OFFICERS], [ADVISOR, *SPOCS], []),
        # 000 Appendix B: the four seats (the Partnership Team Manager), minuted; no agencies.
        ("kent-2019", [CHAIR, *DECISION_MAKERS, "Casey Hart", "Bo Adeyemi"], [], []),
        # 002: chair, three decision makers, the Business Team; five SPOCs could attend for
        # information only but at most two may, and the chair has not chosen: none yet.
        ("kent-2024", [CHAIR, *DECISION_MAKERS, *OFFICERS], [], []),
        # 003 §3.4: the statutory agencies' representatives; no minute-taker named.
        ("bnes", [CHAIR, *DECISION_MAKERS], SPOCS, []),
        # 004 names no members: LLR's default, without LLR's advisor and office.
        ("leeds", [CHAIR, *DECISION_MAKERS], SPOCS, []),
    ],
)
def test_each_playbook_invites_its_meeting_audience(
    playbook: str, required: list[str], optional: list[str], information_only: list[str]
) -> None:
    invited = meeting_invitation(load(playbook), DIRECTORY, EVERY_AGENCY)

    assert names(invited.required) == required
    assert names(invited.optional) == optional
    assert names(invited.information_only) == information_only
    assert len(invited.everyone) == len(set(invited.everyone))  # nobody invited twice


def test_no_deputy_is_invited_up_front_under_any_playbook() -> None:
    deputies = {a.deputy for a in DIRECTORY.agencies if a.deputy}
    for key in ("llr", "kent-2019", "kent-2024", "bnes", "leeds"):
        invited = meeting_invitation(load(key), DIRECTORY, EVERY_AGENCY)
        assert deputies.isdisjoint(invited.everyone), key


def test_kent_2024_invites_every_eligible_spoc_when_no_more_than_two_could_come() -> None:
    invited = meeting_invitation(load("kent-2024"), DIRECTORY, ("la", "police", "icb", "gp"))

    assert names(invited.information_only) == ["Dr Oli Danvers"]
    assert names(invited.optional) == ["Dr Oli Danvers"]
    assert invited.left_out == ()


def test_kent_2024_invites_the_two_the_chair_chose_and_leaves_out_the_rest() -> None:
    invited = meeting_invitation(load("kent-2024"), DIRECTORY, EVERY_AGENCY, ("school", "gp"))

    assert names(invited.information_only) == ["Dr Oli Danvers", "Quinn Abara"]
    assert [o.agency for o in invited.left_out] == ["hospital", "probation", "housing"]
    assert invited.chosen and invited.cap == 2


def test_kent_2024_with_more_eligible_than_the_cap_invites_none_until_the_chair_chooses() -> None:
    invited = meeting_invitation(load("kent-2024"), DIRECTORY, EVERY_AGENCY)

    assert invited.information_only == ()
    assert [o.agency for o in invited.left_out] == [
        "hospital",
        "gp",
        "school",
        "probation",
        "housing",
    ]
    assert not invited.chosen


def test_the_chair_may_choose_nobody_for_information_only() -> None:
    invited = meeting_invitation(load("kent-2024"), DIRECTORY, ("la", "gp"), ())

    assert invited.information_only == () and names(invited.optional) == []


def test_a_meeting_audience_naming_one_agencys_spoc_or_lead_is_refused() -> None:
    from pydantic import ValidationError

    from bot.domain.playbook import Playbook

    data = load("llr").model_dump(mode="json")
    data["meeting"]["audience"] = ["chair", "strategic_lead"]
    with pytest.raises(ValidationError, match="'strategic_lead' is not invited to meetings"):
        Playbook.model_validate(data)
