"""Teams message shapes: Adaptive Cards (1.5) for buttons and the case card, and the escaping
that keeps someone's own words inert.

A message's words go in the activity's `text` (Teams markdown, where `<at>` mentions work);
its buttons go in an Adaptive Card under it. Each Button becomes an `Action.Submit` whose
data is `{"action", "value"}` (what the inbound side reads back), plus `case_ref` and `agency`
for a request's card. The case card shows the reference, the stage, the next deadline and its
lines; the case's links are `Action.OpenUrl` buttons on it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.ports import Bookmark, Button, CaseCard, RequestThread

Json = dict[str, Any]
CARD = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
MAX_TEXT = 12_000  # Teams refuses a message over 40 KB (as UTF-16): the words keep half
MAX_ACTIONS = 6  # Teams shows at most six actions on a card
MAX_LINE = 500
MAX_LINES = 40
_MARKDOWN = re.compile(r"([\\`*_~\[\]()#])")
_LINK = re.compile(r"(?i)(://|www\.)")


def escape(text: str) -> str:
    """User text made inert for a Teams message: `<at>`, HTML and entities read as text
    (`&`, `<`, `>` as entities), markdown's control characters backslashed, and no address
    left for Teams to turn into a link (a zero-width space breaks `://` and `www.`)."""
    return _break_links(_MARKDOWN.sub(r"\\\1", html_escape(text)))


def html_escape(text: str) -> str:
    """`&`, `<` and `>` as entities: no tag (`<at>`, `<a>`) can ride in."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def card_escape(text: str) -> str:
    """Text made inert inside an Adaptive Card's TextBlock: cards render a little markdown
    (links included) and no HTML, so `[text](url)` and bare addresses are broken up with a
    zero-width space and everything else shows as typed."""
    return _break_links(text.replace("](", "]\u200b("))


def _break_links(text: str) -> str:
    return _LINK.sub(lambda m: m.group(1)[0] + "\u200b" + m.group(1)[1:], text)


def adaptive_card(body: list[Json], actions: list[Json], entities: Sequence[Json] = ()) -> Json:
    card: Json = {"type": "AdaptiveCard", "$schema": SCHEMA, "version": "1.5", "body": body}
    if actions:
        card["actions"] = actions
    if entities:  # mentions inside a card need their entities in the card itself
        card["msteams"] = {"entities": list(entities)}
    return card


def buttons_card(buttons: Sequence[Button], about: RequestThread | None) -> Json:
    """The card under a message with buttons: only the buttons (the words are the message's)."""
    actions = []
    for button in buttons[:MAX_ACTIONS]:
        data: Json = {"action": button.action, "value": button.value[:2000]}
        if about is not None:
            data |= {"case_ref": about.case_ref, "agency": about.agency}
        action: Json = {"type": "Action.Submit", "title": button.label[:75], "data": data}
        if button.primary:
            action["style"] = "positive"
        actions.append(action)
    return adaptive_card([], actions)


def case_card(card: CaseCard, links: Sequence[Bookmark]) -> Json:
    """The case card: the reference as its title (never a name: the sensitivity guard has
    passed it), stage and next deadline as facts, the lines, and the case's links."""
    body: list[Json] = [
        {
            "type": "TextBlock",
            "text": card_escape(card.case_ref[:64]),
            "size": "Large",
            "weight": "Bolder",
            "wrap": True,
        },
        {
            "type": "FactSet",
            "facts": [
                {"title": "Stage", "value": card_escape(card.stage[:MAX_LINE])},
                {"title": "Next deadline", "value": card_escape(card.next_deadline[:MAX_LINE])},
            ],
        },
    ]
    body += [
        {
            "type": "TextBlock",
            "text": card_escape(line[:MAX_LINE]),
            "wrap": True,
            "spacing": "Small",
        }
        for line in card.lines[:MAX_LINES]
    ]
    actions = [
        {"type": "Action.OpenUrl", "title": link.title[:75], "url": link.link}
        for link in links[:MAX_ACTIONS]
        if link.link.startswith(("https://", "http://"))
    ]
    return adaptive_card(body, actions)


def card_summary(card: CaseCard) -> str:
    """The card's words for notifications (plain text, shown as it is: nothing to escape)."""
    return f"Case {card.case_ref}: {card.stage}. Next: {card.next_deadline}"[:500]


def teams_text(text: str) -> str:
    """A message's words as Teams shows them: bounded, each line break a `<br>` (Teams runs
    single line breaks together). User text in it was escaped, so no tag of theirs is left."""
    return text[:MAX_TEXT].replace("\r\n", "\n").replace("\n", "<br>")


def attachment(card: Json) -> Json:
    return {"contentType": CARD, "content": card}
