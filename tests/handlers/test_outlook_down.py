"""Typed at the console while Outlook is down: the answer says what did not happen and that
it is the person's to try again; nothing claims it will be tried again later."""

from __future__ import annotations

from typing import Any

import pytest

from bot.domain.errors import Unavailable
from handlers.text_commands import TextCommands
from tests.support.world import CHAIR, World

AGAIN = "Nothing will try it again by itself; try again in a minute."


def outlook_down(world: World, monkeypatch: pytest.MonkeyPatch, call: str, what: str) -> None:
    async def refused(**_: Any) -> None:
        raise Unavailable(f"Microsoft Graph answered 503 (ServiceUnavailable) to {what}.")

    monkeypatch.setattr(world.calendar, call, refused)


async def test_book_move_and_cancel_say_what_did_not_happen(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = await world.open_with_requests()
    console = TextCommands(world.services)
    await console.run(CHAIR, f"schedule {ref}")
    with monkeypatch.context() as down:
        outlook_down(world, down, "create_event", "booking the meeting")
        assert await console.run(CHAIR, f"book {ref} 1") == (
            f"Sorry: The {ref} meeting was not booked: Outlook did not answer (Microsoft Graph"
            f" answered 503 (ServiceUnavailable) to booking the meeting). {AGAIN}"
        )
    assert (await console.run(CHAIR, f"book {ref} 1")).startswith("Booked:")

    outlook_down(world, monkeypatch, "move_event", "moving the meeting")
    outlook_down(world, monkeypatch, "cancel_event", "cancelling the meeting")
    assert await console.run(CHAIR, f"move {ref} 2") == (
        f"Sorry: The {ref} meeting was not moved: Outlook did not answer (Microsoft Graph"
        f" answered 503 (ServiceUnavailable) to moving the meeting). {AGAIN}"
    )
    assert await console.run(CHAIR, f"cancel {ref} the chair is unwell") == (
        f"Sorry: The {ref} meeting was not cancelled: Outlook did not answer (Microsoft Graph"
        f" answered 503 (ServiceUnavailable) to cancelling the meeting). {AGAIN}"
    )
    assert world.store.cases[ref].meeting is not None  # still booked, as it is in Outlook


async def test_a_slot_search_says_no_slots_were_found_and_why(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    ref = await world.open_with_requests()
    outlook_down(world, monkeypatch, "free_busy", "free/busy (getSchedule)")

    assert await TextCommands(world.services).run(CHAIR, f"schedule {ref}") == (
        f"Sorry: No slots were found for {ref}: the diaries could not be read just now"
        f" (Microsoft Graph answered 503 (ServiceUnavailable) to free/busy (getSchedule)). {AGAIN}"
    )
