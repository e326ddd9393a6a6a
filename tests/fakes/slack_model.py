"""The Slack fake's workspace objects and the checks several methods share."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.fakes.slack_api import SlackApiFake

Args = dict[str, Any]
Reply = dict[str, Any]


class SlackError(Exception):
    def __init__(self, code: str, *messages: str, **extra: Any) -> None:
        super().__init__(code)
        self.reply: Reply = {"ok": False, "error": code, **extra}
        if messages:
            self.reply["response_metadata"] = {"messages": list(messages)}


@dataclass
class Channel:
    id: str
    name: str
    creator: str
    is_private: bool = True
    is_archived: bool = False
    is_im: bool = False
    members: set[str] = field(default_factory=set)
    topic: str = ""

    def reply(self, viewer: str) -> Reply:
        topic = {"value": self.topic, "creator": self.creator if self.topic else "", "last_set": 0}
        return {
            "id": self.id, "name": self.name, "name_normalized": self.name,
            "is_channel": not self.is_private, "is_group": self.is_private, "is_im": self.is_im,
            "is_private": self.is_private, "is_archived": self.is_archived,
            "is_member": viewer in self.members, "creator": self.creator, "created": 1767225600,
            "topic": topic, "num_members": len(self.members),
        }  # fmt: skip


@dataclass
class Message:
    ts: str
    user: str
    text: str
    blocks: list[Any] | None = None
    metadata: dict[str, Any] | None = None
    thread_ts: str | None = None

    def reply(self, *, with_metadata: bool) -> Reply:
        shown: Reply = {"type": "message", "user": self.user, "text": self.text, "ts": self.ts}
        if self.blocks:
            shown["blocks"] = self.blocks
        if self.thread_ts:
            shown["thread_ts"] = self.thread_ts
        if with_metadata and self.metadata:
            shown["metadata"] = self.metadata
        return shown


def required(args: Args, *names: str) -> None:
    missing = [n for n in names if args.get(n) in (None, "")]
    if missing:
        fields = (f"[ERROR] missing required field: {n}" for n in missing)
        raise SlackError("invalid_arguments", *fields)


def flag(args: Args, name: str) -> bool:
    return str(args.get(name, "")).lower() in ("1", "true")


def usable_channel(fake: SlackApiFake, args: Args, caller: str) -> Channel:
    """The channel the caller may use; a private channel it is not in does not exist for it."""
    found = fake.channels.get(str(args.get("channel") or ""))
    if found is None or (found.is_private and caller not in found.members):
        raise SlackError("channel_not_found")
    if caller not in found.members:
        raise SlackError("not_in_channel")
    if found.is_archived:
        raise SlackError("is_archived")
    return found


def check_blocks(blocks: Any) -> None:
    """Block Kit's limits a card could meet: 50 blocks; a header's plain text up to 150
    characters, a section's text 3000, its fields 10 of 2000 each."""
    if not isinstance(blocks, list) or len(blocks) > 50:
        raise SlackError("invalid_blocks")
    for block in blocks:
        text, fields = block.get("text", {}), block.get("fields", [])
        too_long = {"header": 150, "section": 3000}.get(block.get("type"), 0)
        if block.get("type") not in ("header", "section", "divider", "context", "actions") or (
            too_long and len(text.get("text", "")) > too_long
        ):
            raise SlackError("invalid_blocks")
        if len(fields) > 10 or any(len(f.get("text", "")) > 2000 for f in fields):
            raise SlackError("invalid_blocks")
        if block["type"] == "header" and text.get("type") != "plain_text":
            raise SlackError("invalid_blocks")


_VIEW_BLOCKS = ("header", "section", "divider", "context", "actions", "input")


def check_view(view: Any, kinds: tuple[str, ...]) -> dict[str, Any]:
    """What views.open/publish check: JSON, a known type, a modal's title and the blocks."""
    if isinstance(view, str):
        try:
            view = json.loads(view)
        except ValueError:
            raise SlackError("invalid_arguments", "[ERROR] view must be JSON") from None
    if not isinstance(view, dict) or view.get("type") not in kinds:
        raise SlackError("invalid_arguments", f"[ERROR] view type must be one of {kinds}")
    blocks = view.get("blocks")
    if not isinstance(blocks, list) or len(blocks) > 100:
        raise SlackError("invalid_arguments", "[ERROR] view needs 1-100 blocks")
    for block in blocks:
        if block.get("type") not in _VIEW_BLOCKS:
            raise SlackError("invalid_arguments", f"[ERROR] unknown block {block.get('type')}")
        if block["type"] == "input" and ("label" not in block or "element" not in block):
            raise SlackError("invalid_arguments", "[ERROR] an input block needs label, element")
    if view["type"] == "modal" and len(view.get("title", {}).get("text", "")) > 24:
        raise SlackError("invalid_arguments", "[ERROR] a modal title is at most 24 characters")
    return view


def message_body(args: Args) -> tuple[str, list[Any] | None]:
    text, blocks = str(args.get("text") or ""), args.get("blocks")
    if not text and not blocks and not args.get("attachments"):
        raise SlackError("no_text")
    if blocks is not None:
        check_blocks(blocks)
    return text, blocks
