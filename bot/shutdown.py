"""The moment `rrbot serve` was told to stop, shared by the parts that must stop taking work.

SIGTERM starts it (uvicorn's signal handler, `bot/surfaces.py`): /readyz answers 503 from then
on, so a load balancer sends nothing more, and the scheduler claims nothing more; what is in
flight has until `deadline` to finish.
"""

from __future__ import annotations

import time
from collections.abc import Callable


class Shutdown:
    def __init__(self, grace_seconds: float, *, clock: Callable[[], float] = time.monotonic):
        self.grace_seconds = grace_seconds
        self._clock = clock
        self._deadline: float | None = None
        self._listeners: list[Callable[[], None]] = []

    @property
    def started(self) -> bool:
        return self._deadline is not None

    def on_start(self, listener: Callable[[], None]) -> None:
        """Call `listener` (synchronously, once) when the shutdown starts."""
        self._listeners.append(listener)

    def begin(self) -> None:
        """Start the grace period; a second signal changes nothing."""
        if self._deadline is not None:
            return
        self._deadline = self._clock() + self.grace_seconds
        for listener in self._listeners:
            listener()

    def remaining(self) -> float:
        """Seconds of grace left (the whole grace before the shutdown starts)."""
        if self._deadline is None:
            return self.grace_seconds
        return max(0.0, self._deadline - self._clock())
