"""Commands typed to the bot in Teams: `@Rapid Review schedule` in a case chat (the case is
the chat's), `schedule LLR-RR-2026-001` in the personal chat. The same commands, role checks
and answers as `/rapidreview` (handlers.text_commands); `schedule` answers with a card of
slots and `decision` with the decision form, as Slack answers with blocks and a modal."""

from __future__ import annotations

from collections.abc import Callable

from bot.adapters.teams.cards import card_escape
from bot.adapters.teams.style import TEAMS_STYLE
from bot.domain.authorisation import Operation
from bot.domain.errors import DomainError, Unavailable
from bot.domain.stages import Action, next_stage
from bot.services.facade import Services
from bot.services.presence import case_in_channel
from handlers.commands import SUBCOMMANDS, parse
from handlers.slack.views import FIND_SLOTS
from handlers.teams import forms, views
from handlers.teams.turn import Back, Turn
from handlers.text_commands import TextCommands

CARD_COMMANDS = frozenset({"schedule", "decision"})
PERSONAL_ONLY = frozenset({"cases"})


def is_command(text: str) -> bool:
    words = text.split(None, 1)
    return bool(words) and (words[0].lower() in SUBCOMMANDS or words[0].lower() in PERSONAL_ONLY)


def in_teams_words(answer: str) -> str:
    """An answer written for `/rapidreview`, as commands are typed to the bot in Teams
    (`@Rapid Review book 1`; in the personal chat the mention may be left out)."""
    usage = f"Usage: {TEAMS_STYLE.command_prefix} <command>"
    return TEAMS_STYLE.say(answer).replace(usage, "Commands:")


class TeamsCommands:
    def __init__(
        self,
        services: Services,
        text_commands: TextCommands,
        escape: Callable[[str], str],
    ) -> None:
        self.services = services
        self.commands = text_commands
        self.escape = escape

    async def answer(self, turn: Turn, back: Back, email: str) -> None:
        """Every refusal is one message of its own; nothing is half-done."""
        words = turn.text.split()
        name = words[0].lower() if words else "help"
        if name == "cases":
            if not turn.personal:
                await back.say("Sorry: `cases` lists your cases in your own chat with the bot.")
                return
            await back.card(views.cases_card(await self.services.cases_of(email=email)))
            return
        channel_case = None if turn.personal else await self._case_of_chat(turn)
        if name in CARD_COMMANDS:
            try:
                await self._with_card(name, turn, back, email, channel_case)
            except DomainError as err:
                await back.say(f"Sorry: {self.escape(in_teams_words(err.message))}")
            return
        reply = await self.commands.run(email, turn.text, channel_case=channel_case)
        await back.say(self.escape(in_teams_words(reply)))

    async def _case_of_chat(self, turn: Turn) -> str | None:
        case = await case_in_channel(self.services.ctx, turn.conversation_id)
        return case.ref if case else None

    async def _with_card(
        self, name: str, turn: Turn, back: Back, email: str, channel_case: str | None
    ) -> None:
        command = parse(turn.text, channel_case)
        assert command.case_ref is not None  # parse asks "Which case?" otherwise
        if name == "decision":
            await self.open_decision_form(back, email, command.case_ref)
            return
        await self.offer_slots(back, email, command.case_ref)

    async def offer_slots(self, back: Back, email: str, case_ref: str) -> None:
        s = self.services
        try:
            offer = await s.find_slots(case_ref=case_ref, actor=email)
        except Unavailable as err:  # nothing retries a person's search: offer it again
            said = f"Sorry: {self.escape(err.message)}"
            await back.card(views.try_again_card(said, FIND_SLOTS, case_ref), said)
            return
        self.commands.offered(case_ref, offer)  # `book 2` then books what was shown
        await back.card(views.slots_card(s.ctx, case_ref, offer, card_escape))

    async def open_decision_form(self, back: Back, email: str, case_ref: str) -> None:
        """Refuse before the form opens: not the chair, not on the case, not decidable yet."""
        case = await self.services.check(
            case_ref=case_ref, actor=email, operation=Operation.RECORD_DECISION
        )
        next_stage(case.ref, case.stage, Action.RECORD_DECISION)
        ctx = self.services.ctx
        agencies = [(code, ctx.agency_name(code)) for code in case.agencies]
        deciders = [(e, ctx.name(e)) for e in [*ctx.chairs(), *ctx.partner_decision_makers()]]
        form = forms.decision_form(case.ref, agencies, list(dict.fromkeys(deciders)), email)
        await back.card(form)
