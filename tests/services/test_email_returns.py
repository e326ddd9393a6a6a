"""Agencies outside chat (the GP practice) answer by email. A reply to the request the bot
emailed them, vouched for by the mail system, is recorded as their return; anything less (a
fresh email "from" the SPOC naming a guessable reference, a reply failing SPF/DMARC) is
recorded as received, to be confirmed by the business office, and stops nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from bot.domain.errors import NotAuthorised, NotFound
from bot.domain.mail_trust import MailThread
from bot.domain.requests import RequestState, ReturnKind
from bot.ports import ReceivedMail
from handlers.text_commands import TextCommands
from tests.support.logs import debug_log
from tests.support.world import CHAIR, GP_SPOC, LA_SPOC, OFFICER, World, local

GP_MANAGER = "pat.keane@gp.example.org"  # of the practice, but not its SPOC
GP_CHASES = "LLR-RR-2026-001:chase:gp"


def subject(ref: str) -> str:
    return f"RE: Rapid Review information request: {ref}"


def fresh(ref: str, sender: str, text: str, at: datetime, *files: str) -> ReceivedMail:
    """A new email, not a reply: anyone can write this with a forged From."""
    return ReceivedMail(
        message_id=f"m-{sender}-{at:%H%M}",
        sender=sender,
        subject=subject(ref),
        text=text,
        received_at=at,
        attachments=files,
    )


def gp_thread(world: World) -> MailThread:
    """The request email's thread (the receipt, once sent, is a second one)."""
    return next(t for t in world.store.mail_threads if t.agency == "gp")


def pending_chases(world: World) -> list[str]:
    return [
        a.key
        for a in world.store.actions.values()
        if a.key.startswith(GP_CHASES) and a.done_at is None
    ]


async def test_the_request_email_is_remembered_to_match_its_reply(world: World) -> None:
    ref = await world.open_with_requests()
    (request_mail,) = world.transcript.to(GP_SPOC, "email")
    assert request_mail.subject == f"Rapid Review information request: {ref}"
    thread = gp_thread(world)
    assert (thread.case_ref, thread.recipient, thread.internet_message_id) == (ref, GP_SPOC, None)
    # Agencies in chat got a direct message: no email, so no thread to remember.
    assert {t.agency for t in world.store.mail_threads} == {"gp"}


async def test_the_gps_reply_to_the_request_is_their_return(world: World) -> None:
    ref = await world.open_with_requests()
    world.mailbox.reply_to(
        gp_thread(world).send_id,
        sender=GP_SPOC,
        subject=subject(ref),
        text="Seen twice in 2026; summary attached.",
        at=local(date(2026, 12, 22), "14:05"),
        attachments=("gp.pdf",),
    )
    world.at(date(2026, 12, 22), "14:15")

    (outcome,) = await world.services.read_mailbox(since=local(date(2026, 12, 22), "14:00"))

    assert (outcome.recorded, outcome.reason) == (f"{ref} gp", "recorded")
    request = world.store.cases[ref].requests["gp"]
    assert (request.state, request.return_kind) == (RequestState.RETURNED, ReturnKind.FULL)
    assert request.summary == "Seen twice in 2026; summary attached.\nFiles: gp.pdf"
    assert not request.needs_confirmation
    assert pending_chases(world) == []  # the chase stops at the return
    receipt = world.transcript.to(GP_SPOC, "email")[-1]
    assert receipt.subject == f"Receipt: {ref}"  # outside chat, the receipt goes by email too
    # The thread learnt its Message-ID from the mailbox's sent copy.
    assert gp_thread(world).internet_message_id is not None


async def test_a_forged_fresh_email_from_the_spoc_does_not_stop_the_chase(world: World) -> None:
    ref = await world.open_with_requests()
    chases = pending_chases(world)
    assert chases
    at = local(date(2026, 12, 22), "09:30")
    world.mailbox.deliver(fresh(ref, GP_SPOC, "Nil return: not known to us.", at))
    world.at(date(2026, 12, 22), "10:00")

    (outcome,) = await world.services.read_mailbox(since=at)

    assert outcome.recorded is None and outcome.to_confirm
    assert outcome.reason == "it is not a reply to the request the bot emailed"
    request = world.store.cases[ref].requests["gp"]
    assert request.is_open and request.needs_confirmation
    assert request.return_kind is ReturnKind.NIL  # kept, waiting for the office
    assert pending_chases(world) == chases  # the ladder goes on
    assert [e.subject for e in world.transcript.to(GP_SPOC, "email")] == [
        f"Rapid Review information request: {ref}"
    ]  # no receipt: nothing was recorded as their return
    told = world.transcript.to(f"#{ref.lower()}", "channel")[-1].text
    assert told.startswith("@Chris Lindqvist @Bo Adeyemi @Casey Hart An email naming")
    assert "not a reply to the request the bot emailed" in told
    assert "to be confirmed by the business office" in told
    assert f"/rapidreview confirm {ref} gp" in told
    assert "Nil return" not in told and GP_SPOC not in told  # neither its words nor its sender
    assert "An emailed return to confirm" not in told


