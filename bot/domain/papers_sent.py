"""What the case keeps of each version of the meeting papers it sent: enough to say which is
current, what changed since the last, and to prove later what was sent (the documents'
SHA-256 hashes)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class PapersSent:
    version: int  # 1, 2, ...; every version but the last is superseded
    sent_at: datetime  # aware UTC
    fingerprint: str  # of what the pack was built from: an unchanged pack is not sent again
    documents: tuple[tuple[str, str], ...]  # (file name, SHA-256 hex) of each document sent
    # (agency code, digest of its return as the pack showed it): what changed in the next one
    parts: tuple[tuple[str, str], ...] = ()
    event_attachment: str = ""  # the calendar's id for it on the meeting, to take it off later
