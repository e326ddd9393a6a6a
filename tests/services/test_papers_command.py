"""`/rapidreview papers`: the office asks for the pack as it is now; it is posted in the case
channel (a draft until version 1 has gone out), or emailed to the asker where the chat cannot
hold a file. Everyone else gets an answer of their own."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.adapters.console.chat import ConsoleChat
from bot.domain.requests import ReturnKind
from bot.domain.stages import Track
from bot.ports import Attachment
from bot.services.facade import Services
from handlers.text_commands import TextCommands
from schedules.runner import run_due
from tests.support.world import CHAIR, OFFICER, World

POLICE_SPOC = "ira.castell@police.example.org"
NOT_ON_THE_CASE = "sam.ellery@probation.example.org"


class ChatWithoutFiles(ConsoleChat):
    """A Teams group chat: the bot cannot put a file in it."""

    async def post_file(self, *, channel: str, document: Attachment, text: str) -> str | None:
        return None


async def test_before_the_papers_day_the_chair_gets_a_draft_in_the_case_channel(
    world: World,
) -> None:
    ref = await world.open_with_requests()
    answer = await TextCommands(world.services).run(CHAIR, f"papers {ref}")

    draft = f"{ref}_combined-summary_v1_draft.docx"
    assert answer == f"Posted {draft} in the case channel."
    (posted,) = world.transcript.to(f"#{ref.lower()}", "file")
    assert posted.subject == draft
    assert posted.text == (
        f"The meeting papers for {ref}, a draft of version 1, as asked for by Chris Lindqvist."
    )
    (audited,) = [a for a in world.store.audit if a["action"] == "papers_shown"]
    assert audited["actor"] == CHAIR
    assert audited["detail"]["name"] == draft
    assert len(audited["detail"]["sha256"]) == 64
    assert world.store.cases[ref].papers == []  # asking sends nothing as a version


async def test_after_version_1_unchanged_the_pack_is_version_1_as_sent(world: World) -> None:
    ref = await world.open_with_requests()
    for agency in ("la", "police", "icb", "gp", "school"):
        await world.services.record_return(
            case_ref=ref, agency=agency, kind=ReturnKind.NIL, summary="", actor=OFFICER
        )
    world.at(date(2027, 1, 6), "15:00")
    await run_due(world.services, worker="w")
    world.at(date(2027, 1, 6), "16:00")

    answer = await TextCommands(world.services).run(OFFICER, f"papers {ref}")

    assert answer == f"Posted {ref}_combined-summary_v1.docx in the case channel."
    _, shown = world.transcript.to(f"#{ref.lower()}", "file")
    assert "version 1 (as sent)" in shown.text
    (audited,) = [a for a in world.store.audit if a["action"] == "papers_shown"]
    assert audited["detail"]["sha256"] == world.store.cases[ref].papers[0].documents[0][1]


async def test_where_the_chat_cannot_hold_a_file_the_asker_is_emailed(world: World) -> None:
    ref = await world.open_with_requests()
    chat = ChatWithoutFiles(world.directory, world.transcript)
    commands = TextCommands(Services(replace(world.ctx, chat=chat)))

    answer = await commands.run(CHAIR, f"papers {ref}")

    assert (
        answer
        == f"Emailed {ref}_combined-summary_v1_draft.docx to you: this chat cannot hold files."
    )
    (mail,) = [i for i in world.transcript.to(CHAIR, "email") if i.files]
    assert mail.subject == f"Rapid Review meeting papers: {ref}"
    assert mail.files[0].name == f"{ref}_combined-summary_v1_draft.docx"


async def test_each_refusal_has_its_own_answer(world: World) -> None:
    ref = await world.open_with_requests()
    referral = await world.open(
        track=Track.REFERRAL, notified_on=date(2026, 11, 30), external_ref="LA-0002"
    )
    commands = TextCommands(world.services)

    assert await commands.run(POLICE_SPOC, f"papers {ref}") == (
        "Sorry: Only a business officer or chair or partnership manager can ask for the"
        " meeting papers; you hold: Constabulary spoc."
    )
    assert await commands.run(NOT_ON_THE_CASE, f"papers {ref}") == (
        f"Sorry: No case {ref} that you are on."
    )
    assert await commands.run(CHAIR, "papers LLR-RR-2026-999") == (
        "Sorry: No case with reference LLR-RR-2026-999."
    )
    assert await commands.run(CHAIR, f"papers {referral}") == (
        f"Sorry: {referral} is a referral: it has no meeting papers."
    )
    assert world.transcript.to(f"#{ref.lower()}", "file") == []
