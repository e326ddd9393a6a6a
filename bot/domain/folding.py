"""The form the sensitivity guard reads a text in, and the way back to the original.

A name reaches a log line in many spellings: as typed, in NFC or NFD, lower case, with
zero-width or direction marks inside, with a Cyrillic or Greek letter that looks Latin, or
escaped by a JSON serialiser or a repr (`Zo\\u00eb`, `Al\\u200bice`, `Zo%C3%AB`). `fold` turns
all of them into one skeleton (escapes decoded, invisible characters and accents dropped,
case folded, look-alikes made Latin) and keeps, for every skeleton character, the span of the
original it came from, so that a match in the skeleton redacts the right original text.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

# Cyrillic and Greek letters that pass for Latin ones, and Latin letters with a stroke, which
# have no decomposition. Keyed by the original character: lower and upper case differ (Greek
# capital Nu looks like N, small nu like v).
_LOOKALIKES = {
    **dict(zip("АВЕКМНОРСТУХЅІЈӀԀԚԜҺҮЬ", "abekmhopctyxsijldqwhyb", strict=True)),
    **dict(zip("аеорсухѕіјһԁԛԝӏүьпгкмтвн", "aeopcyxsijhdqwlybnrkmtbh", strict=True)),
    **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "abezhikmnoptyx", strict=True)),
    **dict(zip("αοριχκνυγετβημω", "aopixkvuyetbnuw", strict=True)),
    **dict(zip("ıłŁđĐðÐøØħĦŧŦƚĸɡ", "illddddoohhttlkg", strict=True)),
    **{"æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "þ": "th", "Þ": "th"},
    **dict.fromkeys("\u2019\u2018`\u00b4\u02bc\u2032", "'"),  # every apostrophe is straight
}
_DROPPED = frozenset({"Mn", "Me", "Cf"})  # accents, zero-width and direction marks
_TATWEEL = "\u0640"  # Arabic elongation: the same name drawn longer


class _FoldTable(dict[int, str]):
    """str.translate table filled on first sight of each character."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        parts = [_LOOKALIKES.get(c, c) for c in unicodedata.normalize("NFKD", char)]
        folded = "".join(parts).casefold()
        folded = unicodedata.normalize("NFKD", folded)  # casefold may give back an accent
        kept = "".join(
            _LOOKALIKES.get(c, c)
            for c in folded
            if unicodedata.category(c) not in _DROPPED and c != _TATWEEL
        )
        self[code] = kept
        return kept


_FOLD = _FoldTable()
# Escapes a serialiser or a repr writes: \uXXXX (JSON, ensure_ascii), \UXXXXXXXX and \xXX
# (repr), any number of backslashes before them (a repr of JSON doubles them), \n \r \t and
# quotes (repr), and runs of %XX (URLs and form bodies).
_ESCAPE = re.compile(
    r"\\+(?:u(?P<high>[dD][89abAB][0-9a-fA-F]{2})\\+u(?P<low>[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|u(?P<u>[0-9a-fA-F]{4})|U(?P<big>[0-9a-fA-F]{8})|x(?P<x>[0-9a-fA-F]{2})"
    r"|(?P<space>[nrt])|(?P<quote>['\"]))"
    r"|(?P<percent>(?:%[0-9a-fA-F]{2})+)"
)
_MAYBE_ESCAPED = re.compile(r"[\\%]")


@dataclass(frozen=True, slots=True)
class Folded:
    """The skeleton of a text, and where each of its characters came from. Pieces: the
    skeleton offset each starts at, the original span it came from, and whether it maps
    character for character (a plain run) or as a whole (an escape, an expanded letter)."""

    text: str
    _at: tuple[int, ...] = ()
    _spans: tuple[tuple[int, int, bool], ...] = ()

    def original(self, start: int, end: int) -> tuple[int, int]:
        """The span of the original text that skeleton[start:end] was read from."""
        if not self._at:
            return start, end
        return self._position(start)[0], self._position(end - 1)[1]

    def _position(self, index: int) -> tuple[int, int]:
        piece = bisect_right(self._at, index) - 1
        begin, end, one_to_one = self._spans[piece]
        if one_to_one:
            begin += index - self._at[piece]
            return begin, begin + 1
        return begin, end


def _decoded(m: re.Match[str]) -> list[tuple[str, int, int]]:
    """The characters an escape stands for, each with its span; [] when it is not text."""
    start, end = m.span()
    if m.group("high"):  # JSON writes a character beyond U+FFFF as two escapes
        high, low = int(m.group("high"), 16), int(m.group("low"), 16)
        return [(chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)), start, end)]
    hexa = m.group("u") or m.group("big") or m.group("x")
    if hexa:
        code = int(hexa, 16)
        return [(chr(code), start, end)] if code <= 0x10FFFF else []
    if m.group("space"):
        return [(" ", start, end)]
    if m.group("quote"):
        return [(m.group("quote"), start, end)]
    try:
        chars = bytes.fromhex(m.group("percent").replace("%", "")).decode("utf-8")
    except UnicodeDecodeError:
        return []
    decoded = []
    for char in chars:
        width = 3 * len(char.encode("utf-8"))
        decoded.append((char, start, start + width))
        start += width
    return decoded


class _Builder:
    def __init__(self) -> None:
        self.text: list[str] = []
        self.at: list[int] = []
        self.spans: list[tuple[int, int, bool]] = []
        self.length = 0

    def add(self, folded: str, start: int, end: int, one_to_one: bool) -> None:
        if folded:  # a dropped character needs no piece: a match around it covers it
            self.text.append(folded)
            self.at.append(self.length)
            self.spans.append((start, end, one_to_one))
            self.length += len(folded)

    def plain(self, original: str, start: int, end: int) -> None:
        run = original[start:end]
        folded = run.lower().replace("`", "'") if run.isascii() else run.translate(_FOLD)
        if len(folded) == len(run):
            self.add(folded, start, end, True)
            return
        for index in range(start, end):  # a letter dropped or expanded: one piece each
            self.add(_FOLD[ord(original[index])], index, index + 1, False)


def fold(text: str) -> Folded:
    """The skeleton of `text` (see the module's docstring) with the way back to it."""
    if text.isascii() and not _MAYBE_ESCAPED.search(text):  # most log lines and topics
        return Folded(text.lower().replace("`", "'"))
    built = _Builder()
    done = 0
    for m in _ESCAPE.finditer(text):
        decoded = _decoded(m)
        if not decoded:
            continue
        built.plain(text, done, m.start())
        for char, start, end in decoded:
            built.add(char.translate(_FOLD), start, end, False)
        done = m.end()
    built.plain(text, done, len(text))
    return Folded("".join(built.text), tuple(built.at), tuple(built.spans))
