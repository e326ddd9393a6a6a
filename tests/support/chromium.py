"""Headless Chromium (Debian's `chromium`) for the tests that look at a page as a person would,
with every request it tries routed to a recorder on the loopback that answers none."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def chromium() -> str:
    """The browser, or the test is skipped: only when it is genuinely not installed (CI
    installs it, see .ci/run)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


# What Chromium itself asks for whatever the page (its component updater and sign-in), which
# no flag of this version turns off: never a host a page's fonts, scripts or images come from.
BROWSER_OWN_HOSTS = frozenset({"update.googleapis.com", "accounts.google.com"})


def host_of(request_line: str) -> str:
    """`CONNECT h:443 HTTP/1.1` or `GET http://h/p HTTP/1.1` -> h."""
    target = request_line.split(" ")[1] if " " in request_line else request_line
    target = target.split("://", 1)[-1]
    return target.split("/", 1)[0].rsplit(":", 1)[0]


class Recorder:
    """A proxy that writes down the first line of each request (CONNECT host:443 for https)
    and refuses it."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._server.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self._server.accept()
            except OSError:  # closed
                return
            with conn:
                conn.settimeout(5)
                try:
                    line = conn.recv(4096).split(b"\r\n", 1)[0]
                except OSError:
                    line = b"(no request line)"
                self.requests.append(line.decode("latin-1"))
                conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")

    def from_the_page(self) -> list[str]:
        """The requests the page made: any at all means it tried to reach outside."""
        return [r for r in self.requests if host_of(r) not in BROWSER_OWN_HOSTS]

    def close(self) -> None:
        self._server.close()
        self._thread.join(timeout=5)


@contextmanager
def recorder() -> Iterator[Recorder]:
    rec = Recorder()
    try:
        yield rec
    finally:
        rec.close()


def run_chromium(
    page: Path, profile: Path, proxy: Recorder, *args: str, timeout: float = 90
) -> subprocess.CompletedProcess[str]:
    """Open `page` from file:// in a fresh profile, every request through `proxy`."""
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",  # tests run as root in CI
        "--disable-gpu",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        f"--proxy-server=http://127.0.0.1:{proxy.port}",
        *args,
        page.resolve().as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done
