"""Adaptive Card pieces for the Teams surface: text, buttons that hand back an action and a
value (the same pair as `bot.ports.Button`), and inputs that keep what was typed and show a
problem under their own field."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.adapters.teams.cards import card_escape
from handlers.teams.turn import Card

Element = dict[str, Any]
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
ERROR_SUFFIX = "__error"  # the id of the line under a field that says what is wrong with it


def card(body: Sequence[Element], actions: Sequence[Element] = ()) -> Card:
    made: Card = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": "1.5", "body": list(body)}
    if actions:
        made["actions"] = list(actions)
    return made


def text(words: str, *, weight: str = "", size: str = "", subtle: bool = False) -> Element:
    """A line of the bot's own words; anything the person typed must be escaped first."""
    block: Element = {"type": "TextBlock", "text": words, "wrap": True}
    if weight:
        block["weight"] = weight
    if size:
        block["size"] = size
    if subtle:
        block["isSubtle"] = True
    return block


def submit(title: str, action: str, value: str, **data: str) -> Element:
    """A button; Teams returns its data (with the card's inputs) as the message's value."""
    return {
        "type": "Action.Submit",
        "title": title[:60],
        "data": {"action": action, "value": value, **data},
    }


def buttons(*actions: Element) -> Element:
    return {"type": "ActionSet", "actions": list(actions)}


def error_line(field: str, errors: dict[str, str]) -> list[Element]:
    """The problem with `field`, in red under it, when there is one."""
    if field not in errors:
        return []
    line = text(card_escape(errors[field]), weight="Bolder")  # may quote what was typed
    line.update(color="Attention", id=field + ERROR_SUFFIX, spacing="None")
    return [line]


def field(
    name: str,
    label: str,
    element: Element,
    errors: dict[str, str],
    *,
    optional: bool = False,
    hint: str = "",
) -> list[Element]:
    """A labelled input named after the field it fills, its hint, and its problem if any."""
    element = {"id": name, "label": label, "isRequired": not optional, **element}
    return [element, *([text(hint, subtle=True)] if hint else []), *error_line(name, errors)]


def words(max_length: int, value: str = "") -> Element:
    return {"type": "Input.Text", "isMultiline": True, "maxLength": max_length, "value": value}


def choice(
    options: Sequence[tuple[str, str]], value: str = "", *, expanded: bool = True
) -> Element:
    return {
        "type": "Input.ChoiceSet",
        "style": "expanded" if expanded else "compact",
        "choices": [{"title": label[:75], "value": v[:150]} for v, label in options],
        "value": value,
    }


def choices(options: Sequence[tuple[str, str]], value: Sequence[str]) -> Element:
    """Several at once; Teams hands them back comma-separated."""
    made = choice(options, ",".join(value), expanded=False)
    made["isMultiSelect"] = True
    return made


def toggle(title: str, on: bool = False) -> Element:
    """A yes-or-no box; Teams hands back "true" or "false"."""
    return {
        "type": "Input.Toggle",
        "title": title[:75],
        "valueOn": "true",
        "valueOff": "false",
        "value": "true" if on else "false",
    }


def date_input(value: str = "") -> Element:
    return {"type": "Input.Date", "value": value}


def kept(values: dict[str, Any], name: str) -> str:
    """What the person had in a field, to put back when the form is shown again."""
    value = values.get(name)
    return value[:20_000] if isinstance(value, str) else ""
