"""Slack's end of a Socket Mode connection, for the real `SocketModeClient` to connect to.

`apps.connections.open` (served by the Web API fake) hands out `url`; the app connects there,
is greeted with `hello`, receives the envelopes a test `push`es and answers each with an ack
(`{"envelope_id": ...}`, with a `payload` when it has one), collected in `acks`. It runs on
aiohttp, which the project already depends on, in a thread of its own.
"""

from __future__ import annotations

import asyncio
import json
import queue
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from aiohttp import WSMsgType, web


class SocketLink:
    def __init__(self) -> None:
        self.url = ""
        self.acks: list[dict[str, Any]] = []
        self.connections = 0
        self._outgoing: queue.Queue[dict[str, Any]] = queue.Queue()

    def push(self, envelope: dict[str, Any]) -> None:
        self._outgoing.put(envelope)

    def wait_connected(self, timeout: float = 5) -> int:
        """The number of connections, once there is one (the handshake ends before the
        server side counts it)."""
        deadline = time.monotonic() + timeout
        while not self.connections and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.connections

    def ack_for(self, envelope_id: str, timeout: float = 5) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [a for a in self.acks if a.get("envelope_id") == envelope_id]
            if found:
                return found[0]
            time.sleep(0.01)
        raise AssertionError(f"no ack for envelope {envelope_id}")

    async def _link(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.connections += 1
        hello = {"type": "hello", "num_connections": 1, "connection_info": {"app_id": "A0EXAMPLE1"}}
        await ws.send_str(json.dumps(hello))
        while not ws.closed:
            while not self._outgoing.empty():
                await ws.send_str(json.dumps(self._outgoing.get_nowait()))
            try:
                message = await ws.receive(timeout=0.01)
            except TimeoutError:
                continue
            if message.type == WSMsgType.TEXT:
                self.acks.append(json.loads(message.data))
            elif message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.ERROR):
                break
        return ws


@contextmanager
def serve_socket(link: SocketLink) -> Iterator[SocketLink]:
    loop = asyncio.new_event_loop()
    app = web.Application()
    app.router.add_get("/link", link._link)
    runner = web.AppRunner(app)
    loop.run_until_complete(runner.setup())
    site = web.TCPSite(runner, "127.0.0.1", 0)
    loop.run_until_complete(site.start())
    port = runner.addresses[0][1]
    link.url = f"ws://127.0.0.1:{port}/link"
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield link
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
