"""What every use case needs: the ports, the playbook, the directory and the calendar."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.domain.cases import Case
from bot.domain.directory import Agency, Directory, Partner, Role
from bot.domain.errors import NotFound, PersonalDataRefused
from bot.domain.next_due import next_due
from bot.domain.playbook import Audience, Playbook
from bot.domain.sensitivity import SensitivityGuard, Where
from bot.domain.stages import Track
from bot.domain.timetable import Timetable, build_referral_timetable, build_timetable
from bot.domain.workdays import WorkingCalendar
from bot.ports import CalendarPort, CaseCard, Chat, Clock, Mail, Mailbox, UnitOfWork
from bot.services.doorbell import Doorbell

TOPIC_LIMIT = 250  # Slack refuses a longer channel topic (too_long)


@dataclass(frozen=True, slots=True)
class ServiceContext:
    uow: Callable[[], UnitOfWork]
    chat: Chat
    calendar: CalendarPort
    mail: Mail
    clock: Clock
    playbook: Playbook
    directory: Directory
    workdays: WorkingCalendar
    panel_email: str | None = None
    mailbox: Mailbox | None = None  # where emailed returns arrive; None: no inbox to read
    public_base_url: str | None = None  # where the server is reached, for channel bookmarks
    doorbell: Doorbell = field(default_factory=Doorbell)  # outbox work due now: wake a worker

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.playbook.working_hours.timezone)

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        """Today in the partnership's zone: working days are local days."""
        return self.clock.now().astimezone(self.zone).date()

    def at_local(self, day: date, at: time) -> datetime:
        return datetime.combine(day, at, tzinfo=self.zone)

    def opening_time(self, day: date) -> datetime:
        """The start of working hours on `day` (or the next working day)."""
        return self.at_local(self.workdays.on_or_after(day), self.playbook.working_hours.start)

    def timetable(self, case: Case) -> Timetable:
        if case.track is Track.REFERRAL:
            return build_referral_timetable(self.playbook, self.workdays, case.notified_on)
        meeting_on = case.meeting.start.astimezone(self.zone).date() if case.meeting else None
        return build_timetable(self.playbook, self.workdays, case.notified_on, meeting_on)

    def day_of(self, case: Case, day: date) -> int:
        return self.workdays.number_of(case.notified_on, day, self.playbook.counting)

    def guard(self, case: Case) -> SensitivityGuard:
        return SensitivityGuard(case.subject)

    def name(self, email: str) -> str:
        return self.directory.display(email)

    async def mentions(self, emails: list[str]) -> str:
        """Names in a channel post that notify their people (Slack `<@U…>`)."""
        return " ".join([await self.chat.mention(email=e, name=self.name(e)) for e in emails])

    def audience_emails(self, audiences: Iterable[Audience]) -> list[str]:
        """The people a reminder or a rung is for, by role (agency-specific audiences, a SPOC
        or a strategic lead, are resolved by the caller)."""
        wanted = set(audiences)
        roles = {
            Audience.CHAIR: Role.CHAIR,
            Audience.BUSINESS_OFFICER: Role.BUSINESS_OFFICER,
            Audience.INDEPENDENT_ADVISOR: Role.INDEPENDENT_ADVISOR,
        }
        emails = [
            p.email for a, r in roles.items() if a in wanted for p in self.directory.with_role(r)
        ]
        if wanted & {Audience.DECISION_MAKERS, Audience.PARTNERS}:
            emails += self.partner_decision_makers()
        return list(dict.fromkeys(emails))

    def chairs(self) -> list[str]:
        return [p.email for p in self.directory.with_role(Role.CHAIR)]

    def partner_decision_makers(self) -> list[str]:
        return [
            dm
            for partner in Partner
            if (dm := self.directory.partner_agency(partner).decision_maker) is not None
        ]

    async def audit(
        self,
        uow: UnitOfWork,
        *,
        actor: str,
        action: str,
        case_ref: str | None,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        await uow.audit.append(
            at=self.now(), actor=actor, action=action, case_ref=case_ref, detail=detail or {}
        )

    def card(self, case: Case) -> CaseCard:
        """The pinned case card: stage, next deadline, returns and meeting at a glance."""
        timetable = self.timetable(case)
        returned = [r for r in case.requests.values() if not r.is_open]
        lines = []
        if case.requests:  # none before they are sent, and none on a referral
            partial = sum(r.is_partial for r in returned)
            more = f" ({partial} partial)" if partial else ""
            lines.append(f"Returns: {len(returned)} of {len(case.requests)} received{more}")
        outstanding = [r.agency for r in case.open_requests()]
        if outstanding:
            lines.append("Outstanding: " + ", ".join(self._agency_name(a) for a in outstanding))
        if case.meeting:
            start = case.meeting.start.astimezone(self.zone)
            lines.append(f"Meeting: {start:%a %d %b %H:%M} (day {case.meeting.day})")
        if case.papers:
            last = case.papers[-1]
            sent_on = last.sent_at.astimezone(self.zone)
            lines.append(f"Papers: version {last.version} sent {sent_on:%a %d %b}")
        if case.track is Track.RAPID_REVIEW:  # a referral's last date is its decision
            lines.append(f"Panel deadline: {timetable.panel_deadline:%a %d %b %Y}")
        if case.outcome_told_on is not None:
            lines.append(self._outcome_told(case, case.outcome_told_on))
        return CaseCard(
            case_ref=case.ref,
            stage=case.stage.label,
            next_deadline=next_due(case, timetable, self.today()),
            lines=tuple(lines),
        )

    @staticmethod
    def _outcome_told(case: Case, on: date) -> str:
        told = f"{len(case.agencies)} agenc{'y' if len(case.agencies) == 1 else 'ies'}"
        if case.referred_by and case.referred_by not in case.agencies:
            told += " and the referrer"
        return f"Outcome told to {told} on {on:%a %d %b}"

    def _agency_name(self, code: str) -> str:
        agency = self.directory.agency(code)
        return agency.name if agency else code

    def agency(self, code: str) -> Agency:
        agency = self.directory.agency(code)
        if agency is None:
            raise NotFound(f"Agency '{code}' is not in the partnership directory.")
        return agency

    def agency_name(self, code: str) -> str:
        return self._agency_name(code)

    def topic(self, case: Case) -> str:
        """Stage and next deadline, never a name; within Slack's 250 characters."""
        card = self.card(case)
        text = f"{case.ref} · {card.stage} · next: {card.next_deadline}"
        if len(text) > TOPIC_LIMIT:
            text = text[: TOPIC_LIMIT - 1].rstrip() + "…"
        return self.safe(case, text, "channel topic")

    def safe(self, case: Case, text: str, where: Where) -> str:
        """Our own wording, or the bare reference when it collides with a name on the case.

        A family called Day, May or Review would otherwise make the bot refuse its own topic
        ("day 15") or invite subject; the reference alone is always safe to show.
        """
        try:
            return self.guard(case).check(text, where)
        except PersonalDataRefused:
            return self.guard(case).check(case.ref, where)
