"""The reply template answered through the service: the agency's return (version 1), then
each further version until the papers go out; one receipt; the audit keeps the shape of the
return, never its words; the case card counts partial returns."""

from __future__ import annotations

from datetime import date

import pytest

from bot.domain.errors import DomainError, InvalidInput
from bot.domain.requests import ReturnClosed, ReturnKind
from bot.domain.returns import ChronologyEntry, StructuredReturn
from bot.services.delivery import Medium
from bot.services.replies import receipt
from tests.support.returns import NIL_RETURN, police_return
from tests.support.world import CHAIR, LA_SPOC, OFFICER, World


def channel(world: World) -> list[str]:
    return [d.text for d in world.transcript.items if d.kind == "channel"]


async def test_the_template_is_recorded_as_the_return_and_answered_once(world: World) -> None:
    ref = await world.open_with_requests()
    world.at(date(2027, 1, 5), "11:00")

    reply = await world.services.reply_with_structured_return(
        case_ref=ref, agency="la", structured=police_return(), actor=LA_SPOC
    )

    assert reply.recorded is not None and reply.recorded.version == 1
    assert reply.kind is ReturnKind.FULL
    request = world.store.cases[ref].requests["la"]
    assert not request.is_open and request.versions[0].by == LA_SPOC
    assert channel(world)[-1] == (
        "Children's Social Care returned a full information return. 4 returns outstanding."
    )
    assert receipt(world.ctx, reply, Medium.CHAT).startswith(
        f"Thank you: your full information return for {ref} was recorded on Tue 05 Jan."
    )
    assert not [
        a for a in world.store.actions.values() if ":chase:la:" in a.key and a.done_at is None
    ]


async def test_the_audit_keeps_the_shape_of_the_return_never_its_words(world: World) -> None:
    ref = await world.open_with_requests()
    world.at(date(2027, 1, 5), "11:00")
    content = police_return(partial=True, entries=3)

    await world.services.reply_with_structured_return(
        case_ref=ref, agency="la", structured=content, actor=LA_SPOC
    )
    await world.services.reply_with_structured_return(
        case_ref=ref, agency="la", structured=police_return(), actor=LA_SPOC
    )

    audited = [(a["action"], a["detail"]) for a in world.store.audit if "return" in a["action"]]
    assert audited == [
        (
            "return_recorded",
            {"agency": "la", "kind": "full", "late_by": 0, "version": 1, "entries": 3,
             "contacts": 1, "partial": True},
        ),
        (
            "return_version_recorded",
            {"agency": "la", "kind": "full", "late_by": 0, "version": 2, "entries": 2,
             "contacts": 1, "partial": False},
        ),
    ]  # fmt: skip
    assert "Call-out" not in repr(world.store.audit) and "STORM" not in repr(world.store.audit)


async def test_a_partial_return_is_completed_by_a_second_version(world: World) -> None:
    ref = await world.open_with_requests()
    world.at(date(2027, 1, 4), "11:00")
    first = await world.services.reply_with_structured_return(
        case_ref=ref, agency="la", structured=police_return(partial=True), actor=LA_SPOC
    )
    assert "more is to follow" in receipt(world.ctx, first, Medium.CHAT)
    assert channel(world)[-1].startswith(
        "Children's Social Care returned a full information return (more to follow)."
    )
    world.at(date(2027, 1, 5), "15:00")

    second = await world.services.reply_with_structured_return(
        case_ref=ref, agency="la", structured=police_return(entries=4), actor=LA_SPOC
    )

    assert second.recorded is not None and second.recorded.version == 2
    assert [v.number for v in world.store.cases[ref].requests["la"].versions] == [1, 2]
    assert receipt(world.ctx, second, Medium.CHAT).startswith(
        f"Thank you: version 2 of your full information return for {ref} was recorded on"
        " Tue 05 Jan, kept with the earlier ones."
    )
    assert channel(world)[-1] == (
        "Children's Social Care sent version 2 of its return: a full information return."
    )


