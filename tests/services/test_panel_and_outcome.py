"""After the decision: the Panel gets the Combined Summary for the National Panel and its
covering letter as Word documents that hold the decision record; then each involved agency
and the referrer is told the outcome once, in chat or by email, without a name."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

from docx import Document

from bot.services.decisions import parse_decision
from bot.services.facade import Services
from schedules.runner import run_due
from tests.services.test_decision_and_submission import decision_fields, held
from tests.support.world import CHAIR, GP_SPOC, LA_SPOC, OFFICER, World

PANEL = "panel@nationalpanel.example.org"
POLICE_SPOC = "ira.castell@police.example.org"
HOSPITAL_SPOC = "max.idowu@hospital.example.org"  # the referrer, not itself involved
ICB_SPOC = "lee.marsh@icb.example.org"
SCHOOL_SPOC = "quinn.abara@school.example.org"


def text_of(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


async def submitted(referred_by: str | None = "hospital") -> tuple[World, str]:
    world = World()
    world.ctx = replace(world.ctx, panel_email=PANEL)
    world.services = Services(world.ctx)
    ref = await held(world)
    world.store.cases[ref].referred_by = referred_by
    await world.services.record_decision(
        case_ref=ref, record=parse_decision(decision_fields()), actor=CHAIR
    )
    world.at(date(2027, 1, 8), "10:00")
    await world.services.ratify(case_ref=ref, actor=CHAIR)
    await world.services.submit_to_panel(case_ref=ref, actor=OFFICER)
    world.at(date(2027, 1, 8), "10:01")
    await run_due(world.services, worker="test")
    await run_due(world.services, worker="test")  # once, however often the outbox runs
    return world, ref


async def test_the_panel_gets_the_submission_and_its_covering_letter_as_word() -> None:
    world, ref = await submitted()

    (sent,) = world.transcript.to(PANEL, "email")
    assert sent.subject == f"Rapid Review decision: {ref}"  # the reference, never a name
    submission, letter = sent.files
    assert submission.name == f"{ref}_panel-submission.docx"
    assert letter.name == f"{ref}_covering-letter.docx"
    assert sum(len(f.content) for f in sent.files) < 3 * 1024 * 1024
    record = world.store.cases[ref].decision
    assert record is not None
    body = text_of(submission.content)
    for field in (
        record.immediate_safeguarding,
        record.summary_of_facts,
        record.outcome_reasons,
        record.national_review_reasons,
        record.immediate_learning,
        record.learning_shared_how,
        record.further_learning_potential,
        record.outcome.label,
    ):
        assert field in body, field
    assert "Chris Lindqvist" in body  # who took part in the decision
    assert ref in text_of(letter.content)
    (audited,) = [a for a in world.store.audit if a["action"] == "panel_emailed"]
    assert [d["name"] for d in audited["detail"]["documents"]] == [submission.name, letter.name]
    assert all(len(d["sha256"]) == 64 for d in audited["detail"]["documents"])
    (recorded,) = [a for a in world.store.audit if a["action"] == "submitted_to_panel"]
    assert recorded["detail"]["documents"] == audited["detail"]["documents"]  # same bytes


async def test_each_agency_and_the_referrer_is_told_the_outcome_once() -> None:
    world, ref = await submitted()

    def told(email: str) -> list[str]:
        return [
            i.text
            for i in world.transcript.items
            if i.to == email and "the outcome" in i.text and i.kind in ("dm", "email")
        ]

    for spoc in (LA_SPOC, POLICE_SPOC, ICB_SPOC, SCHOOL_SPOC, HOSPITAL_SPOC):
        (letter,) = told(spoc)
        assert "Commission a Local Child Safeguarding Practice Review" in letter
        assert "A national review by the Panel was not recommended." in letter
    (gp,) = [i for i in world.transcript.to(GP_SPOC, "email") if "the outcome" in i.text]
    assert gp.subject == f"Rapid Review outcome: {ref}"  # the GP is outside the chat
    assert "Thank you for making the referral." in told(HOSPITAL_SPOC)[0]
    assert "making the referral" not in told(POLICE_SPOC)[0]
    case = world.store.cases[ref]
    assert case.outcome_told_on == date(2027, 1, 8)
    assert "Outcome told to 5 agencies and the referrer on Fri 08 Jan" in world.ctx.card(case).lines
    for item in world.transcript.items:
        for word in ("Jamie", "Fictitious", "Testperson"):
            assert word not in item.text and word not in item.subject
            assert all(word not in f.name for f in item.files)


async def test_a_referrer_that_is_also_involved_is_told_once() -> None:
    world, ref = await submitted(referred_by="police")
    letters = [i for i in world.transcript.items if i.to == POLICE_SPOC and "the outcome" in i.text]
    assert len(letters) == 1
    assert "Thank you for making the referral." in letters[0].text
    case = world.store.cases[ref]
    assert "Outcome told to 5 agencies on Fri 08 Jan" in world.ctx.card(case).lines


async def test_closing_at_once_after_submitting_still_tells_the_panel_and_the_agencies() -> None:
    """Closing drops what no longer matters (chases, reminders), not what the submission set
    going: the Panel's documents and the outcome letters still go."""
    world = World()
    world.ctx = replace(world.ctx, panel_email=PANEL)
    world.services = Services(world.ctx)
    ref = await held(world)
    await world.services.record_decision(
        case_ref=ref, record=parse_decision(decision_fields()), actor=CHAIR
    )
    world.at(date(2027, 1, 8), "10:00")
    await world.services.ratify(case_ref=ref, actor=CHAIR)
    await world.services.submit_to_panel(case_ref=ref, actor=OFFICER)
    await world.services.close_case(case_ref=ref, actor=OFFICER)  # before the outbox runs
    world.at(date(2027, 1, 8), "10:01")
    await run_due(world.services, worker="test")

    assert len(world.transcript.to(PANEL, "email")) == 1
    (letter,) = [i for i in world.transcript.to(LA_SPOC) if "the outcome" in i.text]
    assert "Commission a Local Child Safeguarding Practice Review" in letter.text
    assert world.store.cases[ref].outcome_told_on == date(2027, 1, 8)
