"""Plain-text replies to commands; chat surfaces wrap these in their own formatting."""

from __future__ import annotations

from bot.domain.invitation import MeetingInvitation, Observer
from bot.domain.quorum import QuorumResult
from bot.domain.slots import RankedSlot
from bot.services.cases import CaseStatus
from bot.services.context import ServiceContext
from bot.services.meetings import SlotOffer, slot_label


def render_status(ctx: ServiceContext, status: CaseStatus) -> str:
    case, timetable = status.case, status.timetable
    lines = [
        f"{case.ref}: {case.stage.label} (working day {status.day}).",
        "Timetable:",
    ]
    today = ctx.today()
    for m in timetable.milestones:
        mark = "done/passed" if m.due < today else "today" if m.due == today else ""
        lines.append(f"  {m.due:%a %d %b}  day {m.day:>2}  {m.title}  {mark}".rstrip())
    returned = [r for r in case.requests.values() if not r.is_open]
    lines.append(f"Returns: {len(returned)} of {len(case.requests)} received.")
    for r in case.requests.values():
        state = r.return_kind.label if r.return_kind and not r.is_open else r.state.value
        if r.needs_confirmation:  # emailed, but not clearly by the agency: the office confirms
            state += ", an emailed return to confirm"
        lines.append(f"  {ctx.agency_name(r.agency):<28} {state}")
    if case.meeting:
        lines.append(f"Meeting: {slot_label(ctx, case.meeting.start, case.meeting.day)}.")
    return "\n".join(lines)


BUSY_NAMED = 4  # who cannot come, named up to this many


def slots_heading(offer: SlotOffer) -> list[str]:
    proposal = offer.proposal
    if not proposal.slots:
        return ["No slot fits inside working hours in the window."]
    lines = ["Meeting slots, best first (quorate, then most people free, then earliest):"]
    if offer.with_deputies:
        lines.append("No quorate slot with the principals alone; these include deputies.")
    if not proposal.any_quorate and proposal.explanation:
        lines.append(proposal.explanation)
    return lines


def invitation_lines(ctx: ServiceContext, offer: SlotOffer) -> list[str]:
    """Who attends for information only, who was left out and why, and how to choose."""
    invited = offer.invitation
    if invited is None or invited.cap is None or not invited.eligible:
        return []
    cap, ref = invited.cap, offer.case_ref
    lines = []
    if invited.information_only:
        names = _people(ctx, [o for o in invited.eligible if o not in invited.left_out])
        lines.append(f"For information only (at most {cap} may attend): {names}.")
    if invited.left_out:
        why = (
            "not chosen by the chair"
            if invited.chosen
            else f"{len(invited.eligible)} agencies could send someone and the chair has not"
            " chosen which"
        )
        agencies = ", ".join(o.agency for o in invited.eligible)
        how = "To change who" if invited.chosen else f"Choose up to {cap} before booking"
        lines.append(
            f"Not invited: {_people(ctx, list(invited.left_out))}: {ctx.playbook.name} allows"
            f" at most {cap} attendees for information only, {why}. {how}:"
            f" /rapidreview observers {ref} <agency> <agency> ({agencies})"
        )
    return lines


def chosen_observers(ctx: ServiceContext, ref: str, invited: MeetingInvitation) -> str:
    """The answer to `observers`: whom the booking will invite for information only."""
    chosen = [o for o in invited.eligible if o not in invited.left_out]
    who = _people(ctx, chosen) if chosen else "nobody"
    return f"For information only at the {ref} meeting: {who}. Book: /rapidreview schedule {ref}"


def _people(ctx: ServiceContext, observers: list[Observer]) -> str:
    return _and([f"{ctx.name(o.email)} ({ctx.agency_name(o.agency)})" for o in observers])


def _and(items: list[str]) -> str:
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def slot_line(ctx: ServiceContext, number: int, slot: RankedSlot) -> str:
    """The slot, how many are free and who is not, and whether it is quorate."""
    quorate = "quorate" if slot.quorum.met else "NOT quorate"
    busy = sorted(ctx.name(e) for e in slot.busy)
    shown = ", ".join(busy[:BUSY_NAMED]) + (
        f" and {len(busy) - BUSY_NAMED} more" if len(busy) > BUSY_NAMED else ""
    )
    return (
        f"{number}. {slot_label(ctx, slot.start, slot.day)}  {len(slot.free)} of"
        f" {len(slot.free) + len(slot.busy)} free, {quorate}"
        + (f" (busy: {shown})" if busy else "")
    )


def render_slots(ctx: ServiceContext, offer: SlotOffer) -> str:
    slots = [f"  {slot_line(ctx, i, s)}" for i, s in enumerate(offer.proposal.slots, start=1)]
    return "\n".join(slots_heading(offer) + invitation_lines(ctx, offer) + slots)


def render_quorum(result: QuorumResult) -> str:
    return result.summary + "."
