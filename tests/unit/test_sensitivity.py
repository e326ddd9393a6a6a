"""The guard keeps personal data out of names, topics, subjects and logs, and says why.

All people, numbers and dates here are made up: Jamie Fictitious of the Testperson family.
"""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from bot.domain.errors import PersonalDataRefused
from bot.domain.sensitivity import CaseSubject, Kind, SensitivityGuard, nhs_number_valid

DOB = date(2015, 3, 3)
SUBJECT = CaseSubject(
    names=("Jamie Fictitious", "Testperson", "O'Neill-Smith", "Zoë Brontë", "Al Li"),
    dates_of_birth=(DOB,),
)
GUARD = SensitivityGuard(SUBJECT)
GENERIC = SensitivityGuard()  # no case subject: the shapes alone
NHS = "943 476 5919"  # a valid check digit, issued to nobody we know of


def kinds(text: str, guard: SensitivityGuard = GUARD) -> list[Kind]:
    return [f.kind for f in guard.findings(text)]


def with_check_digit(nine: str) -> str | None:
    """The tenth digit by the published modulus 11 rule; None when the rule gives 10."""
    check = 11 - sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True)) % 11
    return None if check == 10 else nine + str(0 if check == 11 else check)


def formats(day: date) -> list[str]:
    """Every way the guard reads a date, as a person might write it."""
    month, short = day.strftime("%B"), day.strftime("%b")
    d, m, y = day.day, day.month, day.year
    return [
        f"{d:02d}/{m:02d}/{y}",
        f"{d}/{m}/{y % 100:02d}",
        f"{d:02d}-{m:02d}-{y}",
        f"{d:02d}.{m:02d}.{y}",
        day.isoformat(),
        f"{d} {month} {y}",
        f"{d} {short} {y}",
        f"{month} {d}, {y}",
    ]


# --- names held on the case -------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Jamie's school",
        "the FICTITIOUS family",
        "Jamie Fictitious",
        "jamie  fictitious",
        "llr-rr-2026-014-jamie-fictitious",  # a channel name: hyphens separate words
        "jamiefictitious",
        "jamie_fictitious",
        "o'neill-smith",
        "Mr O’Neill",  # typographic apostrophe
        "ONeill",
        "Smith",  # one part of a hyphenated name
        "zoe bronte",  # accents dropped
        "ZOË",
        "Al Li",  # parts under three letters count only as the full name
        "al-li",
    ],
)
def test_a_name_held_on_the_case_is_found_however_it_is_written(text: str) -> None:
    assert kinds(text) == [Kind.NAME]


@pytest.mark.parametrize(
    "text",
    [
        "Jamieson is a different word",
        "Testpersons",
        "Smithfield market",
        "Al",  # too short alone: it is a word in too many texts
        "alike",
        "Jamie Fictitious",  # with no subject, there are no names to look for
    ],
)
def test_other_words_are_not_names(text: str) -> None:
    guard = GENERIC if text == "Jamie Fictitious" else GUARD
    assert Kind.NAME not in kinds(text, guard)


# --- NHS numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("NHS no 943 476 5919", True),
        ("943-476-5919", True),
        ("9434765919", True),
        ("NHS:9434765919.", True),
        ("9434765918", False),  # wrong check digit
        ("19434765919", False),  # part of a longer number
        ("94347659190", False),
        ("ts 1767225600.123456", False),  # a Slack timestamp is a decimal, not a person
        ("0116 454 1004", False),  # a phone number
        ("hash=3fa9434765919c0e", False),  # digits inside a hexadecimal hash or id
        ("id a9434765919", False),
        ("NHS9434765919", True),  # a word glued on is still a word, not hex
    ],
)
def test_an_nhs_number_counts_only_with_a_valid_check_digit(text: str, found: bool) -> None:
    assert (Kind.NHS_NUMBER in kinds(text, GENERIC)) is found


def test_a_check_digit_of_ten_is_never_valid() -> None:
    nine = next(f"{n:09d}" for n in range(10**9) if with_check_digit(f"{n:09d}") is None)
    assert not any(nhs_number_valid(nine + str(d)) for d in range(10))


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.sampled_from(["", " ", "-"]))
def test_every_valid_nhs_number_is_found_in_any_grouping(nine: str, sep: str) -> None:
    number = with_check_digit(nine)
    if number is None:
        return
    assert nhs_number_valid(number)
    grouped = sep.join((number[:3], number[3:6], number[6:]))
    assert Kind.NHS_NUMBER in kinds(f"ref {grouped} here", GENERIC)
    assert GENERIC.redact(f"NHS {grouped}.") == "NHS [nhs-number]."


# --- postcodes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["lives at LE1 6ZG", "sw1a1aa", "M1 1AE", "(SW1A 1AA)", "rr-2026-014-le16zg", "le1-6zg"],
)
def test_a_postcode_is_found_as_a_whole_word(text: str) -> None:
    assert kinds(text, GENERIC) == [Kind.POSTCODE]


@pytest.mark.parametrize(
    "text",
    ["LLR-RR-2026-014", "XLE1 6ZGX", "Wed 13 Jan 09:00", "Room B1 2PM", "day 15 of 15", "Q1 2027"],
)
def test_references_times_and_words_are_not_postcodes(text: str) -> None:
    assert Kind.POSTCODE not in kinds(text, GENERIC)


