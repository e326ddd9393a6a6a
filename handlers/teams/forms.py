"""The return and decision forms as Adaptive Cards, and reading a submitted one back.

A submitted card is read by Slack's own readers (handlers/slack/forms.py), its values put in
the shape those expect, so a form is refused for exactly the same reasons on both surfaces;
`Invalid.errors` names the field, and the card is shown again with the problem under it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.domain.decision import TEXT_MAX_CHARS, Criterion, DecisionRecord, ReviewOutcome
from bot.domain.return_lines import CHRONOLOGY_FORMAT, CONTACTS_FORMAT
from bot.domain.returns import Involvement
from handlers.slack import forms as slack_forms
from handlers.slack import return_form as slack_return
from handlers.slack.forms import Invalid
from handlers.slack.return_form import WORDS, ReturnForm
from handlers.teams import cards
from handlers.teams.cards import choice, choices, date_input, field, kept, text, toggle, words
from handlers.teams.turn import Card

RETURN_FORM = "return_form"
DECISION_FORM = "decision_form"
DOCUMENTS_MAX = 10  # as many as Slack's file input takes
DOCUMENT_MAX_CHARS = 300
VALUE_MAX_CHARS = 20_000  # anything longer was not typed into this card
YES_NO = [("yes", "Yes"), ("no", "No")]
# The decision record's fields, labelled as in Slack's form: (name, label, kind, optional)
DECISION_FIELDS: tuple[tuple[str, str, str, bool], ...] = (
    ("considered_against_criteria", "Considered against the LCSPR criteria?", "yes_no", False),
    ("criteria_met", "Criteria met", "criteria", True),
    ("immediate_safeguarding", "Immediate safeguarding of the children", "words", False),
    ("summary_of_facts", "Summary of the facts", "words", False),
    ("outcome", "Outcome", "outcome", False),
    ("outcome_reasons", "Reasons for the outcome", "words", False),
    ("national_review_recommended", "National review recommended?", "yes_no", False),
    ("national_review_reasons", "Reasons about a national review", "words", False),
    ("immediate_learning", "Immediate learning", "words", False),
    ("learning_shared_how", "How the learning is shared", "words", False),
    ("further_learning_potential", "Potential for further learning", "words", False),
    ("no_further_learning_reasons", "Why no further learning is expected", "words", True),
    ("agencies_taking_part", "Agencies taking part", "agencies", False),
    ("absent_agency_reasons", "Why any involved agency was absent", "words", True),
    ("decided_by", "Decided by", "deciders", False),
    ("decided_on", "Decided on", "date", False),
)
SECURED = [("yes", "Yes"), ("no", "No"), ("not_yet", "Not yet")]
# The template's boxes, one line per entry where it has lines: (name, label, limit, hint)
RETURN_BOXES: tuple[tuple[str, str, int, str], ...] = (
    ("contacts", "Key contacts", TEXT_MAX_CHARS, f"One a line: {CONTACTS_FORMAT}"),
    (
        "chronology",
        "Chronology",
        TEXT_MAX_CHARS,
        f"One event a line: {CHRONOLOGY_FORMAT}. A longer chronology goes in the Word"
        " template, or send it as a file.",
    ),
    *((name, label, min(limit, TEXT_MAX_CHARS), "") for name, label, limit in WORDS),
)
HINTS = {
    "no_further_learning_reasons": "Required unless the outcome is an LCSPR.",
    "absent_agency_reasons": "One line each: agency code: reason",
    "documents": "One a line: the document's name or link. Or send the files in this chat"
    " once the return is recorded: each is added to it.",
}


def return_form(
    case_ref: str,
    agency: str,
    agency_name: str,
    for_email: str,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Card:
    """The reply template's fields, as the Slack form asks them, each problem under its
    field and every value kept when the card is shown again."""
    values, errors = values or {}, errors or {}
    body: list[dict[str, Any]] = [
        text(f"**{case_ref}**: return for {agency_name}", weight="Bolder")
    ]
    if errors:
        body.append(text("Nothing was recorded: put right what is marked below.", subtle=True))
    involvement = [(i.value, i.label.capitalize()) for i in Involvement]
    body += field(
        "involvement",
        "Your agency's involvement",
        choice(involvement, kept(values, "involvement")),
        errors,
    )
    body += field(
        "period_from",
        "Involved from",
        date_input(kept(values, "period_from")),
        errors,
        optional=True,
    )
    body += field(
        "period_to", "Involved until", date_input(kept(values, "period_to")), errors, optional=True
    )
    for name, label, limit, hint in RETURN_BOXES:
        body += field(
            name, label, words(limit, kept(values, name)), errors, optional=True, hint=hint
        )
    body += field(
        "records_secured",
        "Records secured?",
        choice(SECURED, kept(values, "records_secured")),
        errors,
    )
    partial = toggle("This return is partial: more to follow", kept(values, "partial") == "true")
    body += field("partial", "More to follow?", partial, errors, optional=True)
    body += field(
        "documents",
        "Documents",
        words(DOCUMENTS_MAX * (DOCUMENT_MAX_CHARS + 1), kept(values, "documents")),
        errors,
        optional=True,
        hint=HINTS["documents"],
    )
    value = f"{case_ref}|{agency}"
    return cards.card(body, [cards.submit("Submit return", RETURN_FORM, value, to=for_email)])


def decision_form(
    case_ref: str,
    agencies: Sequence[tuple[str, str]],
    deciders: Sequence[tuple[str, str]],
    for_email: str,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
) -> Card:
    """Every field of the decision record (DOMAIN.md §7), each with its problem under it."""
    values, errors = values or {}, errors or {}
    described = DecisionRecord.model_fields
    body: list[dict[str, Any]] = [text(f"**{case_ref}**: Rapid Review decision", size="Medium")]
    if errors:
        body.append(text("Nothing was recorded: put right what is marked below.", subtle=True))
    for name, label, kind, optional in DECISION_FIELDS:
        was = kept(values, name)
        if kind == "yes_no":
            element = choice(YES_NO, was)
        elif kind == "criteria":
            options = [(c.value, c.value.replace("_", " ")) for c in Criterion]
            element = choices(options, _split(was))
        elif kind == "outcome":
            element = choice([(o.value, o.label) for o in ReviewOutcome], was, expanded=False)
        elif kind == "agencies":  # all of them, unless the chair said otherwise
            element = choices(agencies, _split(was) if name in values else [a for a, _ in agencies])
        elif kind == "deciders":
            element = choices(deciders, _split(was))
        elif kind == "date":
            element = date_input(was)
        else:
            element = words(TEXT_MAX_CHARS, was)
        hint = HINTS.get(name) or (described[name].description or "" if kind == "words" else "")
        body += field(name, label, element, errors, optional=optional, hint=hint)
    action = cards.submit("Record decision", DECISION_FORM, case_ref, to=for_email)
    return cards.card(body, [action])


def _value(values: dict[str, Any], name: str) -> str:
    value = values.get(name)
    return value.strip()[:VALUE_MAX_CHARS] if isinstance(value, str) else ""


def _split(value: str) -> list[str]:
    return [v.strip() for v in value.split(",")[:100] if v.strip()]


def read_return(values: dict[str, Any], today: date) -> ReturnForm:
    """The submitted card read by the Slack form's reader, so both refuse alike."""
    documents = [d.strip() for d in _value(values, "documents").splitlines() if d.strip()]
    errors: dict[str, str] = {}
    if len(documents) > DOCUMENTS_MAX:
        errors["documents"] = f"Too many: at most {DOCUMENTS_MAX}."
    elif any(len(d) > DOCUMENT_MAX_CHARS for d in documents):
        errors["documents"] = f"Too long: at most {DOCUMENT_MAX_CHARS} characters each."
    slack_values: dict[str, dict[str, dict[str, Any]]] = {
        name: {"value": {"selected_option": {"value": chosen} if chosen else None}}
        for name in ("involvement", "records_secured")
        for chosen in [_value(values, name)]
    }
    for name in ("period_from", "period_to"):
        slack_values[name] = {"value": {"selected_date": _value(values, name) or None}}
    for name, *_ in RETURN_BOXES:
        slack_values[name] = {"value": {"value": _value(values, name)}}
    partial = [{"value": "partial"}] if _value(values, "partial") == "true" else []
    slack_values["partial"] = {"value": {"selected_options": partial}}
    slack_values["files"] = {"value": {"files": [{"name": d} for d in documents]}}
    try:
        form = slack_return.read_return(slack_values, today)
    except Invalid as invalid:
        raise Invalid(invalid.errors | errors) from None
    if errors:
        raise Invalid(errors)
    return form


def read_decision(values: dict[str, Any]) -> DecisionRecord:
    slack_values: dict[str, dict[str, dict[str, Any]]] = {}
    for name, _label, kind, _optional in DECISION_FIELDS:
        was = _value(values, name)
        if kind in ("yes_no", "outcome"):
            element: dict[str, Any] = {"selected_option": {"value": was} if was else None}
        elif kind in ("criteria", "agencies", "deciders"):
            element = {"selected_options": [{"value": v} for v in _split(was)]}
        elif kind == "date":
            element = {"selected_date": was or None}
        else:
            element = {"type": "plain_text_input", "value": was}
        slack_values[name] = {"value": element}
    return slack_forms.read_decision(slack_values)
