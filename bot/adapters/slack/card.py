"""The pinned case card in Block Kit: what `SlackChat.update_case_card` posts and edits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from bot.ports import Button, CaseCard


def card_text(card: CaseCard) -> str:
    """The notification and screen-reader text of the card."""
    return escape(f"Case {card.case_ref}: {card.stage}. Next: {card.next_deadline}")


def card_blocks(card: CaseCard) -> list[dict[str, Any]]:
    """Block Kit: a header with the reference, stage and next deadline side by side, then the
    card's lines in as few sections as Slack's 3000-character limit allows."""
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": card.case_ref[:150]}},
        {
            "type": "section",
            "fields": [_field("Stage", card.stage), _field("Next deadline", card.next_deadline)],
        },
    ]
    for chunk in _chunks((escape(line) for line in card.lines), 3000):
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": chunk}})
    return blocks[:50]  # Slack's limit a message


def message_blocks(text: str, buttons: Sequence[Button]) -> list[dict[str, Any]]:
    """A message with buttons under it. The text stays as services wrote it (mentions such as
    `<@U…>` must reach Slack unescaped), cut into sections of Slack's 3000 characters."""
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": chunk}}
        for chunk in _chunks(text.splitlines() or [""], 3000)
    ][:45]
    elements = []
    for b in buttons[:25]:  # an actions block holds at most 25 elements
        element: dict[str, Any] = {
            "type": "button",
            "action_id": b.action,
            "value": b.value[:2000],
            "text": {"type": "plain_text", "text": b.label[:75]},
        }
        if b.primary:
            element["style"] = "primary"
        elements.append(element)
    if elements:
        blocks.append({"type": "actions", "elements": elements})
    return blocks


def _field(label: str, value: str) -> dict[str, str]:
    return {"type": "mrkdwn", "text": f"*{label}*\n{escape(value)}"[:2000]}


def escape(text: str) -> str:
    """Slack's three control characters, as its docs ask: `<!channel>`, `<@U…>` and
    `<https://…|text>` then read as text, and `&` as itself."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _chunks(lines: Iterable[str], size: int) -> Iterable[str]:
    chunk = ""
    for line in lines:
        line = line[:size]
        if chunk and len(chunk) + 1 + len(line) > size:
            yield chunk
            chunk = ""
        chunk = f"{chunk}\n{line}" if chunk else line
    if chunk:
        yield chunk
