"""The demo's story: who does what on which working day of one fictional case."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path

from bot.adapters.memory.calendar import InMemoryCalendar
from bot.domain.authorisation import SYSTEM
from bot.domain.decision import Criterion, DecisionRecord, ReviewOutcome
from bot.domain.directory import Partner, Role
from bot.domain.meeting import Response
from bot.domain.notification import Notification
from bot.domain.requests import ReturnKind
from bot.domain.returns import ChronologyEntry, Involvement, KeyContact, StructuredReturn
from bot.services.delivery import Medium
from bot.services.facade import Services
from bot.services.inbound import email_receipt
from bot.services.meetings import meeting_invitees
from bot.services.replies import receipt
from bot.services.submission import panel_documents
from handlers.text_commands import TextCommands
from schedules.runner import run_due

Step = Callable[[], Awaitable[None]]

INVOLVED = ("la", "police", "icb", "hospital", "gp", "school", "housing")
NIL_RETURN = "housing"
LATE = "gp"  # outside the chat workspace: requests, chases and its reply go by email


@dataclass(order=True)
class Event:
    on: date
    at: time
    order: int
    label: str
    step: Step


class Story:
    """Builds the events; some are added as the case unfolds (the meeting date, say)."""

    def __init__(
        self,
        services: Services,
        calendar: InMemoryCalendar,
        say: Callable[[str], None],
        notified: date,
        papers: Path,
    ) -> None:
        self.s, self.calendar, self.say, self.notified = services, calendar, say, notified
        self.papers = papers  # where the Word documents are written
        self.ctx = services.ctx
        self.commands = TextCommands(services)
        self.events: list[Event] = []
        self.ref = ""
        self.deciders: list[str] = []
        self.finished = False
        d = self.ctx.directory
        self.officer = d.with_role(Role.BUSINESS_OFFICER)[0].email
        self.chair = d.with_role(Role.CHAIR)[0].email
        self.police_dm = d.partner_agency(Partner.POLICE).decision_maker or ""
        self.timetable = self.ctx.workdays.day_numbers(notified, 40, self.ctx.playbook.counting)

    def at(self, day: date, hhmm: str, label: str, step: Step) -> None:
        hour, minute = map(int, hhmm.split(":"))
        self.events.append(Event(day, time(hour, minute), len(self.events), label, step))

    def on_day(self, n: int, hhmm: str, label: str, step: Step) -> None:
        self.at(self.timetable[n], hhmm, label, step)

    async def command(self, actor: str, text: str) -> None:
        self.say(f"      {self.ctx.name(actor)} types: /rapidreview {text}")
        reply = await self.commands.run(actor, text, channel_case=self.ref or None)
        self.say("      (only they see) " + reply.replace("\n", "\n      "))

    # -- the plot ---------------------------------------------------------------------
    def plan(self) -> None:
        self.at(
            self.notified,
            "10:00",
            "The local authority's notification arrives (POST /notifications)",
            self._notify,
        )
        self.on_day(
            1, "11:00", "The business officer sends the information requests", self._send_requests
        )
        self.on_day(1, "11:30", "The chair asks for quorate meeting slots", self._schedule)

    async def _notify(self) -> None:
        opened = await self.s.open_case(
            notification=Notification(
                external_ref="LA-NOTIF-0457",
                notified_on=self.notified,
                agencies=INVOLVED,
                child_names=("Jamie Fictitious",),
                family_names=("Testperson",),
            ),
            actor=SYSTEM,
        )
        self.ref = opened.case.ref

    async def _send_requests(self) -> None:
        requests = await self.s.send_information_requests(case_ref=self.ref, actor=self.officer)
        deadline = requests[0].due
        last = self.ctx.workdays.number_of(self.notified, deadline, self.ctx.playbook.counting)
        on_time = [a for a in INVOLVED if a not in (NIL_RETURN, LATE)]
        for i, agency in enumerate(on_time):
            n = max(2, last - len(on_time) + 1 + i)
            kind = ReturnKind.FACTUAL_SUMMARY if agency == "school" else ReturnKind.FULL
            self.on_day(
                n,
                "15:00",
                f"{self.ctx.agency_name(agency)} returns its information",
                self._returner(agency, kind),
            )
        self.on_day(
            3,
            "10:30",
            f"{self.ctx.agency_name(NIL_RETURN)} sends a nil return",
            self._returner(NIL_RETURN, ReturnKind.NIL),
        )

    def _returner(self, agency: str, kind: ReturnKind, by_email: bool = False) -> Step:
        async def step() -> None:
            spoc = self.ctx.directory.agency(agency).spoc  # type: ignore[union-attr]
            actor = self.officer if by_email else spoc
            if by_email:
                self.say("      (the business officer records the emailed return)")
            if by_email:  # typed into the email's body: kept as its summary
                reply = await self.s.reply_to_request(
                    case_ref=self.ref,
                    agency=agency,
                    text="Fictional summary of the practice's involvement: two appointments"
                    " in the last year, nothing of concern recorded.",
                    actor=actor,
                    kind=kind,
                )
            else:  # the reply template, answered in the chat's return form
                reply = await self.s.reply_with_structured_return(
                    case_ref=self.ref,
                    agency=agency,
                    structured=self._template(agency, kind),
                    actor=actor,
                )
            # The one receipt, where the SPOC acted: by email, or under the form in chat.
            case = (await self.s.status(case_ref=self.ref, actor=self.officer)).case
            if by_email:
                await email_receipt(self.ctx, case, reply, spoc)
                self.say("      (the scheduler's next tick: the papers' next version)")
                await run_due(self.s, worker="demo")
            else:
                await self.ctx.chat.direct_message(
                    to=spoc, text=receipt(self.ctx, reply, Medium.CHAT)
                )

        return step

    def _template(self, agency: str, kind: ReturnKind) -> StructuredReturn:
        """A fictional reply template: a few dated events before the incident."""
        if kind is ReturnKind.NIL:
            return StructuredReturn(involvement=Involvement.NONE, records_secured=True)
        name = self.ctx.agency_name(agency)
        days = (60, 21, 3) if kind is ReturnKind.FULL else (14,)
        return StructuredReturn(
            involvement=Involvement.FULL if kind is ReturnKind.FULL else Involvement.LIMITED,
            period_from=self.notified - timedelta(days=90),
            period_to=self.notified,
            contacts=(KeyContact(name="A. Practitioner", role=f"Lead practitioner, {name}"),),
            chronology=tuple(
                ChronologyEntry(
                    on=self.notified - timedelta(days=d),
                    what=f"Fictional contact with the family recorded by {name}.",
                    who="Lead practitioner; mother",
                    source=f"{agency.upper()} record {1000 + d}",
                )
                for d in days
            ),
            analysis=f"Fictional analysis of {name}'s involvement, for the demonstration.",
            learning="Information could have been shared sooner.",
            safeguarding_actions="Records reviewed; no further action needed at once.",
            records_secured=True,
        )

    async def _schedule(self) -> None:
        await self.command(self.chair, f"schedule {self.ref}")
        case = (await self.s.status(case_ref=self.ref, actor=self.chair)).case
        invited = meeting_invitees(self.ctx, case)
        if invited.left_out and invited.cap:  # more could attend for information than may
            chosen = " ".join(o.agency for o in invited.eligible[: invited.cap])
            await self.command(self.chair, f"observers {self.ref} {chosen}")
            await self.command(self.chair, f"schedule {self.ref}")
        await self.command(self.chair, f"book {self.ref} 1")
        status = await self.s.status(case_ref=self.ref, actor=self.chair)
        meeting = status.case.meeting
        assert meeting is not None
        booked = meeting.start.astimezone(self.ctx.zone)
        decline_on = self.ctx.workdays.add(self.ctx.today(), 1)
        self.at(
            decline_on, "09:40", "The police decision maker declines the invitation", self._decline
        )
        self.at(
            decline_on,
            "10:15",
            "The business officer invites the police deputy",
            self._invite_deputy,
        )
        self.at(
            booked.date(),
            booked.time().strftime("%H:%M"),
            "The Rapid Review meeting is held",
            self._hold,
        )
        papers_on = self.ctx.workdays.add(
            booked.date(), -self.ctx.playbook.meeting.papers_days_before
        )
        self.at(
            papers_on,
            "16:00",
            f"{self.ctx.agency_name(LATE)} finally replies to the request email, after the"
            " papers went out",
            self._returner(LATE, ReturnKind.FULL, by_email=True),
        )

    async def _decline(self) -> None:
        case = (await self.s.status(case_ref=self.ref, actor=self.chair)).case
        assert case.meeting is not None
        self.calendar.respond(case.meeting.event_id, self.police_dm, Response.DECLINED)
        for email in case.meeting.invitations:
            if email != self.police_dm:
                await self.s.record_response(
                    case_ref=self.ref, email=email, response=Response.ACCEPTED, actor=email
                )
        await self.s.record_response(
            case_ref=self.ref,
            email=self.police_dm,
            response=Response.DECLINED,
            actor=self.police_dm,
        )

    async def _invite_deputy(self) -> None:
        await self.command(self.officer, f"invite-deputy {self.ref} {self.police_dm}")
        deputy = self.ctx.directory.partner_agency(Partner.POLICE).deputy or ""
        await self.s.record_response(
            case_ref=self.ref, email=deputy, response=Response.ACCEPTED, actor=deputy
        )

    async def _hold(self) -> None:
        case = (await self.s.status(case_ref=self.ref, actor=self.chair)).case
        assert case.meeting is not None
        present = sorted(case.meeting.confirmed())
        partners = [self.ctx.directory.partner_agency(p) for p in Partner]
        self.deciders = [self.chair] + [
            e for a in partners for e in (a.decision_maker, a.deputy) if e in present
        ]
        await self.s.record_attendance(case_ref=self.ref, present=present, actor=self.officer)
        await self.command(self.chair, f"quorum {self.ref}")
        await self.s.record_decision(case_ref=self.ref, record=self._decision(), actor=self.chair)
        playbook = self.ctx.playbook
        today = self.ctx.today()
        if playbook.ratification.required:
            ratify_on = self.ctx.workdays.add(today, playbook.ratification.after_meeting.earliest)
            self.at(ratify_on, "10:00", f"Ratification by {playbook.ratification.by}", self._ratify)
            submit_on = ratify_on
        else:
            submit_on = self.ctx.workdays.add(today, 1)
        self.at(
            submit_on, "14:00", "The business officer submits to the National Panel", self._submit
        )

    def _decision(self) -> DecisionRecord:
        return DecisionRecord(
            considered_against_criteria=True,
            criteria_met=(Criterion.AGENCIES_WORKING_TOGETHER,),
            immediate_safeguarding="Siblings are safe with a relative; a child protection plan"
            " is in place and reviewed weekly.",
            summary_of_facts="Fictional facts for the demonstration only.",
            outcome=ReviewOutcome.LCSPR,
            outcome_reasons="Concerns about how two or more agencies worked together, with"
            " learning likely beyond a single agency.",
            national_review_recommended=False,
            national_review_reasons="The learning is local; no national themes were identified.",
            immediate_learning="Information about the household was not shared between health"
            " and education.",
            learning_shared_how="A seven-minute briefing to all agencies within two weeks.",
            further_learning_potential="High: the review will look at information sharing.",
            agencies_taking_part=INVOLVED,
            decided_by=tuple(self.deciders),
            decided_on=self.ctx.today(),
        )

    async def _ratify(self) -> None:
        await self.s.ratify(case_ref=self.ref, actor=self.chair)

    async def _submit(self) -> None:
        await self.command(self.officer, f"submit {self.ref}")
        case = (await self.s.status(case_ref=self.ref, actor=self.officer)).case
        folder = self.papers / case.channel.lstrip("#")  # beside the papers posted there
        folder.mkdir(parents=True, exist_ok=True)
        for document in panel_documents(self.ctx, case).attachments:  # the bytes emailed
            (folder / document.name).write_bytes(document.content)
        self.say("      (the outbox sends the Panel its documents and tells the agencies)")
        await run_due(self.s, worker="demo")
        await self.command(self.officer, f"close {self.ref}")
        self.finished = True
