"""Cards the Teams surface shows: meeting slots with their Book buttons, a person's open
cases at a glance, and a failed action with a button to try it again."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bot.services.context import ServiceContext
from bot.services.meetings import SlotOffer
from bot.services.presence import CaseAtAGlance
from handlers.render import invitation_lines, slot_line, slots_heading
from handlers.slack.views import BOOK_SLOT, TRY_AGAIN
from handlers.teams.cards import buttons, card, submit, text
from handlers.teams.turn import Card

SLOTS_SHOWN = 40
CASES_SHOWN = 45
_RAG_MARK = {"red": "🔴 Red", "amber": "🟠 Amber", "green": "🟢 Green"}


def slots_card(
    ctx: ServiceContext, case_ref: str, offer: SlotOffer, escape: Callable[[str], str]
) -> Card:
    """The ranked slots, each quorate one with a Book button carrying its start time (the
    button books that time if it is still free and quorate when pressed)."""
    heading = escape("\n\n".join(slots_heading(offer) + invitation_lines(ctx, offer)))
    body = [text(f"**{case_ref}**", weight="Bolder"), text(heading)]
    for i, slot in enumerate(offer.proposal.slots[:SLOTS_SHOWN], start=1):
        body.append(text(escape(slot_line(ctx, i, slot))))
        if slot.quorum.met:
            value = f"{case_ref}|{slot.start.isoformat()}"
            body.append(buttons(submit("Book", BOOK_SLOT, value)))
    return card(body)


def cases_card(glances: Sequence[CaseAtAGlance], *, welcome: bool = False) -> Card:
    """The person's open cases, most urgent first (the order `cases_of` gives)."""
    body = []
    if welcome:
        body.append(
            text(
                "Welcome to Rapid Review. Type `help` here for the commands; `cases` shows"
                " this list again."
            )
        )
    body.append(text("Your Rapid Reviews", weight="Bolder", size="Medium"))
    if not glances:
        body.append(text("You are not on any open case."))
    for g in glances[:CASES_SHOWN]:
        mark = _RAG_MARK[g.standing.rag.value]
        body.append(text(f"{mark} **{g.ref}**  {g.stage}\n\nNext: {g.next_deadline}"))
        body.append(text(f"_{g.standing.reason}_", subtle=True))
    return card(body)


def try_again_card(said: str, action: str, value: str) -> Card:
    """What a person's failed action says, with a button that does the same thing again (the
    outbox retries only its own rows: this action is theirs to repeat)."""
    return card([text(said)], [submit(TRY_AGAIN, action, value)])
