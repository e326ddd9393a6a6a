"""Anchors given to `rrbot audit verify --anchor`: `SEQ:HASH` as printed by `rrbot audit
anchor`, or a file of `seq hash [at]` lines as AUDIT_ANCHOR_FILE holds them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from bot.adapters.db.audit_repository import Anchor
from bot.domain.errors import InvalidInput

_GIVEN = re.compile(r"(\d{1,18}):([0-9a-f]{64})")
_LINE = re.compile(r"(\d{1,18})\s+([0-9a-f]{64})(?:\s+(\S{1,40}))?")
MAX_LINE = 200  # a line of ours is about 100 characters


def _from_file(path: Path) -> list[Anchor]:
    found: list[Anchor] = []
    try:
        with path.open(encoding="utf-8") as lines:
            for number, raw in enumerate(lines, start=1):
                line = raw[: MAX_LINE + 1].strip()
                if not line or line.startswith("#"):
                    continue
                match = _LINE.fullmatch(line) if len(line) <= MAX_LINE else None
                if match is None:
                    raise InvalidInput(
                        f"{path} line {number} is not an anchor: expected 'SEQ HASH [TIME]'"
                        " (a row number, its 64-character hash, and optionally when)."
                    )
                seq, hash_, when = match.groups()
                at = _time(when)
                found.append(Anchor(int(seq), hash_, at, f"{path.name} line {number}"))
    except (OSError, UnicodeDecodeError) as err:
        reason = err.strerror if isinstance(err, OSError) and err.strerror else "not text"
        raise InvalidInput(f"The anchor file {path} cannot be read ({reason}).") from None
    if not found:
        raise InvalidInput(f"The anchor file {path} holds no anchors.")
    return found


def _time(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None  # when it was written only informs people; the seq and hash are checked


def parse_anchors(values: Iterable[str]) -> list[Anchor]:
    """Each value is `SEQ:HASH` or a path; two anchors for one row must agree."""
    anchors: dict[int, Anchor] = {}
    for value in values:
        given = _GIVEN.fullmatch(value.strip().lower())
        if given is not None:
            found = [Anchor(int(given[1]), given[2], source=f"--anchor {given[1]}:…")]
        elif ":" in value and not Path(value).exists() and value.split(":")[0].isdigit():
            raise InvalidInput(
                f"--anchor '{value[:80]}' is neither a file nor SEQ:HASH (a row number, a colon"
                " and its 64-character hash, as `rrbot audit anchor` prints them)."
            )
        else:
            found = _from_file(Path(value))
        for anchor in found:
            known = anchors.setdefault(anchor.seq, anchor)
            if known.hash != anchor.hash:
                raise InvalidInput(
                    f"Two anchors for row {anchor.seq} disagree ({known.source} and"
                    f" {anchor.source}); check where they were kept."
                )
    return sorted(anchors.values(), key=lambda a: a.seq)
