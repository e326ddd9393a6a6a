"""Reading submitted Slack modals back into domain objects, or into Slack's per-field errors.

`Invalid.errors` is `{block_id: message}`, the shape of `response_action: errors`, so the person
sees each problem under its own field and loses nothing they typed.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from bot.domain.decision import DecisionRecord
from bot.domain.notification import Notification

Values = dict[str, dict[str, dict[str, Any]]]


class Invalid(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def _element(values: Values, block: str) -> dict[str, Any]:
    return values.get(block, {}).get("value", {})


def _text(values: Values, block: str) -> str:
    return str(_element(values, block).get("value") or "").strip()


def _choice(values: Values, block: str) -> str | None:
    chosen = _element(values, block).get("selected_option")
    return str(chosen["value"]) if chosen else None


def _choices(values: Values, block: str) -> list[str]:
    return [str(o["value"]) for o in _element(values, block).get("selected_options") or []]


def _date(values: Values, block: str) -> str | None:
    picked = _element(values, block).get("selected_date")
    return str(picked) if picked else None


def _too_long(error: ErrorDetails) -> str | None:
    """A length limit in plain words; None for any other kind of error."""
    limit = error.get("ctx", {}).get("max_length")
    if error["type"] == "string_too_long":
        each = " each" if len(error["loc"]) > 1 else ""  # one of a list of names
        return f"Too long: at most {limit} characters{each}."
    if error["type"] == "too_long":
        return f"Too many: at most {limit}."
    return None


def _field_errors(err: ValidationError, fields: set[str], fallback: str) -> dict[str, str]:
    """pydantic's errors by field; a whole-record rule names its field as 'field: reason'."""
    errors: dict[str, str] = {}
    for e in err.errors(include_url=False, include_input=False):
        where = str(e["loc"][0]) if e["loc"] else ""
        message = _too_long(e) or str(e["msg"]).removeprefix("Value error, ")
        named, _, reason = message.partition(": ")
        if where not in fields and named in fields:
            where, message = named, reason
        block = where if where in fields else fallback
        errors.setdefault(block, message[:150])
    return errors


def read_decision(values: Values) -> DecisionRecord:
    fields = set(DecisionRecord.model_fields)
    data: dict[str, Any] = {
        name: _text(values, name)
        for name in fields
        if _element(values, name).get("type") == "plain_text_input"
    }
    errors: dict[str, str] = {}
    for name in ("considered_against_criteria", "national_review_recommended"):
        answer = _choice(values, name)
        if answer is None:
            errors[name] = "Answer yes or no."
        data[name] = answer == "yes"
    data["outcome"] = _choice(values, "outcome")
    data["criteria_met"] = _choices(values, "criteria_met")
    data["agencies_taking_part"] = _choices(values, "agencies_taking_part")
    data["decided_by"] = _choices(values, "decided_by")
    data["decided_on"] = _date(values, "decided_on")
    absent: dict[str, str] = {}
    for line in data.pop("absent_agency_reasons", "").splitlines():
        if not line.strip():
            continue
        agency, colon, reason = line.partition(":")
        if not colon:
            errors["absent_agency_reasons"] = f"Write '{line.strip()[:30]}' as agency: reason."
        absent[agency.strip()] = reason.strip()
    data["absent_agency_reasons"] = absent
    try:
        record = DecisionRecord.model_validate(data)
    except ValidationError as err:
        raise Invalid(_field_errors(err, fields, "summary_of_facts") | errors) from None
    if errors:
        raise Invalid(errors)
    return record


def read_new_case(values: Values, today: date) -> Notification:
    names = [n.strip() for n in _text(values, "child_names").split(",") if n.strip()]
    data = {
        "external_ref": _text(values, "external_ref"),
        "notified_on": _date(values, "notified_on"),
        "agencies": _choices(values, "agencies"),
        "child_names": names,
    }
    try:
        notification = Notification.model_validate(data)
    except ValidationError as err:
        raise Invalid(_field_errors(err, set(data), "external_ref")) from None
    if notification.notified_on > today:
        raise Invalid({"notified_on": "A notification cannot be dated in the future."})
    return notification
