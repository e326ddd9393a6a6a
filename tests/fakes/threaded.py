"""Serve an ASGI fake with uvicorn on a free 127.0.0.1 port, in a daemon thread of its own, so
that the code under test reaches it over a real socket, as it would the real service."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from starlette.types import ASGIApp


@contextmanager
def listening(app: ASGIApp, *, name: str, tls: tuple[Path, Path] | None = None) -> Iterator[int]:
    """Yields the port until exit; `tls` is (certificate, key) to serve HTTPS."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        app,
        lifespan="off",
        log_level="warning",
        timeout_graceful_shutdown=1,
        ssl_certfile=str(tls[0]) if tls else None,
        ssl_keyfile=str(tls[1]) if tls else None,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.005)
    try:
        if not server.started:
            raise RuntimeError(f"the {name} did not start")
        yield sock.getsockname()[1]
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
