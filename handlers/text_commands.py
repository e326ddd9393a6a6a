"""`/rapidreview` commands as text, for every surface (Slack, the console): parse, call one
service, render."""

from __future__ import annotations

from datetime import date

from bot.domain.cases import parse_ref
from bot.domain.decision import DecisionRecord
from bot.domain.errors import DomainError, InvalidInput
from bot.domain.notification import Notification
from bot.domain.slots import RankedSlot
from bot.services.facade import Services
from bot.services.meetings import SlotOffer
from bot.services.papers_asked import show_papers
from bot.services.wording import plural
from handlers.commands import SUBCOMMANDS, Command, help_text, parse
from handlers.render import chosen_observers, render_quorum, render_slots, render_status


class TextCommands:
    """The commands a chair types, answered in text; Slack and the console wrap the answer."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self._offers: dict[str, SlotOffer] = {}  # the last slots offered, per case

    async def run(self, actor: str, text: str, channel_case: str | None = None) -> str:
        """Every error becomes one clear message; nothing is half-done."""
        try:
            command = _cancel_command(text, channel_case) or parse(text, channel_case)
            return await self._dispatch(actor, command)
        except DomainError as err:
            return f"Sorry: {err.message}"

    async def _dispatch(self, actor: str, cmd: Command) -> str:
        s = self.services
        ref = cmd.case_ref or ""
        match cmd.name:
            case "help":
                return help_text()
            case "new":
                their_ref, notified, agencies = cmd.args
                opened = await s.receive_notification(
                    notification=Notification(
                        external_ref=their_ref,
                        notified_on=date.fromisoformat(notified),
                        agencies=tuple(a for a in agencies.split(",") if a),
                    ),
                    actor=actor,
                )
                if not opened.created:
                    return f"Case was already open as {opened.case.ref}."
                sent = len(opened.case.requests)
                return f"Case opened {opened.case.ref}." + (
                    f" Information requests sent to {plural(sent, 'agency', 'agencies')}."
                    if sent
                    else ""
                )
            case "status":
                return render_status(s.ctx, await s.status(case_ref=ref, actor=actor))
            case "schedule":
                offer = await s.find_slots(case_ref=ref, actor=actor)
                self.offered(ref, offer)
                return render_slots(s.ctx, offer) + f"\nBook one: /rapidreview book {ref} 1"
            case "observers":
                chosen = await s.choose_observers(
                    case_ref=ref, agencies=list(cmd.args), actor=actor
                )
                return chosen_observers(s.ctx, ref, chosen)
            case "book":
                slot = self._offered_slot(ref, cmd.name, cmd.args)
                meeting = await s.book_meeting(case_ref=ref, slot=slot, actor=actor)
                return f"Booked: {len(meeting.invitations)} invited."
            case "move":
                slot = self._offered_slot(ref, cmd.name, cmd.args)
                moved = await s.move_meeting(case_ref=ref, slot=slot, actor=actor)
                return f"Moved: {len(moved.invitations)} invitees asked again."
            case "cancel":
                await s.cancel_meeting(case_ref=ref, reason=" ".join(cmd.args), actor=actor)
                return f"Cancelled. Find another slot: /rapidreview schedule {ref}"
            case "quorum":
                return render_quorum(await s.check_quorum(case_ref=ref, actor=actor))
            case "chase":
                if cmd.args:
                    spoc = await s.chase_now(case_ref=ref, agency=cmd.args[0], actor=actor)
                    return f"Chased {s.ctx.name(spoc)}."
                status = await s.status(case_ref=ref, actor=actor)
                outstanding = [r.agency for r in status.case.open_requests()]
                if not outstanding:
                    return "Every agency has returned its information."
                return (
                    "Outstanding: "
                    + ", ".join(outstanding)
                    + f". Chase one now: /rapidreview chase {ref} {outstanding[0]}"
                )
            case "confirm":
                if len(cmd.args) != 1:
                    raise InvalidInput(f"Usage: /rapidreview {SUBCOMMANDS['confirm']}")
                agency = cmd.args[0].lower()
                confirmed = await s.confirm_emailed_return(case_ref=ref, agency=agency, actor=actor)
                return (
                    f"Confirmed: {s.ctx.agency_name(agency)}'s {confirmed.kind.label} is recorded."
                )
            case "invite-deputy":
                if len(cmd.args) != 1:
                    raise InvalidInput(f"Usage: /rapidreview {SUBCOMMANDS['invite-deputy']}")
                deputy = await s.invite_deputy(case_ref=ref, principal=cmd.args[0], actor=actor)
                return f"Invited {s.ctx.name(deputy)}."
            case "papers":
                shown = await show_papers(s.ctx, case_ref=ref, actor=actor)
                if shown.where == "email":
                    return f"Emailed {shown.name} to you: this chat cannot hold files."
                return f"Posted {shown.name} in the case channel."
            case "decision":
                fields = ", ".join(DecisionRecord.model_fields)
                return f"Open the decision form in chat to record: {fields}."
            case "attended":
                return await self._attended(actor, ref, cmd.args)
            case "ratify":
                ratified = await s.ratify(case_ref=ref, actor=actor)
                return f"{ratified.ref}: decision ratified. Next: /rapidreview submit {ref}"
            case "submit":
                documents = await s.submit_to_panel(case_ref=ref, actor=actor)
                return f"Submitted. For the Panel: {documents}."
            case "close":
                closed = await s.close_case(case_ref=ref, actor=actor)
                return f"{closed.ref} closed."
        raise InvalidInput(f"'{cmd.name}' is not available here.")

    def offered(self, ref: str, offer: SlotOffer) -> None:
        """Remember the slots shown, so `book <number>` books the slot the person saw."""
        self._offers[ref] = offer

    async def _attended(self, actor: str, ref: str, args: tuple[str, ...]) -> str:
        """Who came: emails, or `expected` for everyone invited who did not decline."""
        usage = f"Usage: /rapidreview {SUBCOMMANDS['attended']}"
        if len(args) != 1:
            raise InvalidInput(usage)
        if args[0].lower() == "expected":
            status = await self.services.status(case_ref=ref, actor=actor)
            if status.case.meeting is None:
                raise InvalidInput(f"{ref} has no meeting booked.")
            present = sorted(status.case.meeting.expected())
        else:
            present = [e.strip().lower() for e in args[0].split(",") if e.strip()]
        result = await self.services.record_attendance(case_ref=ref, present=present, actor=actor)
        verdict = "quorate" if result.met else "NOT quorate"
        return f"Attendance recorded: {len(present)} present, {verdict}. {result.summary}."

    def _offered_slot(self, ref: str, verb: str, args: tuple[str, ...]) -> RankedSlot:
        offer = self._offers.get(ref)
        if offer is None:
            raise InvalidInput(f"Run /rapidreview schedule {ref} first, then give a slot number.")
        if len(args) > 1:
            raise InvalidInput(f"Give one slot number, e.g. /rapidreview {verb} {ref} 1.")
        try:
            index = int(args[0]) - 1 if args else 0
            if index < 0:
                raise IndexError(index)
            return offer.proposal.slots[index]
        except (ValueError, IndexError):
            raise InvalidInput(
                f"Choose a slot number between 1 and {len(offer.proposal.slots)}."
            ) from None


def _cancel_command(text: str, channel_case: str | None) -> Command | None:
    """`cancel [case] <reason>` with the reason exactly as typed: an apostrophe ("the chair's
    unwell") or a quote is part of the sentence, not shell quoting."""
    words = text.split(None, 1)
    if not words or words[0].lower() != "cancel":
        return None
    rest = words[1] if len(words) > 1 else ""
    ref, reason = channel_case, rest.strip()
    first, *after = rest.split(None, 1) or [""]
    if "-RR-" in first.upper():
        ref, reason = parse_ref(first), "".join(after).strip()
    if ref is None:
        raise InvalidInput(
            "Which case? Use '/rapidreview cancel LLR-RR-2026-014 <reason>', or run it in the"
            " case channel."
        )
    return Command("cancel", ref, (reason,) if reason else ())
