"""A name is found however a person, a serialiser or a repr writes it; the guard never takes
the bot's own words (a reference, a timestamp) or junk for a name; any name length is safe.

All names are made up; some are written in other scripts on purpose.
"""

from __future__ import annotations

import json
import unicodedata
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.sensitivity import CaseSubject, Kind, SensitivityGuard

NAMES = ("Zoë Brontë", "Łucja Żółć", "Seán Ó Briain", "محمد الفلاني", "Анна Вымышленная")
GUARD = SensitivityGuard(CaseSubject(NAMES))
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
BIDI = ("\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2069")


def spellings(name: str) -> dict[str, str]:
    """Every form a name held on a case takes on its way into a log line."""
    as_json = json.dumps([name])  # what a JSON column's parameter holds: \\u escapes
    return {
        "as typed": name,
        "NFC": unicodedata.normalize("NFC", name),
        "NFD": unicodedata.normalize("NFD", name),
        "lower case": name.lower(),
        "upper case": name.upper(),
        "JSON": as_json,
        "repr of JSON": repr((as_json,)),  # SQLAlchemy's parameter line: backslashes doubled
        "repr of NFD JSON": repr(json.dumps(unicodedata.normalize("NFD", name))),
        "URL-encoded": quote(name),
        "zero-width inside": ZERO_WIDTH[len(name) % 5].join(name),
        "direction marks inside": "".join(c + BIDI[i % len(BIDI)] for i, c in enumerate(name)),
        "zero-width, escaped": json.dumps("\u200b".join(name)),
    }


@pytest.mark.parametrize("name", NAMES)
def test_a_non_ascii_name_is_found_and_redacted_in_every_spelling(name: str) -> None:
    for form, text in spellings(name).items():
        line = f"params ({text}, 'LLR-RR-2026-001')"
        redacted = GUARD.redact(line)
        assert Kind.NAME in {f.kind for f in GUARD.findings(line)}, form
        assert GUARD.findings(redacted) == [], form
        assert "LLR-RR-2026-001" in redacted, form
        for leaked in {*spellings(name).values(), *name.split(), *text.split()}:
            assert leaked not in redacted or leaked in line.replace(text, ""), (form, leaked)


@pytest.mark.parametrize(
    ("registered", "written"),
    [
        ("Jamie", "Jаmie"),  # Cyrillic а
        ("Jаmie", "Jamie"),  # registered with the look-alike, written plainly
        ("Omar", "Οmar"),  # Greek capital omicron
        ("Nina", "Νina"),  # Greek capital nu
        ("Alice", "Al\u200bice"),
        ("Al\u200bice", "ALICE"),
        ("Łucja", "Lucja"),  # a stroke has no decomposition: folded by hand
        ("Strauß", "STRAUSS"),
        ("Jamie", "Ｊａｍｉｅ"),  # full-width
    ],
)
def test_look_alike_letters_and_invisible_characters_do_not_hide_a_name(
    registered: str, written: str
) -> None:
    guard = SensitivityGuard(CaseSubject((registered,)))
    assert guard.redact(f"seen: {written}.") == "seen: [name]."


def test_an_escaped_accent_is_not_a_postcode() -> None:
    # "u00eb" reads as outward code U0 and inward code 0EB when the escape is not decoded
    assert GUARD.redact('["Zo\\\\u00eb Bront\\\\u00eb"]') == '["[name]"]'


def test_a_repr_newline_before_a_name_does_not_shield_it() -> None:
    guard = SensitivityGuard(CaseSubject(("Jamie Fictitious",)))
    assert guard.redact(repr("note:\nJamie was seen")) == "'note:\\n[name] was seen'"


# --- junk is not a name ---------------------------------------------------------------------


@pytest.mark.parametrize("junk", ["a", "J", ".", "-", "\u200b", "é", "Z\u0301", "1"])
def test_a_name_of_fewer_than_two_letters_is_not_looked_for(junk: str) -> None:
    line = "a J. é at 0x7f2037a0c140 is a line"
    assert SensitivityGuard(CaseSubject((junk, "Jamie"))).redact(line) == line


