"""How Teams people type to the bot and answer it: by mentioning it (`@Rapid Review schedule`;
in the personal chat the mention may be left out), replying in the chat (a 1:1 chat has no
threads), and Teams' markdown bold."""

from __future__ import annotations

from bot.ports import ChatStyle

BOT_NAME = "Rapid Review"  # the manifest's short name: what people type after @

TEAMS_STYLE = ChatStyle(
    command_prefix=f"@{BOT_NAME}",
    reply_here="reply in this chat",
    request_place="this chat",
    strong="**",
    space="chat",
)
