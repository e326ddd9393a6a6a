"""One object holding every use case, bound to its context: what handlers and jobs call."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain.authorisation import Operation
from bot.domain.cases import Case
from bot.domain.decision import DecisionRecord
from bot.domain.invitation import MeetingInvitation
from bot.domain.meeting import Meeting, Response
from bot.domain.notification import Notification
from bot.domain.playbook import ChaseStepKind
from bot.domain.quorum import QuorumResult
from bot.domain.requests import InformationRequest, ReturnKind, ReturnRecorded
from bot.domain.returns import StructuredReturn
from bot.domain.slots import RankedSlot
from bot.services import (
    attendance,
    booking,
    cases,
    chasing,
    decisions,
    inbound,
    meetings,
    observers,
    opening,
    presence,
    referrals,
    replies,
    reports,
    requests,
)
from bot.services.change import read_case
from bot.services.context import ServiceContext


class Services:
    """Keyword-only, typed entry points; each is one use case."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    async def open_case(self, *, notification: Notification, actor: str) -> cases.Opened:
        return await cases.open_case(self.ctx, notification=notification, actor=actor)

    async def receive_notification(self, *, notification: Notification, actor: str) -> cases.Opened:
        """Open the case and its channel, and send every agency its request."""
        return await cases.open_case(
            self.ctx, notification=notification, actor=actor, send_requests=True
        )

    async def run_opening(self, *, case_ref: str, send_requests: bool) -> str:
        """The outbox's work for a case just opened: its channel, then its requests."""
        return await opening.run_opening(self.ctx, case_ref=case_ref, send_requests=send_requests)

    async def status(self, *, case_ref: str, actor: str) -> cases.CaseStatus:
        return await cases.get_status(self.ctx, case_ref=case_ref, actor=actor)

    async def close_case(self, *, case_ref: str, actor: str) -> Case:
        return await cases.close_case(self.ctx, case_ref=case_ref, actor=actor)

    async def send_information_requests(
        self, *, case_ref: str, actor: str
    ) -> list[InformationRequest]:
        return await requests.send_information_requests(self.ctx, case_ref=case_ref, actor=actor)

    async def record_return(
        self, *, case_ref: str, agency: str, kind: ReturnKind, summary: str, actor: str
    ) -> ReturnRecorded:
        return await requests.record_return(
            self.ctx, case_ref=case_ref, agency=agency, kind=kind, summary=summary, actor=actor
        )

    async def reply_to_request(
        self,
        *,
        case_ref: str,
        agency: str,
        text: str,
        actor: str,
        kind: ReturnKind | None = None,
        may_add: bool = True,
    ) -> replies.Reply:
        """A reply to a request: the agency's return, or an addition to it until the papers
        go out. The caller gives the one receipt (`replies.receipt`)."""
        return await replies.reply_to_request(
            self.ctx,
            case_ref=case_ref,
            agency=agency,
            text=text,
            actor=actor,
            kind=kind,
            may_add=may_add,
        )

    async def reply_with_structured_return(
        self,
        *,
        case_ref: str,
        agency: str,
        structured: StructuredReturn,
        actor: str,
        files: Sequence[str] = (),
    ) -> replies.Reply:
        """The reply template answered: the agency's return, or its next version until the
        papers go out. The caller gives the one receipt (`replies.receipt`)."""
        return await replies.reply_with_structured_return(
            self.ctx,
            case_ref=case_ref,
            agency=agency,
            structured=structured,
            actor=actor,
            files=files,
        )

    async def requests_awaiting(self, *, email: str) -> list[replies.Awaited]:
        """What a message from this SPOC outside any request's thread could be answering."""
        return await replies.awaited_from(self.ctx, email)

    async def run_chase_step(
        self, *, case_ref: str, agency: str, step: ChaseStepKind
    ) -> chasing.ChaseOutcome:
        return await chasing.run_chase_step(self.ctx, case_ref=case_ref, agency=agency, step=step)

    async def chase_now(self, *, case_ref: str, agency: str, actor: str) -> str:
        return await chasing.chase_now(self.ctx, case_ref=case_ref, agency=agency, actor=actor)

    async def find_slots(self, *, case_ref: str, actor: str, limit: int = 5) -> meetings.SlotOffer:
        return await meetings.find_meeting_slots(
            self.ctx, case_ref=case_ref, actor=actor, limit=limit
        )

    async def choose_observers(
        self, *, case_ref: str, agencies: list[str], actor: str
    ) -> MeetingInvitation:
        """The chair's choice of who attends for information only, kept for the booking."""
        return await observers.choose_observers(
            self.ctx, case_ref=case_ref, agencies=agencies, actor=actor
        )

    async def book_meeting(self, *, case_ref: str, slot: RankedSlot, actor: str) -> Meeting:
        return await booking.book_meeting(self.ctx, case_ref=case_ref, slot=slot, actor=actor)

    async def book_offered_start(self, *, case_ref: str, start: datetime, actor: str) -> Meeting:
        """The Book button: that start, if still free and quorate, checked under the claim."""
        return await booking.book_offered_start(
            self.ctx, case_ref=case_ref, start=start, actor=actor
        )

    async def move_meeting(self, *, case_ref: str, slot: RankedSlot, actor: str) -> Meeting:
        return await booking.move_meeting(self.ctx, case_ref=case_ref, slot=slot, actor=actor)

    async def cancel_meeting(self, *, case_ref: str, reason: str, actor: str) -> Case:
        return await booking.cancel_meeting(self.ctx, case_ref=case_ref, reason=reason, actor=actor)

    async def poll_responses(self, *, case_ref: str) -> list[attendance.ResponseOutcome]:
        return await attendance.poll_responses(self.ctx, case_ref=case_ref)

    async def record_response(
        self, *, case_ref: str, email: str, response: Response, actor: str
    ) -> attendance.ResponseOutcome:
        return await attendance.record_response(
            self.ctx, case_ref=case_ref, email=email, response=response, actor=actor
        )

    async def invite_deputy(self, *, case_ref: str, principal: str, actor: str) -> str:
        return await attendance.invite_deputy(
            self.ctx, case_ref=case_ref, principal=principal, actor=actor
        )

    async def record_attendance(
        self, *, case_ref: str, present: list[str], actor: str
    ) -> QuorumResult:
        return await attendance.record_attendance(
            self.ctx, case_ref=case_ref, present=present, actor=actor
        )

    async def check_quorum(self, *, case_ref: str, actor: str) -> QuorumResult:
        return await attendance.check_quorum(self.ctx, case_ref=case_ref, actor=actor)

    async def record_decision(self, *, case_ref: str, record: DecisionRecord, actor: str) -> Case:
        return await decisions.record_decision(
            self.ctx, case_ref=case_ref, record=record, actor=actor
        )

    async def ratify(self, *, case_ref: str, actor: str) -> Case:
        return await decisions.ratify(self.ctx, case_ref=case_ref, actor=actor)

    async def submit_to_panel(self, *, case_ref: str, actor: str) -> str:
        return await decisions.submit_to_panel(self.ctx, case_ref=case_ref, actor=actor)

    async def discuss_referral(self, *, case_ref: str, actor: str) -> Case:
        return await referrals.discuss_referral(self.ctx, case_ref=case_ref, actor=actor)

    async def decide_threshold(
        self, *, case_ref: str, meets_threshold: bool, reasons: str, actor: str
    ) -> Case:
        return await referrals.decide_threshold(
            self.ctx,
            case_ref=case_ref,
            meets_threshold=meets_threshold,
            reasons=reasons,
            actor=actor,
        )

    async def check(
        self, *, case_ref: str, actor: str, operation: Operation, agency: str | None = None
    ) -> Case:
        """Refuse now (unknown case, not on it, no role) before a form is even opened."""
        return await read_case(self.ctx, case_ref, actor=actor, operation=operation, agency=agency)

    async def cases_of(self, *, email: str) -> list[presence.CaseAtAGlance]:
        return await presence.cases_of(self.ctx, email)

    async def someone_joined(self, *, channel: str, email: str | None) -> bool:
        return await presence.someone_joined(self.ctx, channel=channel, email=email)

    async def read_mailbox(
        self, *, since: datetime, seen_before: datetime | None = None
    ) -> list[inbound.MailOutcome]:
        """Record the returns agencies outside chat sent by email since `since`."""
        return await inbound.read_mailbox(self.ctx, since=since, seen_before=seen_before)

    async def confirm_emailed_return(
        self, *, case_ref: str, agency: str, actor: str
    ) -> ReturnRecorded:
        """The business office confirms an emailed return held as doubtful."""
        return await inbound.confirm_emailed_return(
            self.ctx, case_ref=case_ref, agency=agency, actor=actor
        )

    async def timeliness(self) -> list[reports.CaseTimeliness]:
        return await reports.timeliness_report(self.ctx)