def test_a_name_is_a_whole_word_not_letters_between_digits() -> None:
    guard = SensitivityGuard(CaseSubject(("Ed Li", "Ed")))
    assert guard.redact("object at 0x7fed0ed1 for ed") == "object at 0x7fed0ed1 for [name]"
    assert guard.redact("Ed Li and ed-li") == "[name] and [name]"


# --- timestamps are not NHS numbers ----------------------------------------------------------

TS = "1767225601"  # a Unix time in 2026 whose digits happen to pass the modulus 11 check


@pytest.mark.parametrize(
    "text",
    [
        f"ts={TS}",
        f'"ts": "{TS}"',
        f"'thread_ts': '{TS}'",
        f"X-Slack-Request-Timestamp: {TS}",
        f'"event_time": {TS}',
        f"exp={TS}",
    ],
)
def test_a_timestamp_is_not_an_nhs_number(text: str) -> None:
    assert SensitivityGuard().redact(text) == text


def test_the_same_digits_without_a_time_key_still_count() -> None:
    assert SensitivityGuard().redact(f"NHS {TS}") == "NHS [nhs-number]"


# --- the case reference is the bot's own ---------------------------------------------------


@pytest.mark.parametrize("family", ["Kent", "Leeds", "LLR", "Bnes"])
def test_a_family_named_like_the_partnership_code_can_still_be_shown_its_reference(
    family: str,
) -> None:
    code = family.upper()
    guard = SensitivityGuard(CaseSubject((f"Jamie {family}", family)))
    for text in (
        f"{code}-RR-2026-001",
        f"{code.lower()}-rr-2026-001",
        f"Rapid Review meeting: {code}-RR-2026-001",
        f"{code}-RR-2026-001 · next: Panel deadline (day 15)",
    ):
        assert guard.check(text, "channel topic") == text
    assert Kind.NAME in {f.kind for f in guard.findings(f"{code}-RR-2026-001: the {family} family")}
    assert guard.redact(f"{code}-RR-2026-001-{family.lower()}") == f"{code}-RR-2026-001-[name]"


# --- any length -----------------------------------------------------------------------------


def test_a_name_of_thousands_of_characters_is_guarded_like_any_other() -> None:
    parts = [f"{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}{'x' * (i % 40)}" for i in range(250)]
    long_name = " ".join(parts)
    assert len(long_name) > 5000
    guard = SensitivityGuard(CaseSubject((long_name, "a" * 5000, "Jamie")))
    assert guard.redact(f"for {long_name}!") == "for [name]!"
    assert guard.redact("Jamie and " + "a" * 5000) == "[name] and [name]"
    assert guard.check("LLR-RR-2026-001", "channel name") == "LLR-RR-2026-001"


def test_names_sharing_ever_longer_prefixes_build_a_shallow_pattern() -> None:
    # every part a prefix of the next: a trie of these nests once per part
    nested = " ".join("b" * n for n in range(3, 120))
    guard = SensitivityGuard(CaseSubject((nested,)))
    assert guard.redact(f"x {'b' * 50} y") == "x [name] y"


PIECES = st.sampled_from(
    [
        *("Zoë", "ZOE\u0308", "Zo\\u00eb", "Zo\\\\u00eb", "Zo%C3%AB", "Łucja", "\\u0141ucja"),
        *("\u200b", "\u202e", "\\u200b", "\\n", "\\", "%", "\\u", "-", " ", "ts=", "1767225601"),
        *("KENT-RR-2026-001", "Kent", "a", "0x7f", "\ud842", "\\ud842\\udfb7"),
    ]
)


@given(st.lists(st.one_of(PIECES, st.text(max_size=6)), max_size=10).map("".join))
def test_redacted_text_in_any_spelling_has_nothing_left_to_find(text: str) -> None:
    guard = SensitivityGuard(CaseSubject(("Zoë Brontë", "Łucja", "Kent")))
    assert guard.findings(guard.redact(text)) == []
