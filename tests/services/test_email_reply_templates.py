"""Agencies outside chat get the Word reply template with their request email, and a reply
bringing it back filled in is recorded as their structured return. A template that cannot be
read is refused with a clear answer to the sender, and nothing is lost: nothing recorded, the
mail left in the mailbox, the request open and still chased."""

from __future__ import annotations

import io
from datetime import date

from docx import Document

from bot.documents import AgencyName, reply_template
from bot.domain.requests import RequestState, ReturnKind
from bot.domain.returns import ChronologyEntry, Involvement
from bot.ports import WORD_CONTENT_TYPE, Attachment
from tests.support.documents_samples import filled_template
from tests.support.logs import debug_log
from tests.support.world import GP_SPOC, LA_SPOC, World, local

TEMPLATE = "LLR-RR-2026-001_reply-template_gp.docx"
ANSWERS = {
    "Involvement": "limited",
    "Records secured": "yes",
    "Your analysis": "Two appointments; both attended.",
    "More to follow": "no",
}


def request_template(world: World) -> bytes:
    (request_mail,) = world.transcript.to(GP_SPOC, "email")
    (attached,) = request_mail.files
    return attached.content


def reply_with(world: World, *files: Attachment, text: str = "Template attached.") -> None:
    thread = next(t for t in world.store.mail_threads if t.agency == "gp")
    world.mailbox.reply_to(
        thread.send_id,
        sender=GP_SPOC,
        subject="RE: Rapid Review information request: LLR-RR-2026-001",
        text=text,
        at=local(date(2026, 12, 22), "14:05"),
        files=files,
    )
    world.at(date(2026, 12, 22), "14:15")


def word(content: bytes, name: str = TEMPLATE) -> Attachment:
    return Attachment(name, content, WORD_CONTENT_TYPE)


def gp_chases(world: World) -> list[str]:
    return [
        a.key
        for a in world.store.actions.values()
        if a.key.startswith("LLR-RR-2026-001:chase:gp") and a.done_at is None
    ]


async def test_the_request_email_carries_the_reply_template_and_says_how_to_use_it(
    world: World,
) -> None:
    ref = await world.open_with_requests()
    (request_mail,) = world.transcript.to(GP_SPOC, "email")
    (attached,) = request_mail.files
    assert (attached.name, attached.content_type) == (TEMPLATE, WORD_CONTENT_TYPE)
    assert "Fill in the attached reply template (a Word document)" in request_mail.text
    texts = [p.text for p in Document(io.BytesIO(attached.content)).paragraphs]
    assert f"Rapid Review {ref}, for Riverside GP Practice." in texts
    assert "Jamie" not in "\n".join(texts)  # the template goes out before any papers
    # Agencies in chat answer with the form: their message carries no file.
    assert all(not m.files for m in world.transcript.to(LA_SPOC, "dm"))


async def test_a_template_returned_filled_in_is_recorded_as_the_structured_return(
    world: World,
) -> None:
    ref = await world.open_with_requests()
    filled = filled_template(
        request_template(world), ANSWERS, [("14/12/2026", "", "Seen by GP", "GP", "EMIS")]
    )
    reply_with(world, word(filled))

    (outcome,) = await world.services.read_mailbox(since=local(date(2026, 12, 22), "14:00"))

    assert (outcome.recorded, outcome.reason) == (f"{ref} gp", "recorded")
    request = world.store.cases[ref].requests["gp"]
    assert request.state is RequestState.RETURNED
    assert request.return_kind is ReturnKind.FACTUAL_SUMMARY
    assert request.latest is not None
    content = request.latest.content
    assert content.involvement is Involvement.LIMITED and content.records_secured is True
    assert content.chronology == (
        ChronologyEntry(on=date(2026, 12, 14), what="Seen by GP", who="GP", source="EMIS"),
    )
    assert gp_chases(world) == []
    receipt = world.transcript.to(GP_SPOC, "email")[-1]
    assert receipt.subject == f"Receipt: {ref}"

    # The next reading overlaps this one: the same mail is not recorded twice.
    again = await world.services.read_mailbox(since=local(date(2026, 12, 22), "14:00"))
    assert [o.recorded for o in again] == [None]
    assert len(world.store.cases[ref].requests["gp"].versions) == 1