# --- dates of birth ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "DOB: 14/07/2019",
        "D.O.B. 14/7/19",
        "dob 14-07-2019",
        "date of birth 2016-02-29",
        "born 3 March 2016",
        "born on the 3rd of March 2016",
        "b. 3 Mar 2016",
        "(DOB March 3, 2016)",
        "Birthday 14.07.2019",
    ],
)
def test_any_date_next_to_a_birth_cue_is_a_date_of_birth(text: str) -> None:
    assert kinds(text, GENERIC) == [Kind.DATE_OF_BIRTH]


@pytest.mark.parametrize("text", [*formats(DOB), "03/03/15", "DOB 3 March 2015"])
def test_the_childs_own_date_of_birth_is_found_without_a_cue(text: str) -> None:
    assert kinds(text) == [Kind.DATE_OF_BIRTH]


def test_a_us_style_date_of_birth_is_still_the_childs() -> None:
    guard = SensitivityGuard(CaseSubject(dates_of_birth=(date(2015, 3, 14),)))
    assert kinds("03/14/2015", guard) == [Kind.DATE_OF_BIRTH]


@pytest.mark.parametrize(
    "text",
    [
        "Panel deadline 2027-01-13",
        "Meeting Wed 13 Jan 09:00",
        "Returns due 14/07/2027",
        "Feb. 1 2027",  # "b." inside a month is not a cue
        "born in Leicester",
    ],
)
def test_ordinary_dates_pass(text: str) -> None:
    assert kinds(text) == []


@given(st.dates(date(1990, 1, 1), date(2099, 12, 31)))
def test_a_date_without_a_cue_is_flagged_only_when_it_is_the_childs(day: date) -> None:
    for text in formats(day):
        assert (Kind.DATE_OF_BIRTH in kinds(f"due {text}")) is (day == DOB), text


# --- the refusal ---------------------------------------------------------------------------


def test_a_refusal_says_where_and_what_but_never_repeats_the_data() -> None:
    with pytest.raises(PersonalDataRefused) as err:
        GUARD.check(f"Jamie {NHS}", "calendar subject")
    assert err.value.message == (
        "Refused: the calendar subject looks like it contains a name held on the case and an"
        " NHS number. Use the case reference instead."
    )
    assert "Jamie" not in err.value.message and "943" not in err.value.message


def test_a_refusal_lists_every_kind_found_once() -> None:
    with pytest.raises(PersonalDataRefused, match="it contains a name held on the case, an NHS"):
        GUARD.check(f"Jamie, Testperson, {NHS}, DOB 3/3/2015, LE1 6ZG", "email subject")
    with pytest.raises(PersonalDataRefused, match="an NHS number, a date of birth and a postcode"):
        GUARD.check(f"{NHS}, DOB 3/3/2015, LE1 6ZG", "channel topic")


def test_clean_text_passes_unchanged() -> None:
    topic = "LLR-RR-2026-014 · next: meeting Wed 13 Jan 09:00 · Panel deadline 2027-01-13"
    assert GUARD.check("llr-rr-2026-014", "channel name") == "llr-rr-2026-014"
    assert GUARD.check(topic, "channel topic") == topic


def test_a_case_subject_does_not_show_its_contents_when_printed() -> None:
    assert "Jamie" not in repr(SUBJECT) and "2015" not in repr(SUBJECT)


# --- redaction -----------------------------------------------------------------------------


def test_redaction_replaces_each_finding_and_leaves_the_rest() -> None:
    text = f"Jamie at LE1 6ZG, NHS {NHS}, DOB 03/03/2015 (LLR-RR-2026-014)"
    assert GUARD.redact(text) == (
        "[name] at [postcode], NHS [nhs-number], DOB [date-of-birth] (LLR-RR-2026-014)"
    )


def test_redaction_catches_what_a_first_pass_exposes() -> None:
    assert GUARD.redact("3/3/15.9434765919") == "[date-of-birth].[nhs-number]"


PIECES = st.sampled_from(
    [
        *("Jamie", "FICTITIOUS", "o'neill", "zoë", NHS, "9434765919", "LE1 6ZG", "sw1a1aa"),
        *("DOB ", "born ", "03/03/2015", "2015-03-03", "3 March 2015", "-", ".", " ", "1"),
    ]
)


@given(st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=12).map("".join))
@example("born Jamie 3/3/2019")
def test_redacted_text_has_nothing_left_to_find(text: str) -> None:
    assert GUARD.findings(GUARD.redact(text)) == []


# --- what must never be flagged -----------------------------------------------------------


@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=5),
    st.integers(2000, 2099),
    st.integers(1, 999),
    st.dates(date(1990, 1, 1), date(2099, 12, 31)).filter(lambda d: d != DOB),
)
def test_case_references_and_iso_dates_are_never_flagged(
    code: str, year: int, n: int, day: date
) -> None:
    ref = f"{code}-RR-{year}-{n:03d}"
    text = f"{ref} {ref.lower()} due {day.isoformat()} {day.isoformat()}T09:00:00Z"
    assert kinds(text) == []
