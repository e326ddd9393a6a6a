"""What people do in Teams, routed: a card submitted, a command typed, a return sent in the
personal chat, someone added to a chat. Built on `Turn` and `Back` (handlers/teams/turn.py),
so it runs the same under the SDK and in the tests."""

from __future__ import annotations

from collections.abc import Callable

from bot.logging import get_logger
from bot.services.facade import Services
from handlers.commands import SUBCOMMANDS
from handlers.slack.interactions import NOT_KNOWN
from handlers.teams import views
from handlers.teams.commands import TeamsCommands, is_command
from handlers.teams.people import TeamsPeople
from handlers.teams.presses import ACTIONS, Presses
from handlers.teams.returns import loose_reply
from handlers.teams.turn import Back, Turn
from handlers.text_commands import TextCommands

log = get_logger(__name__)
COMMANDS = frozenset({*SUBCOMMANDS, "cases"})
NOTHING_TO_READ = (
    "Sorry: that message has no words or files the bot can read, so nothing was recorded."
    " Send a file as an attachment, or type your answer."
)


class TeamsInbound:
    def __init__(
        self, services: Services, people: TeamsPeople, escape: Callable[[str], str]
    ) -> None:
        self.services = services
        self.people = people
        self.escape = escape
        self.commands = TeamsCommands(services, TextCommands(services), escape)
        self.presses = Presses(services, self.commands)

    async def message(self, turn: Turn, back: Back) -> None:
        """Never silence: every message gets its answer or its refusal."""
        email = await self.people.known(back, turn.sender)
        if email is None:
            await back.say(NOT_KNOWN)
            return
        if turn.value is not None:
            await self.presses.pressed(turn, back, email)
            log.info("teams_card_submitted", action=_known(turn.value.get("action"), ACTIONS))
            return
        if turn.personal and not (turn.text or turn.files):
            await back.say(NOTHING_TO_READ)
            return
        if turn.personal and (turn.files or not is_command(turn.text)):
            said = await loose_reply(self.services, turn, email, self.escape)
            if said is not None:
                await back.say(said)
                log.info("teams_personal_reply", files=len(turn.files))
                return
        await self.commands.answer(turn, back, email)
        word = (turn.text.split() or ["help"])[0].lower()
        log.info("teams_command", command=_known(word, COMMANDS))

    async def members_added(self, turn: Turn, back: Back) -> None:
        """The person who installs the bot for themselves is welcomed with their cases;
        anyone added to a case chat who is not on the case is named to the chair there."""
        if turn.personal:
            if any(m.id == turn.bot_id for m in turn.members_added):
                await self.welcome(turn, back)
            return
        for member in turn.members_added[:50]:
            if member.id == turn.bot_id:
                continue
            email = await self.people.email_of(back, member)
            await self.services.someone_joined(channel=turn.conversation_id, email=email)

    async def welcome(self, turn: Turn, back: Back) -> None:
        email = await self.people.known(back, turn.sender)
        glances = await self.services.cases_of(email=email) if email else []
        await back.card(views.cases_card(glances, welcome=True))


def _known(word: object, known: frozenset[str]) -> str:
    """A word fit for a log line: one the bot knows, never what someone typed (a name)."""
    return word if isinstance(word, str) and word in known else "unknown"
