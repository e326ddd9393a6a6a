"""Buttons pressed and cards submitted in Teams: an Action.Submit arrives as a message whose
value is `{"action": …, "value": …}` (the pair a `bot.ports.Button` carries) with the card's
inputs. The value comes back from the person's client, so it is read without trusting it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from bot.domain.authorisation import Operation
from bot.domain.errors import DomainError, Unavailable
from bot.domain.requests import ReturnKind
from bot.logging import get_logger
from bot.services.delivery import Medium
from bot.services.facade import Services
from bot.services.replies import receipt
from handlers.slack.button_values import ref_or_none, slot_start
from handlers.slack.forms import Invalid
from handlers.slack.interactions import UNEXPECTED
from handlers.slack.views import BOOK_SLOT, FIND_SLOTS
from handlers.teams import cards, forms, views
from handlers.teams.commands import TeamsCommands
from handlers.teams.turn import Back, Card, Turn

log = get_logger(__name__)
ACTIONS = frozenset(
    {"submit_return", "no_involvement", forms.RETURN_FORM, forms.DECISION_FORM}
    | {BOOK_SLOT, "invite_deputy", FIND_SLOTS}
)
VALUE_MAX_CHARS = 400  # the longest value the bot writes on a button is far shorter
UNREADABLE = "Sorry: that button cannot be read, so nothing was done."
NOT_YOURS = (
    "Sorry: this form was opened for someone else, so nothing was recorded. Open your own"
    " with the command, or from your own request card."
)


def receipt_card(case_ref: str, agency_name: str, said: str) -> Card:
    """What a request card becomes once it is answered: no buttons left to press."""
    return cards.card(
        [cards.text(f"**{case_ref}**: information request for {agency_name}"), cards.text(said)]
    )


class Presses:
    def __init__(self, services: Services, commands: TeamsCommands) -> None:
        self.services = services
        self.commands = commands
        self.escape = commands.escape
        self._acts: dict[str, Callable[[Turn, Back, str, str, str], Awaitable[None]]] = {
            "submit_return": self._open_return_form,
            "no_involvement": self._no_involvement,
            forms.RETURN_FORM: self._return_submitted,
            forms.DECISION_FORM: self._decision_submitted,
            BOOK_SLOT: self._book,
            "invite_deputy": self._invite_deputy,
            FIND_SLOTS: self._find_slots,
        }

    async def pressed(self, turn: Turn, back: Back, email: str) -> None:
        value: dict[str, Any] = turn.value or {}
        action, about = value.get("action"), value.get("value")
        act = self._acts.get(action) if isinstance(action, str) else None
        if act is None or not isinstance(about, str) or len(about) > VALUE_MAX_CHARS:
            await back.say(UNREADABLE)
            return
        assert isinstance(action, str)
        first, _, second = about.partition("|")
        try:
            await act(turn, back, email, first, second)
        except Unavailable as err:  # nothing retries a person's press: offer it again
            said = f"Sorry: {self.escape(err.message)}"
            await back.card(views.try_again_card(said, action, about), said)
        except DomainError as err:
            await back.say(f"Sorry: {self.escape(err.message)}")
        except Exception as err:  # never a silent drop: the person hears, the log says what
            log.error("card_action_failed", case_ref=ref_or_none(first), error=type(err).__name__)
            await back.say(UNEXPECTED)

    # -- information returns ---------------------------------------------------------------

    async def _open_return_form(
        self, turn: Turn, back: Back, email: str, case_ref: str, agency: str
    ) -> None:
        """The request card becomes the return form (so the receipt replaces it after)."""
        case = await self.services.check(
            case_ref=case_ref, actor=email, operation=Operation.RECORD_RETURN, agency=agency
        )
        name = self.services.ctx.agency_name(agency)
        form = forms.return_form(case.ref, agency, name, email)
        await self._show(turn, back, form)

    async def _no_involvement(
        self, turn: Turn, back: Back, email: str, case_ref: str, agency: str
    ) -> None:
        reply = await self.services.reply_to_request(
            case_ref=case_ref,
            agency=agency,
            text="No involvement.",
            actor=email,
            kind=ReturnKind.NIL,
            may_add=False,
        )
        await self._receipt(
            turn, back, reply.case_ref, agency, receipt(self.services.ctx, reply, Medium.CHAT)
        )

    async def _return_submitted(
        self, turn: Turn, back: Back, email: str, case_ref: str, agency: str
    ) -> None:
        values = turn.value or {}
        if not await self._for_them(back, values, email):
            return
        try:
            form = forms.read_return(values, self.services.ctx.today())
        except Invalid as invalid:
            name = self.services.ctx.agency_name(agency)
            again = forms.return_form(case_ref, agency, name, email, values, invalid.errors)
            await self._show(turn, back, again)
            return
        reply = await self.services.reply_with_structured_return(
            case_ref=case_ref,
            agency=agency,
            structured=form.structured,
            actor=email,
            files=form.files,
        )
        said = receipt(self.services.ctx, reply, Medium.CHAT)
        await self._receipt(turn, back, reply.case_ref, agency, said)

    async def _receipt(self, turn: Turn, back: Back, case_ref: str, agency: str, said: str) -> None:
        name = self.services.ctx.agency_name(agency)
        await self._show(turn, back, receipt_card(case_ref, name, said), said)

    # -- decision ---------------------------------------------------------------------------

    async def _decision_submitted(
        self, turn: Turn, back: Back, email: str, case_ref: str, _: str
    ) -> None:
        values = turn.value or {}
        if not await self._for_them(back, values, email):
            return
        try:
            record = forms.read_decision(values)
        except Invalid as invalid:
            case = await self.services.check(
                case_ref=case_ref, actor=email, operation=Operation.RECORD_DECISION
            )
            ctx = self.services.ctx
            agencies = [(code, ctx.agency_name(code)) for code in case.agencies]
            people = [*ctx.chairs(), *ctx.partner_decision_makers()]
            deciders = list(dict.fromkeys((e, ctx.name(e)) for e in people))
            form = forms.decision_form(case.ref, agencies, deciders, email, values, invalid.errors)
            await self._show(turn, back, form)
            return
        try:
            case = await self.services.record_decision(
                case_ref=case_ref, record=record, actor=email
            )
        except DomainError as err:
            await back.say(f"Sorry: {self.escape(err.message)} Nothing was recorded.")
            return
        said = f"Decision recorded for {case.ref}: {record.outcome.label}."
        await self._show(turn, back, cards.card([cards.text(said)]), said)

    # -- meeting ----------------------------------------------------------------------------

    async def _book(self, turn: Turn, back: Back, email: str, case_ref: str, start: str) -> None:
        """Book the pressed slot if it is still on offer (diaries change between the offer
        and the press); the slots card becomes what was booked."""
        when = slot_start(case_ref, start)
        meeting = await self.services.book_offered_start(case_ref=case_ref, start=when, actor=email)
        booked = f"Booked {case_ref}: {len(meeting.invitations)} invited."
        await self._show(turn, back, cards.card([cards.text(booked)]), booked)

    async def _invite_deputy(
        self, turn: Turn, back: Back, email: str, case_ref: str, principal: str
    ) -> None:
        """The remedy under a broken-quorum alert: invite the decision maker's deputy."""
        deputy = await self.services.invite_deputy(
            case_ref=case_ref, principal=principal, actor=email
        )
        await back.say(f"Invited {self.services.ctx.name(deputy)}.")

    async def _find_slots(self, turn: Turn, back: Back, email: str, case_ref: str, _: str) -> None:
        """The other remedy: the quorate slots still inside the window, with Book buttons."""
        await self.commands.offer_slots(back, email, case_ref)

    # -- helpers ----------------------------------------------------------------------------

    async def _for_them(self, back: Back, values: dict[str, Any], email: str) -> bool:
        """A form names whom it was opened for; anyone else's submit is refused in words."""
        if values.get("to") == email:
            return True
        await back.say(NOT_YOURS)
        return False

    async def _show(self, turn: Turn, back: Back, card: Card, text: str = "") -> None:
        """In place of the card submitted when Teams says which it was; else as a new card."""
        if turn.reply_to_id:
            await back.update(turn.reply_to_id, card=card, text=text)
        else:
            await back.card(card, text)
