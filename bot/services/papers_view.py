"""A case as the documents see it: the views `bot.documents` builds the papers from.

The child's names and dates of birth go into `CaseFacts` because the papers are the one place
they belong; nothing here returns them anywhere else.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date

from bot.documents.views import (
    AgencyName,
    AgencyReturn,
    CaseFacts,
    DecisionView,
    ReturnStatus,
)
from bot.domain.cases import Case
from bot.domain.papers import PackPart
from bot.domain.requests import CUT_NOTE, InformationRequest, ReturnVersion
from bot.domain.returns import plain_text
from bot.domain.stages import Track
from bot.services.context import ServiceContext

TRACK_LABELS = {Track.RAPID_REVIEW: "Rapid Review", Track.REFERRAL: "Referral"}


def case_facts(ctx: ServiceContext, case: Case) -> CaseFacts:
    timetable = ctx.timetable(case)
    start = case.meeting.start.astimezone(ctx.zone) if case.meeting else None
    return CaseFacts(
        ref=case.ref,
        partnership=ctx.playbook.name,
        track_label=TRACK_LABELS[case.track],
        notified_on=case.notified_on,
        external_ref=case.external_ref,
        child_names=case.subject.names,
        dates_of_birth=case.subject.dates_of_birth,
        agencies=tuple(_agency(ctx, code) for code in case.agencies),
        meeting_start=start,
        meeting_day=start.date() if start else timetable.meeting_window[1],
        information_deadline=timetable.information_deadline,
        panel_deadline=timetable.panel_deadline,
        referrer=ctx.agency_name(case.referred_by) if case.referred_by else None,
    )


def agency_returns(ctx: ServiceContext, case: Case, *, as_of: date) -> tuple[AgencyReturn, ...]:
    """Every involved agency's return, or the fact that it is missing (and how overdue on
    `as_of`), in the case's order."""
    returns = []
    for code in case.agencies:
        request = case.requests.get(code)
        if request is None:
            returns.append(AgencyReturn(agency=_agency(ctx, code), status=ReturnStatus.MISSING))
            continue
        returns.append(_agency_return(ctx, request, as_of))
    return tuple(returns)


def _agency_return(ctx: ServiceContext, request: InformationRequest, as_of: date) -> AgencyReturn:
    latest = request.versions[-1] if request.versions else None
    if request.is_open:
        status = ReturnStatus.TO_CONFIRM if request.needs_confirmation else ReturnStatus.MISSING
        overdue = max(ctx.workdays.between(request.due, as_of), 0)
    else:
        status, overdue = ReturnStatus.RETURNED, 0
    shown = status is not ReturnStatus.MISSING
    return AgencyReturn(
        agency=_agency(ctx, request.agency),
        status=status,
        kind=request.return_kind if shown else None,
        returned_on=request.returned_on,
        late_by=request.late_by,
        overdue_by=overdue,
        structured=latest.content if latest and shown else None,
        version=latest.number if latest and shown else None,
        summary=_own_words(request, latest) if shown else "",
        additions=tuple(request.additions),
    )


def _own_words(request: InformationRequest, latest: ReturnVersion | None) -> str:
    """The return's summary, unless it is the latest template's own answers in plain text
    (the papers show those as answers already): then only what came with them (the names
    of files sent)."""
    if latest is None:
        return request.summary
    answers = plain_text(latest.content)
    if request.summary.startswith(answers):
        return request.summary[len(answers) :].strip()
    cut = request.summary.removesuffix(CUT_NOTE)
    if cut != request.summary and answers.startswith(cut):
        return ""
    return request.summary


def decision_view(ctx: ServiceContext, case: Case) -> DecisionView | None:
    record = case.decision
    if record is None:
        return None
    codes = dict.fromkeys([*case.agencies, *record.agencies_taking_part])
    by = ctx.playbook.ratification.by
    return DecisionView(
        record=record,
        decided_by=tuple(ctx.name(p) for p in record.decided_by),
        agencies=tuple(_agency(ctx, code) for code in codes),
        ratified_on=case.ratified_on,
        ratified_by=(by,) if by and case.ratified_on else (),
        submitted_on=case.submitted_on,
    )


def pack_parts(returns: tuple[AgencyReturn, ...]) -> tuple[PackPart, ...]:
    """What each agency's part of the pack shows, for saying what changed in the next one.
    How overdue a missing return is grows by itself each day: it is not a change."""
    return tuple(
        PackPart(
            agency=r.agency.code,
            returned=r.status is ReturnStatus.RETURNED,
            version=r.version or 0,
            additions=len(r.additions),
            digest=_digest(repr(replace(r, overdue_by=0))),
        )
        for r in returns
    )


def fingerprint(facts: CaseFacts, parts: tuple[PackPart, ...]) -> str:
    """Of everything a pack is built from but its version and day: equal, nothing to send."""
    return _digest(repr(facts) + "".join(p.digest for p in parts))


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def _agency(ctx: ServiceContext, code: str) -> AgencyName:
    return AgencyName(code=code, name=ctx.agency_name(code))
