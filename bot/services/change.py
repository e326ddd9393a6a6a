"""The one shape of every change to a case: load, authorise, change, save, audit, commit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

from bot.domain.authorisation import Operation, authorise, unknown_case
from bot.domain.cases import Case, parse_ref
from bot.domain.errors import NotFound
from bot.ports import UnitOfWork
from bot.services.context import ServiceContext


@dataclass
class CaseChange:
    uow: UnitOfWork
    case: Case
    events: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    discarded: bool = False

    def record(self, action: str, **detail: Any) -> None:
        """An audit line, written in the same transaction as the change."""
        self.events.append((action, detail))

    def discard(self) -> None:
        """Nothing to save after all (e.g. a chase that no longer matters)."""
        self.discarded = True


@contextmanager
def unknown_case_hidden(ctx: ServiceContext, actor: str, ref: str) -> Iterator[None]:
    """A reference with no case is answered as one the actor is not on (`unknown_case`)."""
    try:
        yield
    except NotFound as err:
        raise unknown_case(ctx.directory, actor, ref, err) from None


async def read_case(
    ctx: ServiceContext,
    case_ref: str,
    *,
    actor: str,
    operation: Operation,
    agency: str | None = None,
) -> Case:
    """A case to look at (or to check before an outside call), for someone allowed to."""
    ref = parse_ref(case_ref)
    async with ctx.uow() as uow:
        with unknown_case_hidden(ctx, actor, ref):
            case = await uow.cases.get(ref)
    authorise(ctx.directory, actor, operation, case, agency=agency)
    return case


@asynccontextmanager
async def change_case(
    ctx: ServiceContext,
    case_ref: str,
    *,
    actor: str,
    operation: Operation,
    agency: str | None = None,
) -> AsyncIterator[CaseChange]:
    ref = parse_ref(case_ref)
    async with ctx.uow() as uow:
        with unknown_case_hidden(ctx, actor, ref):
            case = await uow.cases.get(ref)
        authorise(ctx.directory, actor, operation, case, agency=agency)
        change = CaseChange(uow, case)
        yield change
        if change.discarded:
            return
        await uow.cases.save(case)
        for action, detail in change.events:
            await ctx.audit(uow, actor=actor, action=action, case_ref=case.ref, detail=detail)
        await uow.commit()


async def announce(ctx: ServiceContext, case: Case, text: str) -> None:
    """Tell the case channel, and keep its pinned card and topic in step."""
    await ctx.chat.post(channel=case.channel, text=text)
    await show_case(ctx, case)


async def show_case(ctx: ServiceContext, case: Case) -> None:
    """The pinned card and the channel topic as the case is now. Chat changes each only when
    its text changes (a topic set in Slack posts a line in the channel)."""
    await ctx.chat.update_case_card(channel=case.channel, card=ctx.card(case))
    await ctx.chat.set_topic(channel=case.channel, topic=ctx.topic(case))
