"""Agencies outside chat (the GP practice) answer by email: a reply to the request, found
by the case reference in its subject and its sender, is recorded as their return."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.domain.errors import NotFound
from bot.domain.requests import RequestState, ReturnKind
from bot.ports import ReceivedMail
from tests.support.world import World, local

GP_SPOC = "oli.danvers@gp.example.org"
GP_MANAGER = "pat.keane@gp.example.org"  # of the practice, but not its SPOC


def reply(ref: str, sender: str, text: str, at: datetime, *files: str) -> ReceivedMail:
    return ReceivedMail(
        message_id=f"m-{sender}-{at:%H%M}",
        sender=sender,
        subject=f"RE: Rapid Review information request: {ref}",
        text=text,
        received_at=at,
        attachments=files,
    )


async def test_the_gp_replies_by_email_and_the_reply_is_their_return(world: World) -> None:
    ref = await world.open_with_requests()
    (request_mail,) = world.transcript.to(GP_SPOC, "email")
    assert request_mail.subject == f"Rapid Review information request: {ref}"
    sent = local(date(2026, 12, 22), "14:05")
    world.mailbox.deliver(
        reply(ref, GP_SPOC, "Seen twice in 2026; summary attached.", sent, "gp.pdf")
    )
    world.at(date(2026, 12, 22), "14:15")

    (outcome,) = await world.services.read_mailbox(since=local(date(2026, 12, 22), "14:00"))

    assert (outcome.recorded, outcome.reason) == (f"{ref} gp", "recorded")
    request = world.store.cases[ref].requests["gp"]
    assert (request.state, request.return_kind) == (RequestState.RETURNED, ReturnKind.FULL)
    assert request.summary == "Seen twice in 2026; summary attached.\nFiles: gp.pdf"
    receipt = world.transcript.to(GP_SPOC, "email")[-1]
    assert receipt.subject == f"Receipt: {ref}"  # outside chat, the receipt goes by email too


async def test_mail_that_is_not_a_return_is_left_for_a_person(world: World) -> None:
    ref = await world.open_with_requests()
    at = local(date(2026, 12, 22), "09:30")
    world.mailbox.deliver(reply(ref, GP_MANAGER, "Our SPOC is away.", at))
    world.mailbox.deliver(reply("LLR-RR-2026-999", GP_SPOC, "Nil return", at))
    world.mailbox.deliver(ReceivedMail("m-3", GP_SPOC, "Question about training", "Hello", at))
    world.at(date(2026, 12, 22), "10:00")

    outcomes = await world.services.read_mailbox(since=at)

    assert [o.reason for o in outcomes] == [
        "the sender is not the SPOC of an agency with an open request",
        "the reference in the subject is not a case",
        "no case reference in the subject",
    ]
    assert world.store.cases[ref].requests["gp"].is_open


async def test_a_second_reply_after_the_return_does_not_overwrite_it(world: World) -> None:
    ref = await world.open_with_requests()
    first, second = local(date(2026, 12, 22), "09:00"), local(date(2026, 12, 22), "11:00")
    world.mailbox.deliver(reply(ref, GP_SPOC, "Nil return: not known to us.", first))
    world.mailbox.deliver(reply(ref, GP_SPOC, "Correction: one visit in 2025.", second))
    world.at(date(2026, 12, 22), "12:00")

    outcomes = await world.services.read_mailbox(since=first)

    assert [o.recorded for o in outcomes] == [f"{ref} gp", None]
    assert world.store.cases[ref].requests["gp"].return_kind is ReturnKind.NIL


async def test_without_a_mailbox_reading_it_says_what_to_configure() -> None:
    from dataclasses import replace

    from bot.services.facade import Services

    world = World()
    services = Services(replace(world.ctx, mailbox=None))
    with pytest.raises(NotFound, match="No partnership mailbox is configured"):
        await services.read_mailbox(since=local(date(2026, 12, 22), "09:00"))