async def test_a_malformed_template_is_refused_and_nothing_is_lost(world: World) -> None:
    ref = await world.open_with_requests()
    chases = gp_chases(world)
    bad = filled_template(
        request_template(world),
        ANSWERS,
        [("14/12/2026", "", "Seen by GP"), ("31/02/2026", "", "Phoned mother")],
    )
    reply_with(world, word(bad))
    since = local(date(2026, 12, 22), "14:00")

    with debug_log() as logged:
        (outcome,) = await world.services.read_mailbox(since=since)

    assert outcome.recorded is None
    assert outcome.reason == "the reply template attached could not be read"
    request = world.store.cases[ref].requests["gp"]
    assert request.is_open and not request.needs_confirmation and request.versions == []
    assert gp_chases(world) == chases  # still chased
    assert len(world.mailbox.received) == 1  # the mail stays where it is
    refusal = world.transcript.to(GP_SPOC, "email")[-1]
    assert refusal.subject == f"Not recorded: {ref}"
    assert "Row 2 of the chronology: '31/02/2026' is not a date" in refusal.text
    assert "the request stays open" in refusal.text
    log = logged.getvalue()
    assert "email_not_recorded" in log and ref in log  # the line is there, by reference only
    for private in (GP_SPOC, TEMPLATE, "RE: Rapid Review", "31/02/2026"):
        assert private not in log

    # The next, overlapping reading does not refuse the same mail twice.
    await world.services.read_mailbox(since=since, seen_before=local(date(2026, 12, 22), "14:10"))
    subjects = [m.subject for m in world.transcript.to(GP_SPOC, "email")]
    assert subjects.count(f"Not recorded: {ref}") == 1


async def test_the_childs_name_quoted_back_from_a_cell_is_redacted(world: World) -> None:
    ref = await world.open_with_requests()
    bad = filled_template(request_template(world), ANSWERS, [("Jamie Fictitious", "", "Seen")])
    reply_with(world, word(bad))

    await world.services.read_mailbox(since=local(date(2026, 12, 22), "14:00"))

    refusal = world.transcript.to(GP_SPOC, "email")[-1]
    assert refusal.subject == f"Not recorded: {ref}"
    assert "is not a date" in refusal.text and "Jamie" not in refusal.text


async def test_the_template_for_another_agency_is_refused(world: World) -> None:
    ref = await world.open_with_requests()
    wrong = filled_template(  # the police's template, sent back by the GP practice
        reply_template(
            ref=ref,
            partnership="Partnership",
            agency=AgencyName("police", "Police"),
            due=date(2026, 12, 31),
            made_on=date(2026, 12, 21),
        ),
        ANSWERS,
        [],
    )
    reply_with(world, word(wrong))

    (outcome,) = await world.services.read_mailbox(since=local(date(2026, 12, 22), "14:00"))

    assert outcome.recorded is None
    assert "is for another agency, not gp" in world.transcript.to(GP_SPOC, "email")[-1].text
    assert world.store.cases[ref].requests["gp"].is_open


async def test_a_word_document_that_is_not_the_template_is_an_ordinary_attachment(
    world: World,
) -> None:
    ref = await world.open_with_requests()
    own = Document()
    own.add_paragraph("Our practice's own report.")
    out = io.BytesIO()
    own.save(out)
    reply_with(world, word(out.getvalue(), "gp-report.docx"), text="Seen twice; report attached.")

    (outcome,) = await world.services.read_mailbox(since=local(date(2026, 12, 22), "14:00"))

    assert outcome.reason == "recorded"
    request = world.store.cases[ref].requests["gp"]
    assert request.summary == "Seen twice; report attached.\nFiles: gp-report.docx"
    assert request.versions == []


async def test_a_template_the_service_refuses_is_answered_with_the_reason(world: World) -> None:
    ref = await world.open_with_requests()
    ahead = filled_template(request_template(world), ANSWERS, [("30/12/2026", "", "Booked visit")])
    reply_with(world, word(ahead))

    (outcome,) = await world.services.read_mailbox(since=local(date(2026, 12, 22), "14:00"))

    assert outcome.recorded is None and world.store.cases[ref].requests["gp"].is_open
    refusal = world.transcript.to(GP_SPOC, "email")[-1]
    assert refusal.subject == f"Not recorded: {ref}"
    assert "dated after today" in refusal.text