@pytest.mark.parametrize(
    ("authentication", "why"),
    [("fail", "failed the checks"), ("unknown", "nothing proves who sent it")],
)
async def test_a_reply_nothing_vouches_for_is_to_be_confirmed(
    world: World, authentication: str, why: str
) -> None:
    """A reply failing SPF or DMARC, or one no authentication result vouches for."""
    ref = await world.open_with_requests()
    world.mailbox.reply_to(
        gp_thread(world).send_id,
        sender=GP_SPOC,
        subject=subject(ref),
        text="Nil return",
        at=local(date(2026, 12, 22), "09:30"),
        authentication=authentication,
    )
    world.at(date(2026, 12, 22), "10:00")

    (outcome,) = await world.services.read_mailbox(since=local(date(2026, 12, 22), "09:00"))

    assert outcome.to_confirm and why in outcome.reason
    assert world.store.cases[ref].requests["gp"].is_open
    assert pending_chases(world)


async def test_the_same_doubtful_email_read_twice_is_announced_once(world: World) -> None:
    ref = await world.open_with_requests()
    at = local(date(2026, 12, 22), "09:30")
    world.mailbox.deliver(fresh(ref, GP_SPOC, "Nil return", at))
    world.at(date(2026, 12, 22), "10:00")
    await world.services.read_mailbox(since=at)
    posts = len(world.transcript.to(f"#{ref.lower()}", "channel"))

    (again,) = await world.services.read_mailbox(since=at)  # the readings overlap

    assert again.reason == "already waiting for the business office to confirm"
    assert len(world.transcript.to(f"#{ref.lower()}", "channel")) == posts


async def test_the_office_confirms_a_held_return_and_the_chase_stops(world: World) -> None:
    ref = await world.open_with_requests()
    at = local(date(2026, 12, 22), "09:30")
    world.mailbox.deliver(fresh(ref, GP_SPOC, "Nil return: not known to us.", at))
    world.at(date(2026, 12, 22), "10:00")
    await world.services.read_mailbox(since=at)
    console = TextCommands(world.services)
    status = await console.run(OFFICER, f"status {ref}")
    assert "an emailed return to confirm" in status

    reply = await console.run(OFFICER, "confirm gp", channel_case=ref)

    assert reply == "Confirmed: Riverside GP Practice's nil return (no involvement) is recorded."
    request = world.store.cases[ref].requests["gp"]
    assert (request.state, request.needs_confirmation) == (RequestState.RETURNED, False)
    assert pending_chases(world) == []
    assert world.transcript.to(GP_SPOC, "email")[-1].subject == f"Receipt: {ref}"
    again = await console.run(OFFICER, f"confirm {ref} gp")
    assert again.startswith("Sorry: The gp return was already recorded")


async def test_only_the_office_can_confirm_and_only_what_waits(world: World) -> None:
    ref = await world.open_with_requests()
    with pytest.raises(NotFound, match="No emailed return from gp is waiting"):
        await world.services.confirm_emailed_return(case_ref=ref, agency="gp", actor=CHAIR)
    with pytest.raises(NotFound, match="no information request to that agency"):
        await world.services.confirm_emailed_return(case_ref=ref, agency="zzz", actor=CHAIR)
    at = local(date(2026, 12, 22), "09:30")
    world.mailbox.deliver(fresh(ref, GP_SPOC, "Nil return", at))
    await world.services.read_mailbox(since=at)
    with pytest.raises(NotAuthorised, match="Only the business office, a chair"):
        await world.services.confirm_emailed_return(case_ref=ref, agency="gp", actor=LA_SPOC)
    reply = await TextCommands(world.services).run(OFFICER, f"confirm {ref}")
    assert reply.startswith("Sorry: Usage: /rapidreview confirm [case] <agency>")


