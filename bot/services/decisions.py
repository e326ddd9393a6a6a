"""The decision, its ratification and the submission to the National Panel."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from bot.domain.authorisation import SYSTEM, Operation
from bot.domain.cases import Case
from bot.domain.decision import DecisionRecord
from bot.domain.errors import IllegalTransition, InvalidInput
from bot.domain.outbox import DueAction
from bot.domain.stages import Action, Stage
from bot.services.change import announce, change_case, read_case
from bot.services.context import ServiceContext
from bot.services.outcome import plan_tell_outcome
from bot.services.reminders import plan_case_reminders
from bot.services.submission import panel_documents
from bot.services.wording import plural


def panel_email_key(ref: str) -> str:
    return f"{ref}:panel_email"


def parse_decision(fields: dict[str, Any]) -> DecisionRecord:
    """Validate a decision form; every missing or empty reason is named."""
    try:
        return DecisionRecord.model_validate(fields)
    except ValidationError as err:
        problems = []
        for e in err.errors():
            where = ".".join(str(p) for p in e["loc"]) or "decision"
            problems.append(f"{where}: {e['msg'].removeprefix('Value error, ')}")
        raise InvalidInput("The decision cannot be recorded: " + "; ".join(problems)) from None


async def record_decision(
    ctx: ServiceContext, *, case_ref: str, record: DecisionRecord, actor: str
) -> Case:
    async with change_case(
        ctx, case_ref, actor=actor, operation=Operation.RECORD_DECISION
    ) as change:
        case = change.case
        unknown = [a for a in record.agencies_taking_part if ctx.directory.agency(a) is None]
        if unknown:
            raise InvalidInput(f"Unknown agencies in the decision: {', '.join(unknown)}.")
        missing = [
            a
            for a in record.absent_agencies(list(case.agencies))
            if a not in record.absent_agency_reasons
        ]
        if missing:
            raise InvalidInput(
                "Say why these involved agencies did not take part: "
                + ", ".join(ctx.agency_name(a) for a in missing)
                + "."
            )
        case.apply(Action.RECORD_DECISION)
        case.decision = record
        await plan_case_reminders(ctx, change.uow, case)  # ratification, now it is due
        change.record(
            "decision_recorded",
            outcome=record.outcome.value,
            national_review=record.national_review_recommended,
        )
    national = "recommended" if record.national_review_recommended else "not recommended"
    await announce(
        ctx,
        case,
        f"Decision recorded for {case.ref}: {record.outcome.label}. National review {national}.",
    )
    return case


async def ratify(ctx: ServiceContext, *, case_ref: str, actor: str) -> Case:
    async with change_case(ctx, case_ref, actor=actor, operation=Operation.RATIFY) as change:
        case = change.case
        case.apply(Action.RATIFY)
        case.ratified_on = ctx.today()
        change.record("decision_ratified")
    by = ctx.playbook.ratification.by or "the partners"
    await announce(ctx, case, f"Decision on {case.ref} ratified by {by}.")
    return case


async def submit_to_panel(ctx: ServiceContext, *, case_ref: str, actor: str) -> str:
    """Record the submission (the Panel's email and the agencies' outcome letters are planned
    in the same transaction) and return the Panel documents' names."""
    async with change_case(ctx, case_ref, actor=actor, operation=Operation.SUBMIT) as change:
        case = change.case
        if case.stage is Stage.DECIDED and ctx.playbook.ratification.required:
            raise IllegalTransition(
                f"{case.ref} cannot be submitted yet: the decision must first be ratified by"
                f" {ctx.playbook.ratification.by or 'the partners'}."
            )
        case.apply(Action.SUBMIT)
        submitted_on = case.submitted_on = ctx.today()
        documents = panel_documents(ctx, case)  # refused here, not later, if it cannot go
        if ctx.panel_email:  # in the same transaction: the email is never lost, only late
            await change.uow.outbox.plan(
                DueAction(
                    key=panel_email_key(case.ref),
                    kind="email_panel",
                    due_at=ctx.now(),
                    case_ref=case.ref,
                )
            )
        await plan_tell_outcome(ctx, change.uow, case)
        change.record("submitted_to_panel", documents=documents.hashes())
    deadline = ctx.timetable(case).panel_deadline
    margin = ctx.workdays.between(submitted_on, deadline)
    timing = (
        f"{plural(margin, 'working day')} before the deadline"
        if margin > 0
        else "on the deadline day"
        if margin == 0
        else f"{plural(-margin, 'working day')} LATE"
    )
    emailed = (
        f" The Panel submission and its covering letter are emailed to {ctx.panel_email}."
        if ctx.panel_email
        else ""
    )
    await announce(
        ctx,
        case,
        f"{case.ref} submitted to the National Panel on {submitted_on:%a %d %b},"
        f" {timing} ({deadline:%a %d %b}).{emailed}",
    )
    return " and ".join(a.name for a in documents.attachments)


async def email_panel(ctx: ServiceContext, *, case_ref: str) -> str:
    """Send the Panel submission and its covering letter (Word) to the Panel's address,
    under a reference-only subject, and audit each document's hash. Returns the mail's id."""
    if not ctx.panel_email:
        raise InvalidInput("PANEL_EMAIL is not set: the submission cannot be emailed.")
    case = await read_case(ctx, case_ref, actor=SYSTEM, operation=Operation.VIEW_CASE)
    documents = panel_documents(ctx, case)
    subject = ctx.safe(case, f"Rapid Review decision: {case.ref}", "email subject")
    sent = await ctx.mail.send(
        to=[ctx.panel_email],
        subject=subject,
        body=f"Please find attached the Rapid Review of {ctx.playbook.name} for {case.ref},"
        f" submitted on {case.submitted_on:%A %d %B %Y}: the Combined Summary for the National"
        " Panel and its covering letter.",
        attachments=documents.attachments,
    )
    async with ctx.uow() as uow:
        await ctx.audit(
            uow,
            actor=SYSTEM,
            action="panel_emailed",
            case_ref=case.ref,
            detail={"documents": documents.hashes()},
        )
        await uow.commit()
    return sent
