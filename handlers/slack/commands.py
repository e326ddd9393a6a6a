"""`/rapidreview` in Slack: ack at once, then parse, authorise, call one service, reply.

The work runs after the ack (bolt answers Slack as soon as `ack()` is awaited), so a slow
service never breaks Slack's 3-second limit; the answer goes to the person alone.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.bootstrap import Container
from bot.logging import get_logger
from handlers.slack.after_ack import AfterAck
from handlers.slack.answers import Answers
from handlers.slack.people import SlackPeople
from handlers.text_commands import TextCommands

log = get_logger(__name__)
CASE_CHANNEL = re.compile(r"^[a-z]{2,8}-rr-\d{4}-\d{3,}$")
NO_EMAIL = (
    "Sorry: the bot cannot read an email address for your Slack account, so it cannot find"
    " you in the partnership directory. Ask the business office to check your profile."
)


def register(
    app: AsyncApp, container: Container, people: SlackPeople, answers: Answers, later: AfterAck
) -> None:
    commands = TextCommands(container.services)

    async def answer(body: dict[str, Any]) -> None:
        url = str(body.get("response_url", ""))
        email = await people.email_of(str(body.get("user_id", "")))
        if email is None:
            await answers.send(url, NO_EMAIL)
            return
        channel = str(body.get("channel_name", ""))
        in_case = channel.upper() if CASE_CHANNEL.match(channel) else None
        text = str(body.get("text", ""))
        reply = await commands.run(email, text, channel_case=in_case)
        log.info("slash_command", command=text.split(" ")[0][:20], ok=not reply.startswith("Sorry"))
        await answers.send(url, reply)

    @app.command("/rapidreview")
    async def rapidreview(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        later.submit(lambda: answer(body))
