"""Everyone is reached: by direct message, or by email when chat does not know them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from bot.adapters.console.chat import ConsoleChat
from bot.domain.errors import RecipientUnreachable
from bot.ports import Button, RequestThread
from bot.services.facade import Services
from tests.support.world import LA_SPOC, World


class ChatWithoutTheLaSpoc(ConsoleChat):
    async def direct_message(
        self,
        *,
        to: str,
        text: str,
        buttons: Sequence[Button] = (),
        about: RequestThread | None = None,
    ) -> str:
        if to == LA_SPOC:
            raise RecipientUnreachable("That person is not in the chat workspace.")
        return await super().direct_message(to=to, text=text, buttons=buttons, about=about)


async def test_a_spoc_chat_cannot_reach_gets_the_request_by_email() -> None:
    world = World()
    chat = ChatWithoutTheLaSpoc(world.directory, world.transcript)
    world.ctx = replace(world.ctx, chat=chat)
    world.services = Services(world.ctx)
    ref = await world.open_with_requests()
    (email,) = world.transcript.to(LA_SPOC, "email")
    assert email.subject == f"Rapid Review information request: {ref}"
    assert world.transcript.to(LA_SPOC, "dm") == []
