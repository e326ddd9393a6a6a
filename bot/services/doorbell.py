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

# (the ringing use case's context, the case) -> whether the work is done on return. The
# context is the caller's: a surface that swapped a port (chat, say) has it used.
Answer = Callable[["ServiceContext", str | None], Awaitable[bool]]


class Doorbell:
    def __init__(self) -> None:
        self._answer: Answer | None = None

    def answer_with(self, answer: Answer | None) -> None:
        """Who answers from now on (the scheduler when it starts; None: nobody)."""
        self._answer = answer

    async def ring(self, ctx: ServiceContext, case_ref: str | None = None) -> bool:
        """Work is due now (for this case, if given). True when it was done before
        returning; False when a scheduler will do it (or nobody answers)."""
        if self._answer is None:
            return False
        return await self._answer(ctx, case_ref)
