"""An adopted case channel keeps only the people on the case.

A channel is adopted when the bot already made one of that name: a retried open, or a new
database (a restore, say) whose case numbers start again in the same workspace. In the second
case the channel still holds the people of the earlier case, who could read everything posted
for the new one. So on adoption everyone in it who is not on the case (and is not the bot) is
removed, and the chair is told who was; anyone Slack will not let the bot remove (a workspace
rule, a missing scope) is named to the chair to remove by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.client import call
from bot.adapters.slack.errors import clean_code

PAGE = 200  # Slack's advice for conversations.members
# Refusals of conversations.kick that concern one person or the bot's rights, not Slack.
_REFUSED = frozenset(
    {"restricted_action", "missing_scope", "not_supported", "cant_kick_from_general"}
    | {"method_not_supported_for_channel_type", "cant_kick_self", "user_not_found"}
    | {"not_in_channel"}  # left meanwhile: nothing to do
)


@dataclass(frozen=True, slots=True)
class Strangers:
    removed: tuple[str, ...] = ()  # user ids taken out of the channel
    kept: tuple[tuple[str, str], ...] = ()  # (user id, Slack's code) it would not remove

    def __bool__(self) -> bool:
        return bool(self.removed or self.kept)


async def members_of(client: AsyncWebClient, channel: str) -> list[str]:
    """Every member's user id, page by page."""
    members: list[str] = []
    cursor: str | None = None
    while True:
        page = client.conversations_members(channel=channel, limit=PAGE, cursor=cursor)
        reply = await call("conversations.members", page)
        members += [str(m) for m in reply.get("members", [])]
        cursor = reply.get("response_metadata", {}).get("next_cursor") or None
        if cursor is None:
            return members


async def remove_strangers(client: AsyncWebClient, channel: str, *, keep: set[str]) -> Strangers:
    """Remove every member not in `keep` (the case's people and the bot itself)."""
    removed: list[str] = []
    kept: list[tuple[str, str]] = []
    for user in await members_of(client, channel):
        if user in keep:
            continue
        kick = client.conversations_kick(channel=channel, user=user)
        reply = await call("conversations.kick", kick, expected=_REFUSED)
        code = "ok" if reply["ok"] else clean_code(reply.get("error"))
        if code in ("ok", "not_in_channel"):
            removed.append(user)
        else:
            kept.append((user, code))
    return Strangers(tuple(removed), tuple(kept))


def notice(case_ref: str, strangers: Strangers, chairs: str) -> str:
    """What the chair reads in the channel: who was removed, and who is still to be."""
    lines = [
        f"{chairs} This channel was already there when {case_ref} was opened (made for an"
        " earlier case of the same reference) and held people who are not on this case."
    ]
    if strangers.removed:
        lines.append(f"Removed: {_people(strangers.removed)}.")
    if strangers.kept:
        codes = ", ".join(sorted({code for _user, code in strangers.kept}))
        lines.append(
            f"Slack would not let the bot remove {_people(u for u, _ in strangers.kept)}"
            f" ({codes}). They can read everything here: remove them by hand now."
        )
    return "\n".join(lines).strip()


def _people(users: Iterable[str]) -> str:
    return ", ".join(f"<@{user}>" for user in users)
