"""The chair chooses who attends the meeting for information only, where the playbook caps
them (Kent 2024: two) and more agencies are involved than that. The choice is kept on the
case: it is made between the schedule answer and the booking, which may be days apart."""

from __future__ import annotations

from collections.abc import Sequence

from bot.domain.authorisation import Operation
from bot.domain.errors import InvalidInput
from bot.domain.invitation import MeetingInvitation
from bot.services.change import change_case
from bot.services.context import ServiceContext
from bot.services.meetings import meeting_invitees

NOBODY = "none"  # `observers <case> none`: nobody attends for information only


async def choose_observers(
    ctx: ServiceContext, *, case_ref: str, agencies: Sequence[str], actor: str
) -> MeetingInvitation:
    """Keep the chair's choice (agency codes, or `none`); the next booking invites them."""
    async with change_case(ctx, case_ref, actor=actor, operation=Operation.SCHEDULE) as change:
        case = change.case
        if case.meeting is not None:
            raise InvalidInput(
                f"The {case.ref} meeting is already booked, and its invitation says who attends"
                f" for information only. To change them, cancel it (/rapidreview cancel"
                f" {case.ref} <reason>), choose, then book again."
            )
        now = meeting_invitees(ctx, case)
        cap, eligible = now.cap, [o.agency for o in now.eligible]
        if cap is None or not eligible:
            raise InvalidInput(
                f"Nobody attends the {case.ref} meeting for information only under"
                f" {ctx.playbook.name}, so there is nobody to choose."
            )
        words = [a.strip().lower() for a in agencies if a.strip()]
        choices = f"up to {cap} of: {', '.join(eligible)} (or {NOBODY})"
        if not words:
            raise InvalidInput(f"Which agencies? Choose {choices}.")
        codes = () if words == [NOBODY] else tuple(dict.fromkeys(words))
        unknown = [c for c in codes if c not in eligible]
        if unknown:
            raise InvalidInput(
                f"'{unknown[0][:30]}' cannot attend for information only; choose {choices}."
            )
        if len(codes) > cap:
            raise InvalidInput(
                f"At most {cap} may attend for information only under {ctx.playbook.name};"
                f" you chose {len(codes)}."
            )
        case.observers = codes
        change.record("observers_chosen", agencies=list(codes))
    return meeting_invitees(ctx, case)
