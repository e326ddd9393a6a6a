"""`rrbot purge`: erase the cases whose retention has run out, leaving an audit tombstone.

The audit log is kept whole. Its rows are append-only (database triggers) and each row's hash
covers its content and its predecessor's hash, so erasing or blanking a row would break the
chain for every row after it, which is exactly what `rrbot audit verify` exists to catch. The
case's audit lines hold no child or family name: their details are actions, agency codes,
professionals' work emails, document names (the reference) and hashes, and the one free text
(a meeting's cancellation reason) passes the sensitivity guard that refuses the subject's
names. So they stay, as the proof of what was done and when, and one more row, the tombstone
`case_erased`, says when the record went, who erased it, under which retention rule and how
many rows left each table. The chain still verifies after a purge, because nothing in it
changed: a row was added.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from bot import playbooks
from bot.adapters.db.models import AuditRow, CaseRow
from bot.adapters.db.purge import erase_case_rows, sql_session
from bot.domain.cases import parse_ref
from bot.domain.errors import InvalidInput
from bot.domain.retention import Erasure, Retention, may_erase
from bot.services.context import ServiceContext


@dataclass(frozen=True, slots=True)
class Erased:
    ref: str
    rows: dict[str, int]  # table -> rows deleted


def _retention(key: str, seen: dict[str, Retention]) -> Retention:
    if key not in seen:
        seen[key] = playbooks.load(key).retention
    return seen[key]


async def plan_purge(
    ctx: ServiceContext, *, closed_before: date, refs: Sequence[str] = ()
) -> list[Erasure]:
    """What may go and what may not (and why): every case closed before `closed_before`, or
    the cases named in `refs` (an open one among them is refused, saying so)."""
    today = ctx.today()
    if closed_before > today:
        raise InvalidInput(
            f"--closed-before {closed_before} is in the future (today is {today}): a case"
            " cannot have closed then."
        )
    wanted = [parse_ref(r) for r in refs]
    query = select(CaseRow.ref, CaseRow.playbook, CaseRow.closed_on).order_by(CaseRow.ref)
    query = (
        query.where(CaseRow.ref.in_(wanted))
        if wanted
        else query.where(CaseRow.closed_on < closed_before)
    )
    async with ctx.uow() as uow:
        found = {row.ref: row for row in await sql_session(uow).execute(query)}
    unknown = [r for r in wanted if r not in found]
    if unknown:
        raise InvalidInput(f"No case {', '.join(unknown)}.")
    rules: dict[str, Retention] = {}
    return [
        may_erase(
            row.ref,
            closed_on=row.closed_on,
            retention=_retention(row.playbook, rules),
            today=today,
            closed_before=closed_before,
        )
        for row in found.values()
    ]


async def erase(ctx: ServiceContext, erasure: Erasure, *, by: str) -> Erased:
    """Delete one case's rows and append its tombstone, in one transaction."""
    if not erasure.allowed:
        raise InvalidInput(f"{erasure.ref} may not be erased: {erasure.reason}.")
    async with ctx.uow() as uow:
        session = sql_session(uow)
        closed_on = await session.scalar(
            select(CaseRow.closed_on).where(CaseRow.ref == erasure.ref)
        )
        if closed_on is None:  # reopened or erased since the plan was made
            raise InvalidInput(f"{erasure.ref} is no longer a closed case; nothing was erased.")
        kept = await session.scalar(
            select(AuditRow.seq)
            .where(AuditRow.case_ref == erasure.ref)
            .order_by(AuditRow.seq.desc())
            .limit(1)
        )
        rows = await erase_case_rows(session, erasure.ref)
        await ctx.audit(
            uow,
            actor=by,
            action="case_erased",
            case_ref=erasure.ref,
            detail={"why": erasure.reason, "rows": rows, "last_audit_seq_before": kept},
        )
        await uow.commit()
    return Erased(erasure.ref, rows)
