"""The Panel submission: a Markdown document holding the whole decision record."""

from __future__ import annotations

import re

from bot.domain.cases import Case
from bot.domain.errors import InvalidInput
from bot.services.context import ServiceContext
from bot.services.wording import plural


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def panel_document(ctx: ServiceContext, case: Case) -> str:
    record = case.decision
    if record is None:
        raise InvalidInput(f"{case.ref} has no decision recorded yet.")
    timetable = ctx.timetable(case)
    meeting = case.meeting
    criteria = ", ".join(c.value.replace("_", " ") for c in record.criteria_met) or "none"
    absent = (
        "\n".join(
            f"- {ctx.agency_name(a)}: {why}" for a, why in record.absent_agency_reasons.items()
        )
        or "- none"
    )
    returns = "\n".join(
        f"- {ctx.agency_name(r.agency)}: "
        + (
            f"{r.return_kind.label}, {r.returned_on:%d %b %Y}"
            + (f" ({plural(r.late_by, 'working day')} late)" if r.late_by else "")
            if r.return_kind and r.returned_on
            else "no return"
        )
        for r in case.requests.values()
    )
    held = f"{meeting.start.astimezone(ctx.zone):%A %d %B %Y}" if meeting else "not held"
    document = f"""# Rapid Review: {case.ref}

{ctx.playbook.name}. Submitted to the Child Safeguarding Practice Review Panel.

| | |
|---|---|
| Notified | {case.notified_on:%A %d %B %Y} |
| Meeting | {held} |
| Panel deadline | {timetable.panel_deadline:%A %d %B %Y} |
| Decision taken | {record.decided_on:%A %d %B %Y} |
| Decided by | {", ".join(ctx.name(p) for p in record.decided_by)} |

## Considered against the Working Together criteria
{_yes_no(record.considered_against_criteria)}. Criteria met: {criteria}.

## Immediate safeguarding arrangements for the children
{record.immediate_safeguarding}

## Summary of facts
{record.summary_of_facts}

## Decision: {record.outcome.label}
{record.outcome_reasons}

## National review recommended: {_yes_no(record.national_review_recommended)}
{record.national_review_reasons}

## Immediate learning, and how it will be shared
{record.immediate_learning}

{record.learning_shared_how}

## Potential for further learning
{record.further_learning_potential}

{
        ("## Why no further learning is expected" + chr(10) + record.no_further_learning_reasons)
        if record.no_further_learning_reasons
        else ""
    }

## Agencies that took part
{chr(10).join("- " + ctx.agency_name(a) for a in record.agencies_taking_part)}

Involved agencies that did not take part, and why:
{absent}

## Information returns
{returns}
"""
    return re.sub(r"\n{3,}", "\n\n", document)