async def test_mail_that_is_not_a_return_is_left_for_a_person(world: World) -> None:
    ref = await world.open_with_requests()
    at = local(date(2026, 12, 22), "09:30")
    world.mailbox.deliver(fresh(ref, GP_MANAGER, "Our SPOC is away.", at))
    world.mailbox.deliver(fresh("LLR-RR-2026-999", GP_SPOC, "Nil return", at))
    world.mailbox.deliver(ReceivedMail("m-3", GP_SPOC, "Question about training", "Hello", at))
    world.at(date(2026, 12, 22), "10:00")

    with debug_log() as logged:
        outcomes = await world.services.read_mailbox(since=at)

    assert [o.reason for o in outcomes] == [
        "the sender is not the SPOC of an agency asked on this case",
        "the reference in the subject is not a case",
        "no case reference in the subject",
    ]
    # Each line names the reference its subject gave, for whoever looks into it.
    lines = [line for line in logged.getvalue().splitlines() if "email_not_recorded" in line]
    assert [line.split("case_ref=")[1].split()[0] for line in lines] == [
        ref,
        "LLR-RR-2026-999",
        "None",
    ]
    request = world.store.cases[ref].requests["gp"]
    assert request.is_open and not request.needs_confirmation


async def test_a_second_reply_after_the_return_is_added_to_it_not_over_it(
    world: World,
) -> None:
    ref = await world.open_with_requests()
    send_id = gp_thread(world).send_id
    first, second = local(date(2026, 12, 22), "09:00"), local(date(2026, 12, 22), "11:00")
    for text, at in (("Nil return: not known to us.", first), ("Correction: one visit.", second)):
        world.mailbox.reply_to(send_id, sender=GP_SPOC, subject=subject(ref), text=text, at=at)
    world.at(date(2026, 12, 22), "12:00")

    outcomes = await world.services.read_mailbox(since=first)

    assert [(o.recorded, o.reason) for o in outcomes] == [
        (f"{ref} gp", "recorded"),
        (f"{ref} gp", "added to the return"),
    ]
    request = world.store.cases[ref].requests["gp"]
    assert (request.return_kind, request.summary) == (
        ReturnKind.NIL,
        "Nil return: not known to us.",
    )
    assert [(a.text, a.by) for a in request.additions] == [("Correction: one visit.", GP_SPOC)]
    receipts = [
        m.text for m in world.transcript.to(GP_SPOC, "email") if m.subject.startswith("Receipt")
    ]
    assert receipts == [
        f"Thank you: your nil return (no involvement) for {ref} was recorded on Tue 22 Dec.",
        f"Added to your nil return (no involvement) for {ref} (addition 1, Tue 22 Dec).",
    ]
    again = await world.services.read_mailbox(since=first)  # the readings overlap
    assert [o.reason for o in again] == [
        "already recorded (the mailbox is read with some overlap)"
    ] * 2


async def test_without_a_mailbox_reading_it_says_what_to_configure() -> None:
    from dataclasses import replace

    from bot.services.facade import Services

    world = World()
    services = Services(replace(world.ctx, mailbox=None))
    with pytest.raises(NotFound, match="No partnership mailbox is configured"):
        await services.read_mailbox(since=local(date(2026, 12, 22), "09:00"))


async def test_after_the_papers_an_emailed_addition_is_refused_once_in_plain_words(
    world: World,
) -> None:
    ref = await world.open_with_requests()
    send_id = gp_thread(world).send_id
    returned = local(date(2026, 12, 22), "09:00")
    world.mailbox.reply_to(send_id, sender=GP_SPOC, subject=subject(ref), text="Nil.", at=returned)
    world.at(date(2026, 12, 22), "09:10")
    await world.services.read_mailbox(since=returned)
    late = local(date(2027, 1, 7), "10:00")  # the papers went out on Wed 06 Jan (day 10)
    world.mailbox.reply_to(send_id, sender=GP_SPOC, subject=subject(ref), text="More.", at=late)
    world.at(date(2027, 1, 7), "10:10")

    (outcome,) = await world.services.read_mailbox(since=late)
    # The next reading overlaps the last: that mail was read (and answered) before it began.
    await world.services.read_mailbox(since=late, seen_before=late + timedelta(minutes=5))

    assert outcome.recorded is None and "closed to additions" in outcome.reason
    assert world.store.cases[ref].requests["gp"].additions == []
    refusals = [
        m.text for m in world.transcript.to(GP_SPOC, "email") if m.subject.startswith("Not")
    ]
    assert refusals == [
        f"The Riverside GP Practice return for {ref} is closed to additions: the papers for the"
        " meeting went out on Wed 06 Jan. Please send it to the business officer, Bo Adeyemi"
        f" ({OFFICER}) instead, who can bring it to the chair's attention."
    ]