async def test_the_case_card_counts_the_partial_returns(world: World) -> None:
    ref = await world.open_with_requests()
    world.at(date(2027, 1, 4), "11:00")
    await world.services.reply_with_structured_return(
        case_ref=ref, agency="la", structured=police_return(partial=True), actor=LA_SPOC
    )
    await world.services.record_return(
        case_ref=ref, agency="police", kind=ReturnKind.NIL, summary="", actor=OFFICER
    )

    status = await world.services.status(case_ref=ref, actor=CHAIR)
    assert world.ctx.card(status.case).lines[0] == "Returns: 2 of 5 received (1 partial)"

    await world.services.reply_with_structured_return(
        case_ref=ref, agency="la", structured=police_return(), actor=LA_SPOC
    )
    status = await world.services.status(case_ref=ref, actor=CHAIR)
    assert world.ctx.card(status.case).lines[0] == "Returns: 2 of 5 received"


async def test_after_the_papers_go_out_a_new_version_is_refused_and_nothing_changes(
    world: World,
) -> None:
    ref = await world.open_with_requests()
    world.at(date(2027, 1, 5), "11:00")
    await world.services.reply_with_structured_return(
        case_ref=ref, agency="la", structured=police_return(partial=True), actor=LA_SPOC
    )
    world.at(date(2027, 1, 7), "09:30")  # the papers went out on Wed 06 Jan (day 10)

    with pytest.raises(ReturnClosed, match="closed to additions: the papers for the meeting"):
        await world.services.reply_with_structured_return(
            case_ref=ref, agency="la", structured=police_return(), actor=LA_SPOC
        )
    assert len(world.store.cases[ref].requests["la"].versions) == 1


async def test_a_late_first_return_after_the_papers_is_still_recorded_with_its_lateness(
    world: World,
) -> None:
    ref = await world.open_with_requests()
    world.at(date(2027, 1, 7), "09:30")

    reply = await world.services.reply_with_structured_return(
        case_ref=ref, agency="la", structured=NIL_RETURN, actor=LA_SPOC
    )

    assert reply.recorded is not None
    assert (reply.kind, reply.recorded.late_by) == (ReturnKind.NIL, 1)


async def test_chronology_dated_after_today_is_refused_naming_the_entries(world: World) -> None:
    ref = await world.open_with_requests()
    world.at(date(2027, 1, 5), "11:00")
    future = ChronologyEntry(on=date(2027, 1, 6), what="Strategy meeting planned.")
    content = StructuredReturn.model_validate(
        police_return().model_dump() | {"chronology": (*police_return().chronology, future)}
    )

    with pytest.raises(InvalidInput) as refused:
        await world.services.reply_with_structured_return(
            case_ref=ref, agency="la", structured=content, actor=LA_SPOC
        )

    assert str(refused.value) == (
        "Chronology entry 3 is dated after today (05 Jan 2027): a chronology records what"
        " has happened."
    )
    assert world.store.cases[ref].requests["la"].is_open


async def test_only_that_agencys_spoc_or_the_office_may_send_its_template(world: World) -> None:
    ref = await world.open_with_requests()
    world.at(date(2027, 1, 5), "11:00")
    with pytest.raises(DomainError, match="Only a business officer or chair"):
        await world.services.reply_with_structured_return(
            case_ref=ref, agency="police", structured=police_return(), actor=LA_SPOC
        )
    assert world.store.cases[ref].requests["police"].is_open


async def test_the_template_after_a_typed_return_is_kept_as_its_first_version(
    world: World,
) -> None:
    ref = await world.open_with_requests()
    world.at(date(2027, 1, 5), "11:00")
    await world.services.reply_to_request(
        case_ref=ref, agency="la", text="Known to early help; template to follow.", actor=LA_SPOC
    )

    reply = await world.services.reply_with_structured_return(
        case_ref=ref, agency="la", structured=police_return(), actor=LA_SPOC
    )

    assert reply.recorded is not None
    assert (reply.recorded.version, reply.recorded.first) == (1, False)
    request = world.store.cases[ref].requests["la"]
    assert request.summary == "Known to early help; template to follow."  # typed words kept
    assert [a["action"] for a in world.store.audit if "return" in a["action"]] == [
        "return_recorded",
        "return_version_recorded",
    ]
    assert channel(world)[-1] == (
        "Children's Social Care sent version 1 of its return: a full information return."
    )
