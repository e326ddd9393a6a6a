"""Reading one cell of a returned reply template: a date, a yes or no, an involvement, a
bounded text. Each refusal names where the cell is and what is wrong, in the SPOC's words."""

from __future__ import annotations

from datetime import date, datetime

from bot.documents.reply_template import TemplateUnreadable
from bot.domain.returns import EARLIEST_EVENT, Involvement

DAY_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y")
SHORT_ANSWER_CHARS = 40  # a date, a yes or no: longer is not one
_INVOLVEMENT = {"full": Involvement.FULL, "limited": Involvement.LIMITED}
_INVOLVEMENT |= {"none": Involvement.NONE, "nil": Involvement.NONE, "no": Involvement.NONE}


def read_day(text: str, where: str) -> date | None:
    if not text:
        return None
    cleaned = " ".join(text.split())[:SHORT_ANSWER_CHARS]
    for pattern in DAY_FORMATS:
        try:
            day = datetime.strptime(cleaned, pattern).date()
        except ValueError:
            continue
        if day >= EARLIEST_EVENT:
            return day
    raise TemplateUnreadable(
        f"{where}: '{cleaned}' is not a date (write 3 November 2026, 03/11/2026 or 2026-11-03)."
    )


def read_yes_no(text: str, where: str) -> bool | None:
    answer = text.strip().lower()[:SHORT_ANSWER_CHARS].rstrip(".")
    if not answer:
        return None
    if answer in {"yes", "y"}:
        return True
    if answer in {"no", "n"}:
        return False
    raise TemplateUnreadable(f"{where}: answer yes or no, not '{answer}'.")


def bounded(text: str, most: int, where: str) -> str:
    if len(text) > most:
        raise TemplateUnreadable(
            f"{where} has {len(text):,} characters; it can hold at most {most:,}."
            " Please shorten it, or send the full text as a separate document."
        )
    return text


def read_involvement(text: str) -> Involvement:
    words = text.lower().replace("/", " ").split()
    if not words or words[0] not in _INVOLVEMENT:
        raise TemplateUnreadable(
            "Say whether your involvement was full, limited or none (in the first row of"
            " the answers table)."
        )
    return _INVOLVEMENT[words[0]]
