"""The Case aggregate to rows and back. Children are matched by their natural keys (agency,
invitee email) and updated in place, so a save never deletes and re-inserts a unique key."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Literal, cast

from bot.adapters.db.models import (
    AdditionRow,
    CaseRow,
    DecisionRow,
    InvitationRow,
    MeetingRow,
    RequestRow,
    ReturnVersionRow,
)
from bot.domain.cases import Case
from bot.domain.decision import DecisionRecord
from bot.domain.meeting import Invitation, Meeting, Response
from bot.domain.papers_sent import PapersSent
from bot.domain.playbook import ChaseStepKind
from bot.domain.requests import (
    Addition,
    ChaseRecord,
    InformationRequest,
    RequestState,
    ReturnKind,
    ReturnVersion,
)
from bot.domain.returns import StructuredReturn
from bot.domain.sensitivity import CaseSubject
from bot.domain.stages import Stage, Track


def case_code(ref: str) -> str:
    return ref.split("-RR-", 1)[0]


def to_case(row: CaseRow) -> Case:
    return Case(
        ref=row.ref,
        playbook=row.playbook,
        track=Track(row.track),
        notified_on=row.notified_on,
        received_at=row.received_at,
        subject=CaseSubject(
            names=tuple(row.subject_names),
            dates_of_birth=tuple(date.fromisoformat(d) for d in row.subject_dobs),
        ),
        agencies=tuple(row.agencies),
        members=frozenset(row.members),
        stage=Stage(row.stage),
        external_ref=row.external_ref,
        channel=row.channel,
        requests={r.agency: _to_request(r) for r in row.requests},
        meeting=_to_meeting(row.meeting) if row.meeting else None,
        decision=DecisionRecord.model_validate(row.decision.record) if row.decision else None,
        ratified_on=row.ratified_on,
        submitted_on=row.submitted_on,
        closed_on=row.closed_on,
        threshold_met=row.threshold_met,
        threshold_reasons=row.threshold_reasons,
        observers=tuple(row.observers) if row.observers is not None else None,
        referred_by=row.referred_by,
        papers=[_to_papers(p) for p in row.papers],
        outcome_told_on=row.outcome_told_on,
        version=row.version,
    )


def _to_papers(doc: dict[str, Any]) -> PapersSent:
    return PapersSent(
        version=doc["version"],
        sent_at=datetime.fromisoformat(doc["sent_at"]).astimezone(UTC),
        fingerprint=doc["fingerprint"],
        documents=tuple((name, digest) for name, digest in doc["documents"]),
        parts=tuple((agency, digest) for agency, digest in doc["parts"]),
        event_attachment=doc["event_attachment"],
    )


def _papers_doc(papers: PapersSent) -> dict[str, Any]:
    if papers.sent_at.utcoffset() is None:  # a naive time is a bug in the caller (§3.7)
        raise ValueError("naive datetime in the papers sent; use aware UTC datetimes")
    return {
        "version": papers.version,
        "sent_at": papers.sent_at.astimezone(UTC).isoformat(),
        "fingerprint": papers.fingerprint,
        "documents": [list(d) for d in papers.documents],
        "parts": [list(p) for p in papers.parts],
        "event_attachment": papers.event_attachment,
    }


def _to_request(row: RequestRow) -> InformationRequest:
    return InformationRequest(
        agency=row.agency,
        due=row.due,
        sent_on=row.sent_on,
        delivery=cast(Literal["chat", "email"], row.delivery),
        state=RequestState(row.state),
        chases=[
            ChaseRecord(ChaseStepKind(c["kind"]), date.fromisoformat(c["on"])) for c in row.chases
        ],
        returned_on=row.returned_on,
        return_kind=ReturnKind(row.return_kind) if row.return_kind else None,
        summary=row.summary,
        late_by=row.late_by,
        needs_confirmation=row.needs_confirmation,
        additions=[Addition(a.added_on, a.added_by, a.text) for a in row.additions],
        versions=[
            ReturnVersion(
                v.number, v.recorded_on, v.recorded_by, StructuredReturn.model_validate(v.content)
            )
            for v in row.versions
        ],
    )


def _to_meeting(row: MeetingRow) -> Meeting:
    return Meeting(
        start=row.start,
        end=row.end,
        day=row.day,
        event_id=row.event_id,
        ical_uid=row.ical_uid,
        join_url=row.join_url,
        invitations={
            i.email: Invitation(i.email, i.information_only, Response(i.response))
            for i in row.invitations
        },
        attended=frozenset(row.attended) if row.attended is not None else None,
        held_on=row.held_on,
    )


def new_row(case: Case) -> CaseRow:
    row = CaseRow(ref=case.ref, code=case_code(case.ref), version=case.version)
    row.requests, row.meeting, row.decision, row.papers = [], None, None, []
    fill_row(row, case)
    return row


def fill_row(row: CaseRow, case: Case) -> None:
    """Copy every field of the aggregate onto `row` (the version is the caller's business)."""
    row.playbook, row.track, row.stage = case.playbook, case.track.value, case.stage.value
    row.notified_on, row.received_at = case.notified_on, case.received_at
    row.external_ref, row.channel = case.external_ref, case.channel
    row.agencies, row.members = list(case.agencies), sorted(case.members)
    row.subject_names = list(case.subject.names)
    row.subject_dobs = [d.isoformat() for d in case.subject.dates_of_birth]
    row.ratified_on, row.submitted_on = case.ratified_on, case.submitted_on
    row.closed_on = case.closed_on
    row.threshold_met, row.threshold_reasons = case.threshold_met, case.threshold_reasons
    row.observers = list(case.observers) if case.observers is not None else None
    row.referred_by, row.outcome_told_on = case.referred_by, case.outcome_told_on
    papers = [_papers_doc(p) for p in case.papers]
    if papers != row.papers:  # unchanged values: no UPDATE
        row.papers = papers
    _fill_requests(row, case)
    _fill_meeting(row, case.meeting)
    _fill_decision(row, case.decision)


def _fill_requests(row: CaseRow, case: Case) -> None:
    existing = {r.agency: r for r in row.requests}
    kept: list[RequestRow] = []
    for agency, request in case.requests.items():
        child = existing.get(agency) or RequestRow(agency=agency)
        child.due, child.sent_on, child.delivery = request.due, request.sent_on, request.delivery
        child.state = request.state.value
        child.chases = [{"kind": c.kind.value, "on": c.on.isoformat()} for c in request.chases]
        child.returned_on, child.summary = request.returned_on, request.summary
        child.return_kind = request.return_kind.value if request.return_kind else None
        child.late_by = request.late_by
        child.needs_confirmation = request.needs_confirmation
        for added in request.additions[len(child.additions) :]:  # kept, only ever added to
            child.additions.append(
                AdditionRow(added_on=added.on, added_by=added.by, text=added.text)
            )
        for version in request.versions[len(child.versions) :]:  # likewise only ever added
            child.versions.append(
                ReturnVersionRow(
                    number=version.number,
                    recorded_on=version.on,
                    recorded_by=version.by,
                    content=version.content.model_dump(mode="json"),
                )
            )
        kept.append(child)
    row.requests = kept  # rows left out are orphans: the cascade deletes them


def _fill_meeting(row: CaseRow, meeting: Meeting | None) -> None:
    if meeting is None:
        row.meeting = None
        return
    child = row.meeting or MeetingRow(invitations=[])
    child.start, child.end, child.day = meeting.start, meeting.end, meeting.day
    child.event_id, child.held_on = meeting.event_id, meeting.held_on
    child.ical_uid, child.join_url = meeting.ical_uid, meeting.join_url
    child.attended = sorted(meeting.attended) if meeting.attended is not None else None
    existing = {i.email: i for i in child.invitations}
    kept: list[InvitationRow] = []
    for email, invitation in meeting.invitations.items():
        invited = existing.get(email) or InvitationRow(email=email)
        invited.information_only = invitation.information_only
        invited.response = invitation.response.value
        kept.append(invited)
    child.invitations = kept
    row.meeting = child


def _fill_decision(row: CaseRow, decision: DecisionRecord | None) -> None:
    if decision is None:
        row.decision = None
        return
    record: dict[str, Any] = decision.model_dump(mode="json")
    child = row.decision or DecisionRow()
    child.record, child.decided_on = record, decision.decided_on  # unchanged values: no UPDATE
    row.decision = child
