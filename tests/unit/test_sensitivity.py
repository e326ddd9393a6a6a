"""The guard keeps personal data out of names, topics, subjects and logs, and says why."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.errors import PersonalDataRefused
from bot.domain.sensitivity import CaseSubject, Kind, SensitivityGuard, nhs_number_valid

SUBJECT = CaseSubject(
    names=("Jamie Fictitious", "Testperson", "O'Neill-Smith"), dates_of_birth=(date(2015, 3, 3),)
)
GUARD = SensitivityGuard(SUBJECT)


def kinds(text: str) -> list[Kind]:
    return [f.kind for f in GUARD.findings(text)]


def with_check_digit(nine: str) -> str | None:
    check = 11 - sum(int(d) * w for d, w in zip(nine, range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return None if check == 10 else nine + str(check)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Rapid Review meeting: LLR-RR-2026-014", []),
        ("llr-rr-2026-014 · next: Panel deadline 2027-01-13 (day 15)", []),
        ("Meeting Wed 13 Jan 09:00", []),
        ("Jamie's school", [Kind.NAME]),
        ("the FICTITIOUS family", [Kind.NAME]),
        ("o'neill-smith", [Kind.NAME]),
        ("Jamieson is a different word", []),
        ("NHS no 943 476 5919", [Kind.NHS_NUMBER]),
        ("943-476-5919", [Kind.NHS_NUMBER]),
        ("9434765918", []),  # wrong check digit
        ("lives at LE1 6ZG", [Kind.POSTCODE]),
        ("sw1a1aa", [Kind.POSTCODE]),
        ("DOB: 14/07/2019", [Kind.DATE_OF_BIRTH]),
        ("born 3 March 2015", [Kind.DATE_OF_BIRTH]),
        ("date of birth 2016-02-29", [Kind.DATE_OF_BIRTH]),
        ("03/03/2015", [Kind.DATE_OF_BIRTH]),  # the child's own date, with no cue
        ("March 3, 2015", [Kind.DATE_OF_BIRTH]),
        ("2015-03-03", [Kind.DATE_OF_BIRTH]),
        ("14/07/2019", []),  # an ordinary date, no cue
    ],
)
def test_what_the_guard_finds(text: str, expected: list[Kind]) -> None:
    assert kinds(text) == expected


def test_a_refusal_says_where_and_what_but_never_repeats_the_data() -> None:
    with pytest.raises(PersonalDataRefused) as err:
        GUARD.check("Jamie 943 476 5919", "calendar subject")
    assert err.value.message == (
        "Refused: the calendar subject looks like it contains a name held on the case and an"
        " NHS number. Use the case reference instead."
    )
    assert "Jamie" not in err.value.message and "943" not in err.value.message


def test_clean_text_passes_unchanged() -> None:
    assert GUARD.check("llr-rr-2026-014", "channel name") == "llr-rr-2026-014"


def test_redaction_leaves_the_rest() -> None:
    assert GUARD.redact("Jamie at LE1 6ZG") == "[name] at [postcode]"


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.sampled_from(["", " ", "-"]))
def test_every_valid_nhs_number_is_found_in_any_grouping(nine: str, sep: str) -> None:
    number = with_check_digit(nine)
    if number is None:
        return
    assert nhs_number_valid(number)
    grouped = sep.join((number[:3], number[3:6], number[6:]))
    assert Kind.NHS_NUMBER in kinds(f"ref {grouped} here")


@given(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=8),
    st.integers(2000, 2099),
    st.integers(1, 999),
    st.dates(date(2000, 1, 1), date(2099, 12, 31)).filter(lambda d: d != date(2015, 3, 3)),
)
def test_references_and_iso_dates_are_never_flagged(
    code: str, year: int, n: int, day: date
) -> None:
    text = f"{code}-RR-{year}-{n:03d} {code.lower()}-rr-{year}-{n:03d} due {day.isoformat()}"
    assert SensitivityGuard().findings(text) == []


@given(st.text(max_size=80))
def test_redacted_text_has_no_name_left(text: str) -> None:
    assert Kind.NAME not in [f.kind for f in GUARD.findings(GUARD.redact(text))]


@given(st.sampled_from(["Jamie", "Fictitious", "Testperson"]), st.text(max_size=20))
def test_a_name_is_redacted_wherever_it_sits(name: str, noise: str) -> None:
    text = f"{noise} {name} {noise}"
    assert name.lower() not in GUARD.redact(text).lower().replace(noise.lower(), "")
