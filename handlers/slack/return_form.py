"""The Slack return form: the reply template's fields as a modal, and the submitted modal read
back into a StructuredReturn, or into Slack's errors, each under its own field (nothing typed
is lost: Slack keeps the form open with what was typed)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError

from bot.domain.decision import TEXT_MAX_CHARS
from bot.domain.return_lines import (
    CHRONOLOGY_FORMAT,
    CONTACTS_FORMAT,
    LinesInvalid,
    chronology_lines,
    contact_lines,
)
from bot.domain.returns import (
    ACTIONS_MAX_CHARS,
    ANALYSIS_MAX_CHARS,
    LEARNING_MAX_CHARS,
    Involvement,
    StructuredReturn,
)
from handlers.slack.forms import Invalid, Values, _choice, _choices, _date, _element, _field_errors
from handlers.slack.views import RETURN_MODAL, Block, _input, _modal, _option

SECURED = {"yes": True, "no": False, "not_yet": None}
# (block, label, the record's limit): Slack's boxes hold TEXT_MAX_CHARS at most
WORDS = (
    ("analysis", "Your agency's analysis", ANALYSIS_MAX_CHARS),
    ("learning", "Learning", LEARNING_MAX_CHARS),
    ("safeguarding_actions", "Immediate safeguarding actions taken", ACTIONS_MAX_CHARS),
)
LINE_ERROR_MAX_CHARS = 300


@dataclass(frozen=True, slots=True)
class ReturnForm:
    structured: StructuredReturn
    files: tuple[str, ...]  # file names; the files stay in chat, where they were posted


def _box(field: str, label: str, limit: int, hint: str) -> Block:
    element = {"type": "plain_text_input", "multiline": True, "max_length": limit}
    return _input(field, label, element, optional=True, hint=hint)


def return_modal(case_ref: str, agency: str, agency_name: str) -> Block:
    involvement = [_option(i.value, i.label.capitalize()) for i in Involvement]
    secured = [_option("yes", "Yes"), _option("no", "No"), _option("not_yet", "Not yet")]
    return _modal(
        RETURN_MODAL,
        "Information return",
        "Submit return",
        f"{case_ref}|{agency}",
        [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"*{case_ref}*: return for {agency_name}"},
            },
            _input(
                "involvement",
                "Your agency's involvement",
                {"type": "radio_buttons", "options": involvement},
            ),
            _input("period_from", "Involved from", {"type": "datepicker"}, optional=True),
            _input("period_to", "Involved until", {"type": "datepicker"}, optional=True),
            _box("contacts", "Key contacts", TEXT_MAX_CHARS, f"One a line: {CONTACTS_FORMAT}"),
            _box(
                "chronology",
                "Chronology",
                TEXT_MAX_CHARS,
                f"One event a line: {CHRONOLOGY_FORMAT}. A longer chronology goes in the"
                " Word template, or attach it as a file.",
            ),
            *(_box(field, label, min(limit, TEXT_MAX_CHARS), "") for field, label, limit in WORDS),
            _input(
                "records_secured",
                "Records secured?",
                {"type": "radio_buttons", "options": secured},
            ),
            _input(
                "partial",
                "More to follow?",
                {
                    "type": "checkboxes",
                    "options": [_option("partial", "This return is partial: more to follow")],
                },
                optional=True,
            ),
            _input("files", "Documents", {"type": "file_input", "max_files": 10}, optional=True),
        ],
    )


def _typed(values: Values, block: str) -> str:
    return str(_element(values, block).get("value") or "").strip()


def _lines_error(wrong: LinesInvalid) -> str:
    first, rest = wrong.problems[0], len(wrong.problems) - 1
    more = f" ({rest} more {'lines' if rest > 1 else 'line'} to fix.)" if rest else ""
    return (first[: LINE_ERROR_MAX_CHARS - len(more)] + more).strip()


def read_return(values: Values, today: date) -> ReturnForm:
    """The form as a StructuredReturn, or every problem under its field."""
    errors: dict[str, str] = {}
    data: dict[str, Any] = {
        "involvement": _choice(values, "involvement"),
        "period_from": _date(values, "period_from"),
        "period_to": _date(values, "period_to"),
        "partial": bool(_choices(values, "partial")),
    }
    if data["involvement"] is None:
        errors["involvement"] = "Choose how far your agency was involved."
    secured = _choice(values, "records_secured")
    if secured is None:
        errors["records_secured"] = "Say whether your records are secured."
    data["records_secured"] = SECURED.get(secured or "not_yet")
    for field, _, limit in WORDS:
        data[field] = _typed(values, field)
        if len(data[field]) > min(limit, TEXT_MAX_CHARS):
            errors[field] = f"Too long: at most {min(limit, TEXT_MAX_CHARS)} characters."
    readers: dict[str, Callable[[str], tuple[object, ...]]] = {
        "contacts": contact_lines,
        "chronology": lambda text: chronology_lines(text, not_after=today),
    }
    for field, read in readers.items():
        # not stripped: a line's number is the one the person sees in the box
        typed, data[field] = str(_element(values, field).get("value") or ""), ()
        if len(typed) > TEXT_MAX_CHARS:  # Slack's box stops it; a hand-made request may not
            errors[field] = f"Too long: at most {TEXT_MAX_CHARS} characters."
            continue
        try:
            data[field] = read(typed)
        except LinesInvalid as wrong:
            errors[field] = _lines_error(wrong)
    files = tuple(str(f.get("name", "file")) for f in _element(values, "files").get("files") or [])
    try:
        structured = StructuredReturn.model_validate(data)
    except ValidationError as err:
        fields = {"involvement", "period_from", "period_to", "analysis"}
        found = _field_errors(err, fields, "analysis")
        if "chronology" in errors and not data["analysis"]:
            found.pop("analysis", None)  # "give a chronology": it was given, with a problem
        found |= errors
        raise Invalid(
            {block: said[:1].upper() + said[1:] for block, said in found.items()}
        ) from None
    if errors:
        raise Invalid(errors)
    return ReturnForm(structured, files)
