"""What the papers show of a return: the reply template's answers once, never again as a
summary, and a return typed in words as those words."""

from __future__ import annotations

from datetime import date

from bot.documents.views import ReturnStatus
from bot.domain.returns import ChronologyEntry, Involvement, StructuredReturn
from bot.services.papers_view import agency_returns
from tests.support.world import LA_SPOC, OFFICER, World

TEMPLATE = StructuredReturn(
    involvement=Involvement.FULL,
    chronology=(ChronologyEntry(on=date(2026, 11, 2), what="Home visit (fictional)."),),
    analysis="Fictional analysis.",
)


async def test_a_template_is_shown_as_its_answers_not_again_as_a_summary(world: World) -> None:
    ref = await world.open_with_requests()
    await world.services.reply_with_structured_return(
        case_ref=ref, agency="la", structured=TEMPLATE, actor=LA_SPOC, files=("visits.pdf",)
    )
    await world.services.record_return(
        case_ref=ref, agency="police", kind=TEMPLATE.kind, summary="Typed words.", actor=OFFICER
    )
    case = world.store.cases[ref]
    shown = {r.agency.code: r for r in agency_returns(world.ctx, case, as_of=world.ctx.today())}

    assert shown["la"].status is ReturnStatus.RETURNED
    assert shown["la"].structured == TEMPLATE
    assert shown["la"].summary == "Files: visits.pdf"  # what came with the answers, only
    assert shown["police"].structured is None
    assert shown["police"].summary == "Typed words."
