"""The sensitivity guard: no child or family name, NHS number, date of birth or postcode in a
channel name, topic, calendar subject, email subject or log line (DOMAIN.md §9)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Literal

from bot.domain.errors import PersonalDataRefused

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
        return {
            "name": "a name held on the case",
            "nhs-number": "an NHS number",
            "date-of-birth": "a date of birth",
            "postcode": "a postcode",
        }[self.value]


@dataclass(frozen=True, slots=True)
class CaseSubject:
    """What the case holds about the child and family; never shown, only guarded against."""

    names: tuple[str, ...] = ()
    dates_of_birth: tuple[date, ...] = ()


@dataclass(frozen=True, slots=True)
class Finding:
    kind: Kind
    start: int
    end: int


_NHS = re.compile(r"(?<![\d-])(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?![\d-])")
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9-])(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]? ?\d[ABD-HJLNP-UW-Z]{2})"
    r"(?![A-Za-z0-9-])",
    re.IGNORECASE,
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{2}-\d{2}"
    rf"|\d{{1,2}}(?:st|nd|rd|th)? (?:{_MONTHS})\.?,? \d{{4}}|(?:{_MONTHS})\.? \d{{1,2}},? \d{{4}})"
)
_DOB_CUE = re.compile(
    rf"(?:\bd\.?o\.?b\.?|\bdate of birth|\bborn(?: on)?|\bb\.)\s*[:\-]?\s*({_DATE})",
    re.IGNORECASE,
)
_ANY_DATE = re.compile(rf"(?<![\d])({_DATE})(?![\d])", re.IGNORECASE)
_MONTH_NUMBER = (
    {m: i % 12 + 1 for i, m in enumerate(_MONTHS.split("|")[:12])}
    | {
        m: n
        for n, m in enumerate(
            ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
            start=1,
        )
    }
    | {"sept": 9}
)


def nhs_number_valid(digits: str) -> bool:
    """Modulus 11: weights 10..2 on the first nine digits; 11 -> 0; 10 is never issued."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    check = 11 - sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True)) % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _parse_date(text: str) -> date | None:
    """Read the UK formats the guard looks for (day before month)."""
    cleaned = text.lower().replace(",", " ").replace(".", " ").strip()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            return date.fromisoformat(text)
        numeric = re.fullmatch(r"(\d{1,2})[/ -](\d{1,2})[/ -](\d{2,4})", cleaned)
        if numeric:
            day, month, year = (int(g) for g in numeric.groups())
            return date(year + 2000 if year < 100 else year, month, day)
        words = cleaned.split()
        if words and words[0][:1].isdigit():
            day = int(re.sub(r"\D", "", words[0]))
            return date(int(words[-1]), _MONTH_NUMBER[words[1]], day)
        return date(int(words[-1]), _MONTH_NUMBER[words[0]], int(words[1]))
    except (ValueError, KeyError, IndexError):
        return None


def _fold(text: str) -> str:
    """Case- and accent-insensitive form that keeps every character's position."""
    return "".join(
        (unicodedata.normalize("NFKD", ch)[:1] or ch).casefold()[:1] or ch for ch in text
    )


def names_pattern(names: tuple[str, ...] | list[str]) -> re.Pattern[str] | None:
    """Whole-word matches of each full name and of each name part of three letters or more."""
    parts: set[str] = set()
    for name in names:
        folded = _fold(name.strip())
        if folded:
            parts.add(folded)
            parts.update(p for p in re.split(r"[\s]+", folded) if len(p) >= 3)
    if not parts:
        return None
    alternatives = "|".join(re.escape(p) for p in sorted(parts, key=len, reverse=True))
    return re.compile(rf"(?<![\w'’-])(?:{alternatives})(?![\w-])")


class SensitivityGuard:
    def __init__(self, subject: CaseSubject | None = None) -> None:
        self._subject = subject or CaseSubject()
        self._names = names_pattern(self._subject.names)

    def findings(self, text: str) -> list[Finding]:
        found: list[Finding] = []
        if self._names is not None:
            found += [Finding(Kind.NAME, *m.span()) for m in self._names.finditer(_fold(text))]
        for m in _NHS.finditer(text):
            if nhs_number_valid("".join(m.groups())):
                found.append(Finding(Kind.NHS_NUMBER, *m.span()))
        found += [Finding(Kind.POSTCODE, *m.span()) for m in _POSTCODE.finditer(text)]
        found += [Finding(Kind.DATE_OF_BIRTH, *m.span(1)) for m in _DOB_CUE.finditer(text)]
        if self._subject.dates_of_birth:
            for m in _ANY_DATE.finditer(text):
                if _parse_date(m.group(1)) in self._subject.dates_of_birth:
                    found.append(Finding(Kind.DATE_OF_BIRTH, *m.span(1)))
        return sorted(set(found), key=lambda f: (f.start, f.end))

    def check(self, text: str, where: Where) -> str:
        """The text unchanged, or a refusal that says where and what, never the data itself."""
        kinds = sorted({f.kind for f in self.findings(text)}, key=list(Kind).index)
        if kinds:
            listed = " and ".join(k.described for k in kinds)
            raise PersonalDataRefused(
                f"Refused: the {where} looks like it contains {listed}."
                " Use the case reference instead."
            )
        return text

    def redact(self, text: str) -> str:
        out, last = [], 0
        for f in self.findings(text):
            if f.start < last:
                continue  # overlapping findings: the first one already covers it
            out += [text[last : f.start], f"[{f.kind.value}]"]
            last = f.end
        return "".join(out) + text[last:]
