"""uvicorn's server, made to drain on SIGTERM and then exit 0.

On SIGTERM or SIGINT the `Shutdown` starts (readyz 503, the scheduler claims nothing more);
uvicorn then stops listening, gives requests in flight the grace, and runs the lifespan's
shutdown. uvicorn's own `capture_signals` re-raises the signal once it has finished, so the
process would end *killed by SIGTERM* (exit 143) after a clean stop; a stop asked for and
carried out is exit 0 here, as an orchestrator expects of a graceful one.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import uvicorn

from bot.shutdown import Shutdown

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class DrainingServer(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, shutdown: Shutdown) -> None:
        super().__init__(config)
        self._shutdown = shutdown

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self._shutdown.begin()
        super().handle_exit(sig, frame)  # a second SIGINT still forces the exit

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Handle the stop signals on the loop for as long as the server runs, without
        re-raising them afterwards."""
        loop = asyncio.get_running_loop()
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, self.handle_exit, sig, None)
        try:
            yield
        finally:
            for sig in STOP_SIGNALS:
                loop.remove_signal_handler(sig)
