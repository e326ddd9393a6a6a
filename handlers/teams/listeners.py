"""What the bot does with each Teams activity. For now: any message is answered with the
commands (the full set of Teams listeners replaces this module)."""

from __future__ import annotations

from microsoft_teams.api.activities.message import MessageActivity, MessageActivityInput
from microsoft_teams.apps import ActivityContext, App

from bot.bootstrap import Container
from handlers.commands import help_text


def register(app: App, container: Container) -> None:
    @app.on_message
    async def answer_with_help(ctx: ActivityContext[MessageActivity]) -> None:
        # Plain text: the usage line's `<command>` is not markup.
        await ctx.send(MessageActivityInput(text=help_text(), text_format="plain"))
