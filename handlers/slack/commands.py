"""`/rapidreview` in Slack: ack at once, then parse, authorise, call one service, reply.

The work runs after the ack (bolt answers Slack as soon as `ack()` is awaited), so a slow
service never breaks Slack's 3-second limit; the answer goes to the person alone. Answers
quote what was typed ("Unknown command '…'", "'…' is not a date"), so each is escaped for
Slack: a `<!channel>` or a link typed into a command comes back as plain text.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.adapters.slack.card import escape
from bot.bootstrap import Container
from bot.domain.errors import DomainError, Unavailable
from bot.logging import get_logger
from handlers.commands import parse
from handlers.render import render_slots
from handlers.slack.after_ack import AfterAck
from handlers.slack.answers import Answers
from handlers.slack.interactions import Interactions
from handlers.slack.people import SlackPeople
from handlers.slack.views import FIND_SLOTS, slot_blocks, try_again_blocks
from handlers.text_commands import TextCommands

log = get_logger(__name__)
CASE_CHANNEL = re.compile(r"^[a-z]{2,8}-rr-\d{4}-\d{3,}$")
MODALS = frozenset({"new", "decision"})  # commands that open a form
NO_EMAIL = (
    "Sorry: the bot cannot read an email address for your Slack account, so it cannot find"
    " you in the partnership directory. Ask the business office to check your profile."
)


def register(
    app: AsyncApp,
    container: Container,
    people: SlackPeople,
    answers: Answers,
    later: AfterAck,
    acting: Interactions,
) -> None:
    commands = TextCommands(container.services)
    services = container.services

    async def in_slack(email: str, body: dict[str, Any]) -> bool:
        """The commands Slack answers with a form or buttons; True when handled here."""
        text, url = str(body.get("text", "")), str(body.get("response_url", ""))
        words = text.split()
        name = words[0].lower() if words else ""
        if (name, len(words)) == ("new", 1):
            await acting.open_new_case_form(str(body.get("trigger_id", "")), email)
        elif name == "decision":
            command = parse(text, _case_of_channel(body))
            assert command.case_ref is not None
            await acting.open_decision_form(
                str(body.get("trigger_id", "")), email, command.case_ref
            )
        elif name == "schedule":
            command = parse(text, _case_of_channel(body))
            assert command.case_ref is not None
            try:
                offer = await services.find_slots(case_ref=command.case_ref, actor=email)
            except Unavailable as err:  # nothing retries a person's search: offer it again
                said = f"Sorry: {escape(err.message)}"
                again = try_again_blocks(said, FIND_SLOTS, command.case_ref)
                await answers.send(url, said, blocks=again)
                return True
            commands.offered(command.case_ref, offer)
            reply = escape(render_slots(services.ctx, offer))
            blocks = slot_blocks(services.ctx, command.case_ref, offer)
            await answers.send(url, reply, blocks=blocks)
        else:
            return False
        return True

    async def answer(body: dict[str, Any]) -> None:
        url = str(body.get("response_url", ""))
        email = await people.email_of(str(body.get("user_id", "")))
        if email is None:
            await answers.send(url, NO_EMAIL)
            return
        text = str(body.get("text", ""))
        try:
            handled = await in_slack(email, body)
        except DomainError as err:
            await answers.send(url, f"Sorry: {escape(err.message)}")
            handled = True
        if not handled:
            reply = await commands.run(email, text, channel_case=_case_of_channel(body))
            await answers.send(url, escape(reply))
        log.info("slash_command", command=text.split(" ")[0][:20])

    @app.command("/rapidreview")
    async def rapidreview(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        words = str(body.get("text", "")).split()
        if words and words[0].lower() in MODALS:
            await answer(body)  # now, not queued: the trigger id lives three seconds
        else:
            later.submit(lambda: answer(body))


def _case_of_channel(body: dict[str, Any]) -> str | None:
    channel = str(body.get("channel_name", ""))
    return channel.upper() if CASE_CHANNEL.match(channel) else None
