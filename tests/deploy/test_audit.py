"""scripts/audit fails CI on a known vulnerability, unless it is listed as accepted. A local
OSV-shaped service stands in for the real one (OSV and PyPI's per-release API are out of reach
here); pip-audit runs for real, as an OS process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from tests.deploy.lockfiles import ROOT

VULNERABLE = {
    "id": "GHSA-test-only-0001",
    "summary": "a vulnerability invented for this test",
    "affected": [
        {
            "package": {"name": "six", "ecosystem": "PyPI"},
            "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "9.9"}]}],
        }
    ],
}
LOCK = (
    "six==1.17.0 \\\n    --hash=sha256:"
    + "0" * 64
    + "\nidna==3.10 \\\n    --hash=sha256:"
    + ("1" * 64 + "\n")
)


class _Advisories(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        known = query["package"]["name"] == "six"
        body = json.dumps({"vulns": [VULNERABLE]} if known else {}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def advisories() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Advisories)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1/query"
    server.shutdown()
    thread.join()


def _audit(tmp_path: Path, url: str, ignores: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "locked.txt").write_text(LOCK)
    (tmp_path / "ignore.txt").write_text(ignores)
    environment = os.environ | {
        "AUDIT_SERVICE": "osv",
        "AUDIT_OSV_URL": url,
        "AUDIT_IGNORES": str(tmp_path / "ignore.txt"),
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "audit"), str(tmp_path / "locked.txt")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_known_vulnerability_with_a_fix_fails_the_audit(tmp_path: Path, advisories: str) -> None:
    finished = _audit(tmp_path, advisories, ignores="# nothing accepted\n")
    assert finished.returncode == 1, finished.stdout + finished.stderr
    assert "six 1.17.0: GHSA-test-only-0001 (9.9)" in finished.stdout
    assert "2 of 2 locked packages audited, 1 known" in finished.stdout


def test_an_accepted_vulnerability_listed_with_its_reason_passes(
    tmp_path: Path, advisories: str
) -> None:
    accepted = "GHSA-test-only-0001  # no fix we can take; the API is unused\n"
    finished = _audit(tmp_path, advisories, ignores=accepted)
    assert finished.returncode == 0, finished.stdout + finished.stderr
    assert "2 of 2 locked packages audited, 0 known" in finished.stdout
