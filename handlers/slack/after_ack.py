"""The work that follows an ack, run a few jobs at a time.

Slack wants every ack within 3 seconds. If each command's follow-up work (reading the
directory, calling a service, posting the answer) started at once, a burst of fifty would
compete with the acks still owed; a small pool lets the acks through first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from bot.logging import get_logger

log = get_logger(__name__)
Job = Callable[[], Awaitable[None]]


class AfterAck:
    def __init__(self, workers: int = 4) -> None:
        self._workers = workers
        self._queue: asyncio.Queue[Job] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []

    def submit(self, job: Job) -> None:
        if not self._tasks:  # started inside the running loop, on first use
            self._tasks = [asyncio.create_task(self._work()) for _ in range(self._workers)]
        self._queue.put_nowait(job)

    async def _work(self) -> None:
        while True:
            job = await self._queue.get()
            try:
                await job()
            except Exception as err:  # one failed answer must not stop the others
                log.error("after_ack_failed", error=type(err).__name__)
            finally:
                self._queue.task_done()

    async def drain(self) -> None:
        """Wait until every submitted job has finished (tests, shutdown)."""
        await self._queue.join()

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
