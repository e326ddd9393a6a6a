"""The sensitivity guard: no child or family name, NHS number, date of birth or postcode in a
channel name, topic, calendar subject, email subject or log line (DOMAIN.md §9).

It errs towards refusing: a false alarm costs a rephrase, a miss puts a child's identity in
front of everyone who can see a calendar.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Literal

from bot.domain.errors import PersonalDataRefused
from bot.domain.folding import fold

Where = Literal[
    "channel name", "channel topic", "calendar subject", "email subject", "log line", "message"
]


class Kind(StrEnum):
    NAME = "name"
    NHS_NUMBER = "nhs-number"
    DATE_OF_BIRTH = "date-of-birth"
    POSTCODE = "postcode"

    @property
    def described(self) -> str:
        return _DESCRIBED[self]


_DESCRIBED = {
    Kind.NAME: "a name held on the case",
    Kind.NHS_NUMBER: "an NHS number",
    Kind.DATE_OF_BIRTH: "a date of birth",
    Kind.POSTCODE: "a postcode",
}


@dataclass(frozen=True, slots=True, repr=False)
class CaseSubject:
    """What the case holds about the child and family; never shown, only guarded against."""

    names: tuple[str, ...] = ()
    dates_of_birth: tuple[date, ...] = ()

    def __repr__(self) -> str:  # a logged or printed case must not carry the names with it
        return f"CaseSubject(<{len(self.names)} names, {len(self.dates_of_birth)} dates>)"


@dataclass(frozen=True, slots=True)
class Finding:
    kind: Kind
    start: int
    end: int


# NHS number: 3-3-4 digits, spaces or hyphens optional; not part of a longer number or a
# decimal (a Slack timestamp "1767225600.123456" is not a person).
# Nor a run of digits inside a hexadecimal id or hash (an audit anchor, a message id): text
# is folded to lower case first, so a-f is enough.
_NHS = re.compile(r"(?<![\da-f])(?<!\d\.)(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\da-f])(?!\.\d)")
# Postcode: outward + inward code, whole word; a hyphen or underscore is a word boundary so
# that "llr-rr-2026-014-le16zg" (a channel name) is caught. Case references have no part
# that mixes letters and digits, so they never match.
_POSTCODE = re.compile(
    r"(?<![^\W_])(?:gir[ -]?0aa|[a-pr-uwyz][a-hk-y]?\d[a-z\d]?[ -]?\d[abd-hjlnp-uw-z]{2})"
    r"(?![^\W_])"
)
_MONTH_NAMES = (
    *("january", "february", "march", "april", "may", "june", "july", "august"),
    *("september", "october", "november", "december"),
)
_MONTH = {name: n for n, m in enumerate(_MONTH_NAMES, 1) for name in (m, m[:3])} | {"sept": 9}
_MONTHS_RE = "|".join(sorted(_MONTH, key=len, reverse=True))
_ORD = r"(?:st|nd|rd|th)?"
# Named groups carry day/month/year so nothing is parsed twice.
_DATE = (
    r"(?<!\d)(?:"
    r"(?P<nd>\d{1,2})[/.-](?P<nm>\d{1,2})[/.-](?P<ny>\d{4}|\d{2})"
    r"|(?P<iy>\d{4})[/.-](?P<im>\d{1,2})[/.-](?P<id>\d{1,2})"
    rf"|(?P<td>\d{{1,2}}){_ORD}(?:\s+of)?[\s-]+(?P<tm>{_MONTHS_RE})\.?,?[\s-]+(?P<ty>\d{{4}})"
    rf"|(?<![^\W\d_])(?P<mm>{_MONTHS_RE})\.?\s+(?P<md>\d{{1,2}}){_ORD},?\s+(?P<my>\d{{4}})"
    r")(?!\d)"
)
_CUE = r"(?:d\.?\s?o\.?\s?b\.?|date\s+of\s+birth|birth\s?date|birthday|born(?:\s+on)?|b\.)"
_CUED_DATE = re.compile(rf"(?<![^\W\d_]){_CUE}[\s:=(\[-]*(?:the\s+)?(?P<date>{_DATE})")
_ANY_DATE = re.compile(rf"(?P<date>{_DATE})")


def nhs_number_valid(digits: str) -> bool:
    """Modulus 11: weights 10..2 on the first nine digits; 11 -> 0; 10 is never issued."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _date_parts(m: re.Match[str]) -> tuple[int, int, int, bool]:
    """Day, month, year and whether the year had two digits, read UK-style (day first)."""
    g = m.groupdict()
    if g["nd"]:
        day, month, year = g["nd"], g["nm"], g["ny"]
    elif g["iy"]:
        day, month, year = g["id"], g["im"], g["iy"]
    elif g["td"]:
        day, month, year = g["td"], str(_MONTH[g["tm"]]), g["ty"]
    else:
        day, month, year = g["md"], str(_MONTH[g["mm"]]), g["my"]
    return int(day), int(month), int(year), len(year) == 2


