"""The meeting papers: the Combined Summary sent once on the papers day, a new version when a
return changes after that, and the current pack whenever the office asks for it.

Version 1 goes at 15:00 local on the papers day (`bot.domain.papers`), so that what agencies
return or add during that working day goes with it. It is posted in the case channel as a
file, attached to the booked meeting, and emailed to the people chat cannot reach (to all of
them where the chat cannot hold a file). A return that arrives or changes after a version has
gone out, and before the meeting is held, plans the next version at once. Each version is
sent through the outbox, so a rerun after a crash sends nothing twice; the case keeps each
version's documents' SHA-256 hashes and the audit log says what was sent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from bot.documents.combined_summary import combined_summary
from bot.documents.views import AgencyReturn, CaseFacts
from bot.documents.word import file_name, sha256_hex
from bot.domain.authorisation import SYSTEM, Operation
from bot.domain.cases import Case
from bot.domain.outbox import DueAction
from bot.domain.papers import (
    PAPERS_GO_OUT_AT,
    PackPart,
    next_version,
    papers_day,
    papers_key,
    what_changed,
)
from bot.domain.papers_sent import PapersSent
from bot.domain.stages import Stage, Track
from bot.ports import WORD_CONTENT_TYPE, Attachment, UnitOfWork
from bot.services.change import change_case, read_case, show_case
from bot.services.context import ServiceContext
from bot.services.delivery import prefers_email
from bot.services.papers_view import (
    agency_returns,
    case_facts,
    decision_view,
    fingerprint,
    pack_parts,
)

KIND = "send_papers"
BEFORE_THE_MEETING = frozenset({Stage.REQUESTS_SENT, Stage.MEETING_BOOKED})


@dataclass(frozen=True, slots=True)
class Pack:
    document: Attachment
    sha256: str
    fingerprint: str
    parts: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class PapersOutcome:
    sent: bool
    reason: str


def has_papers(case: Case) -> bool:
    return case.track is Track.RAPID_REVIEW


def _before_the_meeting(case: Case) -> bool:
    held = case.meeting is not None and case.meeting.held_on is not None
    return has_papers(case) and case.stage in BEFORE_THE_MEETING and not held


async def plan_papers(ctx: ServiceContext, uow: UnitOfWork, case: Case) -> bool:
    """Version 1 at 15:00 on the papers day, moved whenever the meeting is booked, moved or
    cancelled (the papers day moves with it). Once it has gone, later versions follow the
    returns (`plan_papers_update`)."""
    if case.papers or not case.requests or not _before_the_meeting(case):
        return False
    day = papers_day(case, ctx.timetable(case), ctx.playbook.meeting, ctx.workdays)
    return await uow.outbox.replan(_send(case, 1, ctx.at_local(day, PAPERS_GO_OUT_AT)))


async def plan_papers_update(ctx: ServiceContext, uow: UnitOfWork, case: Case) -> bool:
    """A return recorded or changed after a version went out, before the meeting: the next
    version, due now (held to working hours by the runner), in the caller's transaction. An
    unchanged pack is not sent (`send_papers`), so planning it again is harmless."""
    if not case.papers or not _before_the_meeting(case):
        return False
    return await uow.outbox.replan(_send(case, next_version(case.papers), ctx.now()))


def _send(case: Case, version: int, at: datetime) -> DueAction:
    return DueAction(
        key=papers_key(case.ref, version),
        kind=KIND,
        due_at=at,
        case_ref=case.ref,
        payload={"version": version},
    )


@dataclass(frozen=True, slots=True)
class PackInputs:
    """What a pack is built from, as the stored record holds it on one day."""

    facts: CaseFacts
    returns: tuple[AgencyReturn, ...]
    parts: tuple[PackPart, ...]
    fingerprint: str
    on: date

    def unchanged_since(self, last: PapersSent | None) -> bool:
        return last is not None and last.fingerprint == self.fingerprint


def pack_inputs(ctx: ServiceContext, case: Case, made: datetime) -> PackInputs:
    """As of `made`'s day: a rerun on a later day builds the same bytes, so what went out
    is recognised and not sent again."""
    on = made.astimezone(ctx.zone).date()
    facts = case_facts(ctx, case)
    returns = agency_returns(ctx, case, as_of=on)
    parts = pack_parts(returns)
    return PackInputs(facts, returns, parts, fingerprint(facts, parts), on)


def build_pack(
    ctx: ServiceContext, case: Case, inputs: PackInputs, *, version: int, draft: bool = False
) -> Pack:
    """The Combined Summary, version `version` (named a draft of it when `draft`)."""
    content = combined_summary(
        inputs.facts,
        inputs.returns,
        version=version,
        made_on=inputs.on,
        decision=decision_view(ctx, case),
    )
    name = file_name(case.ref, "combined-summary", version=version)
    if draft:  # not sent as such: a draft of the next version, named so
        name = name.removesuffix(".docx") + "_draft.docx"
    return Pack(
        document=Attachment(name, content, WORD_CONTENT_TYPE),
        sha256=sha256_hex(content),
        fingerprint=inputs.fingerprint,
        parts=tuple(p.encoded() for p in inputs.parts),
    )


async def send_papers(
    ctx: ServiceContext, *, case_ref: str, version: int, planned_for: datetime
) -> PapersOutcome:
    """Send one version of the papers, unless it has gone, no longer matters, or is unchanged."""
    case = await read_case(ctx, case_ref, actor=SYSTEM, operation=Operation.VIEW_CASE)
    if not _before_the_meeting(case):
        return PapersOutcome(False, "the meeting has been held, or the case has no papers")
    if version != next_version(case.papers):
        return PapersOutcome(False, f"version {version} has already gone out")
    inputs = pack_inputs(ctx, case, planned_for)
    last = case.papers[-1] if case.papers else None
    if last is not None and inputs.unchanged_since(last):
        return PapersOutcome(False, f"unchanged since version {last.version}")
    pack = build_pack(ctx, case, inputs, version=version)
    text = _message(ctx, case, version, pack, last)
    posted = await ctx.chat.post_file(channel=case.channel, document=pack.document, text=text)
    attachment = await _attach(ctx, case, pack, last)
    emailed = await _email(ctx, case, pack, text, everyone=posted is None)
    sent = PapersSent(
        version=version,
        sent_at=ctx.now(),
        fingerprint=pack.fingerprint,
        documents=((pack.document.name, pack.sha256),),
        parts=pack.parts,
        event_attachment=attachment,
    )
    async with change_case(ctx, case.ref, actor=SYSTEM, operation=Operation.VIEW_CASE) as change:
        if version != next_version(change.case.papers):
            change.discard()  # recorded by a run that overlapped this one
            return PapersOutcome(False, f"version {version} has already gone out")
        change.case.papers.append(sent)
        change.record(
            "papers_sent",
            version=version,
            fingerprint=pack.fingerprint,
            documents=[{"name": n, "sha256": h} for n, h in sent.documents],
            emailed=len(emailed),
            in_channel=posted is not None,
            on_meeting=bool(attachment),
        )
        case = change.case
    await show_case(ctx, case)
    surfaces = ["the case channel"] if posted is not None else []
    surfaces += ["the meeting"] if attachment else []
    surfaces += [f"{len(emailed)} by email"] if emailed else []
    return PapersOutcome(True, f"version {version} sent to " + ", ".join(surfaces or ["nobody"]))


def _message(
    ctx: ServiceContext, case: Case, version: int, pack: Pack, last: PapersSent | None
) -> str:
    if case.meeting is not None:
        start = case.meeting.start.astimezone(ctx.zone)
        meeting = f"the meeting on {start:%A %d %B at %H:%M}"
    else:
        meeting = "the Rapid Review meeting (not booked yet)"
    text = f"Meeting papers for {case.ref}, version {version}: the Combined Summary for {meeting}."
    if last is not None:
        now = [PackPart.decoded(agency, digest) for agency, digest in pack.parts]
        changes = what_changed(last.parts, now, ctx.agency_name, _late_by(case))
        text += f" Changed: {'; '.join(changes) or 'the case details'}."
        text += f" Version {last.version} is superseded."
    return ctx.safe(case, text, "message")


def _late_by(case: Case) -> Callable[[str], int]:
    return lambda code: case.requests[code].late_by if code in case.requests else 0


async def _attach(ctx: ServiceContext, case: Case, pack: Pack, last: PapersSent | None) -> str:
    """On the booked meeting, in place of the version it supersedes."""
    if case.meeting is None or not case.meeting.event_id:
        return ""
    event_id = case.meeting.event_id
    # Outlook sends the invitees an attachment's change with the event's next update, which
    # attaching makes: the old one is taken off first so that one update carries both.
    if last is not None and last.event_attachment:
        await ctx.calendar.remove_document(event_id=event_id, attachment_id=last.event_attachment)
    return await ctx.calendar.attach_document(event_id=event_id, document=pack.document)


async def _email(
    ctx: ServiceContext, case: Case, pack: Pack, text: str, *, everyone: bool
) -> list[str]:
    """To the meeting's invitees (the case's members before it is booked) chat cannot reach;
    to all of them when the chat could not hold the file."""
    people = list(case.meeting.invitations) if case.meeting else sorted(case.members)
    if not everyone:
        people = [
            p for p in people if prefers_email(ctx, p) or not await ctx.chat.can_message(email=p)
        ]
    subject = ctx.safe(case, f"Rapid Review meeting papers: {case.ref}", "email subject")
    body = text + "\n\nThe papers are OFFICIAL-SENSITIVE: please keep them to the meeting."
    for person in people:
        await ctx.mail.send(to=[person], subject=subject, body=body, attachments=[pack.document])
    return people
