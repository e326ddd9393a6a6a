"""The request emails the bot sent are kept with the case, their ids filled in once the sent
copy is found; a return held for confirmation survives a round trip through the database."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.adapters.db.uow import SqlUnitOfWork
from bot.domain.cases import Case
from bot.domain.mail_trust import MailThread
from bot.domain.requests import ReturnKind
from bot.ports import SentMail

UowFactory = Callable[[], SqlUnitOfWork]
SENT = datetime(2026, 12, 21, 10, tzinfo=UTC)


def thread(n: int, *, case_ref: str = "LLR-RR-2026-001", hours: int = 0) -> MailThread:
    return MailThread(
        case_ref=case_ref,
        agency="gp",
        recipient="oli.danvers@gp.example.org",
        send_id=f"{n:032x}",
        sent_at=SENT + timedelta(hours=hours),
    )


async def test_threads_are_kept_and_learn_their_ids(uow_factory: UowFactory) -> None:
    async with uow_factory() as uow:
        for n, hours in ((1, 0), (2, 2), (3, 1)):
            await uow.mail_threads.add(thread(n, hours=hours))
        await uow.mail_threads.add(thread(4, case_ref="LLR-RR-2026-002"))
        await uow.commit()

    async with uow_factory() as uow:
        waiting = await uow.mail_threads.unresolved(sent_after=SENT + timedelta(hours=1), limit=5)
        assert [t.send_id for t in waiting] == [f"{2:032x}", f"{3:032x}"]  # newest first
        assert len(await uow.mail_threads.unresolved(sent_after=SENT, limit=2)) == 2
        await uow.mail_threads.resolve(f"{2:032x}", SentMail("<SENT2@outlook.example>", "conv-2"))
        await uow.commit()

    async with uow_factory() as uow:
        kept = await uow.mail_threads.of_case("LLR-RR-2026-001")
        unresolved = await uow.mail_threads.unresolved(sent_after=SENT, limit=10)
    assert [t.send_id for t in kept] == [f"{n:032x}" for n in (1, 2, 3)]
    assert kept[1].internet_message_id == "<SENT2@outlook.example>"
    assert kept[1].conversation_id == "conv-2"
    assert kept[1].sent_at == SENT + timedelta(hours=2) and kept[1].sent_at.tzinfo is not None
    assert f"{2:032x}" not in {t.send_id for t in unresolved}
    assert len(unresolved) == 3  # the other case's thread too


async def test_a_return_held_for_confirmation_comes_back(
    uow_factory: UowFactory, make_case: Callable[..., Case]
) -> None:
    case = make_case()
    agency, request = "police", case.requests["police"]  # open, chased twice
    request.hold_for_confirmation(ReturnKind.NIL, "Nil return")
    async with uow_factory() as uow:
        await uow.cases.add(case)
        await uow.commit()

    async with uow_factory() as uow:
        loaded = (await uow.cases.get(case.ref)).requests[agency]

    assert loaded.is_open and loaded.needs_confirmation
    assert (loaded.return_kind, loaded.summary) == (ReturnKind.NIL, "Nil return")