_SEP = r"[\s\-_.+]*"  # between the parts of a full name: "jamie fictitious", "jamie+fictitious"
_PREFIX_TOKENS = 3  # variants share a trie this deep, then are tried one by one
# The bot's own case reference is not personal data: its letters are a partnership code
# (KENT, LEEDS) that a family may share. Blanked before names are looked for.
_CASE_REF = re.compile(r"(?<![^\W_])[a-z]{2,8}-rr-\d{4}-\d{3,}(?!\d)")
# A ten-digit number after a timestamp key (a Slack `ts`, `X-Slack-Request-Timestamp`, a
# token's `exp`) is a time, whatever its check digit says.
_TIME_CUE = re.compile(
    r"(?<![^\W_])(?:ts|timestamp|time|epoch|exp|expires(?:_on|_at)?|iat|nbf)"
    r"[\"']?\s{0,3}[=:]\s{0,3}[\"']?$"
)


def _alternation(variants: list[tuple[str, ...]], depth: int = 0) -> str:
    """One regex for many names: a trie over their first few tokens (shared prefixes merged,
    so the cost barely grows with the number of open cases), then each remainder in turn,
    longest first. The recursion is bounded by _PREFIX_TOKENS, not by the names: a name of
    any length builds a flat pattern with no deeper nesting."""
    ends = any(not v for v in variants)
    if depth == _PREFIX_TOKENS:
        rests = sorted({"".join(map(_token, v)) for v in variants if v}, key=len, reverse=True)
        branches = rests
    else:
        heads: dict[str, list[tuple[str, ...]]] = {}
        for v in variants:
            if v:
                heads.setdefault(v[0], []).append(v[1:])
        branches = [_token(h) + _alternation(t, depth + 1) for h, t in sorted(heads.items())]
    if not branches:
        return ""
    body = f"(?:{'|'.join(branches)})" if len(branches) > 1 or ends else branches[0]
    return body + "?" if ends else body


def _token(token: str) -> str:
    return token if token == _SEP else re.escape(token)


def _letters(text: str) -> int:
    return sum(c.isalpha() for c in text)


@lru_cache(maxsize=256)
def names_pattern(names: tuple[str, ...]) -> re.Pattern[str] | None:
    """Whole-word matches (over folded text) of each full name of two letters or more,
    written with any separator or none, and of each part of three letters or more, with and
    without its apostrophe. Shorter is not a name but junk, which would redact every "a"."""
    variants: set[tuple[str, ...]] = set()
    for name in names:
        parts = [p.strip("'") for p in re.split(r"[^\w']+|_+", fold(name).text) if p.strip("'")]
        if _letters("".join(parts)) < 2:
            continue
        tokens = [c for part in parts for c in (_SEP, *part)][1:]  # chars, _SEP between parts
        variants.add(tuple(tokens))
        for part in parts:
            pieces = {part, part.replace("'", ""), *part.split("'")}
            variants.update(tuple(p) for p in pieces if _letters(p) >= 3)
    if not variants:
        return None
    # A name is a whole word: no letter or digit either side (0x7fed0 holds no "Ed").
    return re.compile(rf"(?<![^\W_]){_alternation(sorted(variants))}(?![^\W_])")


