"""How a use case asks for the outbox to be worked now rather than at the next tick.

Intake commits a case together with its opening (an outbox row) and rings: under `rrbot
serve` the scheduler wakes at once and the caller is answered without waiting for chat; where
no scheduler runs (the demo, a one-off command, tests) the bell is answered by running that
case's due rows before returning. Either way the work is a row first, so a crash loses none.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.services.context import ServiceContext

# (the ringing use case's context, the case) -> done. The context is the caller's: a test or
# a surface that swapped a port (chat, say) has the work done through the same ports.
Answer = Callable[["ServiceContext", str | None], Awaitable[None]]


class Doorbell:
    def __init__(self) -> None:
        self._answer: Answer | None = None

    def answer_with(self, answer: Answer | None) -> None:
        """Who answers from now on (the scheduler when it starts; None: nobody)."""
        self._answer = answer

    async def ring(self, ctx: ServiceContext, case_ref: str | None = None) -> None:
        """Work is due now (for this case, if given)."""
        if self._answer is not None:
            await self._answer(ctx, case_ref)
