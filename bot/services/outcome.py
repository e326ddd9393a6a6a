"""The outcome told, after the submission: a short letter to each involved agency's SPOC and
to the agency that made the referral (once, if it is also involved).

The letter says the outcome, whether a national review was recommended, what happens next,
and thanks the agency; it carries the reference and never a name (the decision's free text
stays in the papers). It goes by direct message, or by email under a reference-only subject
to agencies outside the chat (`deliver_to_person`). Sent from the outbox, planned in the
submission's transaction, so each person is told once even across a crash.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.authorisation import SYSTEM, Operation
from bot.domain.cases import Case
from bot.domain.decision import ReviewOutcome
from bot.domain.outbox import DueAction
from bot.domain.stages import Stage
from bot.ports import UnitOfWork
from bot.services.change import change_case, read_case, show_case
from bot.services.context import ServiceContext
from bot.services.delivery import deliver_to_person

KIND = "tell_outcome"
TOLD_STAGES = frozenset({Stage.SUBMITTED, Stage.CLOSED})

NEXT = {
    ReviewOutcome.LCSPR: "The partnership will now commission a Local Child Safeguarding"
    " Practice Review; your agency will be asked to take part, and we will write to you"
    " about its terms of reference and timetable.",
    ReviewOutcome.ALTERNATIVE_LEARNING_REVIEW: "The partnership will now arrange a learning"
    " review in place of a Local Child Safeguarding Practice Review; we will write to you"
    " about how your agency takes part.",
    ReviewOutcome.NO_FURTHER_REVIEW: "There will be no further review. The immediate learning"
    " identified will be shared through the partnership; please share it within your agency.",
}


@dataclass(frozen=True, slots=True)
class OutcomeTold:
    told: bool
    reason: str


def outcome_key(ref: str) -> str:
    return f"{ref}:outcome"


async def plan_tell_outcome(ctx: ServiceContext, uow: UnitOfWork, case: Case) -> bool:
    """In the submission's transaction: the agencies are told, however the process fares."""
    return await uow.outbox.plan(
        DueAction(key=outcome_key(case.ref), kind=KIND, due_at=ctx.now(), case_ref=case.ref)
    )


def told_agencies(case: Case) -> tuple[str, ...]:
    """Each involved agency, then the referrer if it is not one of them."""
    codes = list(case.agencies)
    if case.referred_by and case.referred_by not in codes:
        codes.append(case.referred_by)
    return tuple(codes)


def outcome_letter(ctx: ServiceContext, case: Case, agency: str) -> str:
    record = case.decision
    assert record is not None
    national = "recommended" if record.national_review_recommended else "not recommended"
    referrer = " Thank you for making the referral." if agency == case.referred_by else ""
    return (
        f"Rapid Review {case.ref}: the outcome\n\n"
        f"To {ctx.agency_name(agency)}.\n"
        f"{ctx.playbook.name} has completed the Rapid Review of {case.ref} (notified"
        f" {case.notified_on:%d %B %Y}) and submitted it to the Child Safeguarding Practice"
        f" Review Panel on {case.submitted_on:%d %B %Y}.\n"
        f"Outcome: {record.outcome.label}.\n"
        f"A national review by the Panel was {national}.\n"
        f"{NEXT[record.outcome]}\n"
        f"Thank you for your agency's information and its part in the review.{referrer}"
    )


async def tell_outcome(ctx: ServiceContext, *, case_ref: str) -> OutcomeTold:
    case = await read_case(ctx, case_ref, actor=SYSTEM, operation=Operation.VIEW_CASE)
    if case.outcome_told_on is not None:
        return OutcomeTold(False, f"told on {case.outcome_told_on:%a %d %b}")
    if case.decision is None or case.stage not in TOLD_STAGES:
        return OutcomeTold(False, "the case has no submitted decision")
    subject = f"Rapid Review outcome: {case.ref}"
    agencies = told_agencies(case)
    for code in agencies:
        letter = ctx.safe(case, outcome_letter(ctx, case, code), "message")
        await deliver_to_person(ctx, case, ctx.agency(code).spoc, subject=subject, text=letter)
    today = ctx.today()
    async with change_case(ctx, case.ref, actor=SYSTEM, operation=Operation.VIEW_CASE) as change:
        change.case.outcome_told_on = today
        change.record("outcome_told", agencies=list(agencies), referrer=case.referred_by)
        case = change.case
    await show_case(ctx, case)
    return OutcomeTold(True, f"{len(agencies)} agencies told")
