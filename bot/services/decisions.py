"""The decision, its ratification and the submission to the National Panel."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from bot.domain.authorisation import Operation, authorise
from bot.domain.cases import Case, parse_ref
from bot.domain.decision import DecisionRecord
from bot.domain.errors import IllegalTransition, InvalidInput
from bot.domain.stages import Action, Stage
from bot.services.context import ServiceContext
from bot.services.submission import panel_document


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
    async with ctx.uow() as uow:
        case = await uow.cases.get(parse_ref(case_ref))
        authorise(ctx.directory, actor, Operation.RECORD_DECISION, case)
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
        await uow.cases.save(case)
        await ctx.audit(
            uow,
            actor=actor,
            action="decision_recorded",
            case_ref=case.ref,
            detail={
                "outcome": record.outcome.value,
                "national_review": record.national_review_recommended,
            },
        )
        await uow.commit()
    await ctx.chat.post(
        channel=case.channel,
        text=f"Decision recorded for {case.ref}: {record.outcome.label}. National review"
        f" {'recommended' if record.national_review_recommended else 'not recommended'}.",
    )
    await ctx.chat.update_case_card(channel=case.channel, card=ctx.card(case))
    return case


async def ratify(ctx: ServiceContext, *, case_ref: str, actor: str) -> Case:
    async with ctx.uow() as uow:
        case = await uow.cases.get(parse_ref(case_ref))
        authorise(ctx.directory, actor, Operation.RATIFY, case)
        case.apply(Action.RATIFY)
        case.ratified_on = ctx.today()
        await uow.cases.save(case)
        await ctx.audit(uow, actor=actor, action="decision_ratified", case_ref=case.ref)
        await uow.commit()
    by = ctx.playbook.ratification.by or "the partners"
    await ctx.chat.post(channel=case.channel, text=f"Decision on {case.ref} ratified by {by}.")
    await ctx.chat.update_case_card(channel=case.channel, card=ctx.card(case))
    return case


async def submit_to_panel(ctx: ServiceContext, *, case_ref: str, actor: str) -> str:
    """Record the submission and return the Panel document (Markdown)."""
    async with ctx.uow() as uow:
        case = await uow.cases.get(parse_ref(case_ref))
        authorise(ctx.directory, actor, Operation.SUBMIT, case)
        if case.stage is Stage.DECIDED and ctx.playbook.ratification.required:
            raise IllegalTransition(
                f"{case.ref} cannot be submitted yet: the decision must first be ratified by"
                f" {ctx.playbook.ratification.by or 'the partners'}."
            )
        case.apply(Action.SUBMIT)
        case.submitted_on = ctx.today()
        document = panel_document(ctx, case)
        await uow.cases.save(case)
        await ctx.audit(
            uow,
            actor=actor,
            action="submitted_to_panel",
            case_ref=case.ref,
            detail={"document_chars": len(document)},
        )
        await uow.commit()
    deadline = ctx.timetable(case).panel_deadline
    margin = ctx.workdays.between(case.submitted_on, deadline)
    timing = (
        f"{margin} working day{'s' if margin != 1 else ''} before the deadline"
        if margin > 0
        else "on the deadline day"
        if margin == 0
        else f"{-margin} working days LATE"
    )
    await ctx.chat.post(
        channel=case.channel,
        text=f"{case.ref} submitted to the National Panel on {case.submitted_on:%a %d %b},"
        f" {timing} ({deadline:%a %d %b}).",
    )
    await ctx.chat.update_case_card(channel=case.channel, card=ctx.card(case))
    return document