def _without_case_refs(text: str) -> str:
    """`text` with every case reference's letters blanked (same length, so spans hold)."""
    if "-rr-" not in text:
        return text
    return _CASE_REF.sub(lambda m: "0" * len(m.group()), text)


def _is_time(text: str, start: int) -> bool:
    return _TIME_CUE.search(text, max(0, start - 40), start) is not None


class SensitivityGuard:
    """Finds personal data in short texts: the generic shapes always, and the names and dates
    of birth held on the case (or, for the log, on every open case) when given a subject."""

    def __init__(self, subject: CaseSubject | None = None) -> None:
        subject = subject or CaseSubject()
        self._names = names_pattern(tuple(subject.names))
        dobs = {(d.day, d.month, d.year) for d in subject.dates_of_birth}
        self._dobs = frozenset(dobs)
        self._dobs_short = frozenset((d, m, y % 100) for d, m, y in dobs)
        self._years = frozenset(f"{y % 100:02d}" for _, _, y in dobs)  # in "2015" and "15"

    def _is_subject_dob(self, m: re.Match[str]) -> bool:
        day, month, year, short = _date_parts(m)
        known = self._dobs_short if short else self._dobs
        year = year % 100 if short else year
        # Numeric dates are also read month-first: a US-style DOB is still this child's.
        return (day, month, year) in known or (bool(m.group("nd")) and (month, day, year) in known)

    def findings(self, text: str) -> list[Finding]:
        """What is in `text`, as spans of `text` itself, however it was written or escaped."""
        folded = fold(text)
        text = folded.text
        spans: list[tuple[Kind, int, int]] = []
        if self._names is not None:
            named = _without_case_refs(text)
            spans += [(Kind.NAME, *m.span()) for m in self._names.finditer(named)]
        spans += [
            (Kind.NHS_NUMBER, *m.span())
            for m in _NHS.finditer(text)
            if nhs_number_valid("".join(m.groups())) and not _is_time(text, m.start())
        ]
        spans += [(Kind.POSTCODE, *m.span()) for m in _POSTCODE.finditer(text)]
        spans += [(Kind.DATE_OF_BIRTH, *m.span("date")) for m in _CUED_DATE.finditer(text)]
        if self._dobs and any(y in text for y in self._years):  # the year first: it's cheap
            spans += [
                (Kind.DATE_OF_BIRTH, *m.span("date"))
                for m in _ANY_DATE.finditer(text)
                if self._is_subject_dob(m)
            ]
        found = {Finding(kind, *folded.original(start, end)) for kind, start, end in spans}
        return sorted(found, key=lambda f: (f.start, f.end, f.kind))

    def check(self, text: str, where: Where) -> str:
        """The text unchanged, or a refusal that says where and what, never the data itself."""
        found = {f.kind for f in self.findings(text)}
        if not found:
            return text
        kinds = [k.described for k in Kind if k in found]
        listed = kinds[0] if len(kinds) == 1 else f"{', '.join(kinds[:-1])} and {kinds[-1]}"
        raise PersonalDataRefused(
            f"Refused: the {where} looks like it contains {listed}. Use the case reference instead."
        )

    def redact(self, text: str) -> str:
        """Each finding replaced by its kind in brackets; overlapping findings merge into one.
        Repeated (a few times at most) because a removal can expose what it shielded: the
        NHS number in "3/3/15.9434765919" reads as a decimal until the date goes."""
        for _ in range(3):
            found = self.findings(text)
            if not found:
                break
            out: list[str] = []
            last = 0
            for f in found:
                if f.start >= last:
                    out += [text[last : f.start], f"[{f.kind.value}]"]
                last = max(last, f.end)
            text = "".join(out) + text[last:]
        return text
