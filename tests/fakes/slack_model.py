"""The Slack fake's workspace objects and the checks several methods share."""

from __future__ import annotations

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


def message_body(args: Args) -> tuple[str, list[Any] | None]:
    text, blocks = str(args.get("text") or ""), args.get("blocks")
    if not text and not blocks and not args.get("attachments"):
        raise SlackError("no_text")
    if blocks is not None:
        check_blocks(blocks)
    return text, blocks
