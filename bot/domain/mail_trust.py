"""When an emailed return can be trusted.

A From address and a case reference in the subject are not enough: both are trivial to
forge, and the reference is guessable. A return counts only when the email answers the very
message the bot sent that agency (its Message-ID in In-Reply-To or References, or the same
Outlook conversation), comes from the address that message went to, and the receiving mail
system vouches for its sender (internal to the organisation, or SPF/DKIM/DMARC passing).
Anything less is "received, to be confirmed by the business office".
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

# What the receiving mail system says of the sender: "internal" (sent inside the organisation),
# "pass" (SPF/DKIM/DMARC vouch for it), "fail" (one of them failed), "unknown" (nothing said).
Authentication = Literal["internal", "pass", "fail", "unknown"]
TRUSTED: frozenset[Authentication] = frozenset({"internal", "pass"})


@dataclass(frozen=True, slots=True)
class MailThread:
    """A request (or chase) the bot emailed to an agency; its ids are learnt from the sent
    copy in the mailbox, possibly after the message left."""

    case_ref: str
    agency: str | None
    recipient: str  # lowercased address
    send_id: str  # our own id, carried by the message
    sent_at: datetime
    internet_message_id: str | None = None  # RFC 5322 Message-ID, with its angle brackets
    conversation_id: str | None = None  # Outlook's conversation


@dataclass(frozen=True, slots=True)
class Evidence:
    """What an email shows about where it comes from, read from its headers."""

    sender: str  # lowercased address
    replies_to: tuple[str, ...]  # Message-IDs from In-Reply-To and References
    conversation_id: str
    authentication: Authentication


def answered_thread(evidence: Evidence, threads: Iterable[MailThread]) -> MailThread | None:
    """The thread this email replies to, if any."""
    replied = set(evidence.replies_to)
    for thread in threads:
        by_id = thread.internet_message_id is not None and thread.internet_message_id in replied
        by_conversation = bool(evidence.conversation_id) and (
            thread.conversation_id == evidence.conversation_id
        )
        if by_id or by_conversation:
            return thread
    return None


def doubt(evidence: Evidence, threads: Sequence[MailThread]) -> str | None:
    """Why an email from an agency's SPOC cannot be taken as its return without a person
    confirming it, in plain words; None when it can."""
    thread = answered_thread(evidence, threads)
    if thread is None:
        return "it is not a reply to the request the bot emailed"
    if thread.recipient != evidence.sender:
        return "it replies to the request from another address than the one it went to"
    if evidence.authentication == "fail":
        return "the sender's mail system failed the checks that prove who sent it"
    if evidence.authentication not in TRUSTED:
        return "nothing proves who sent it (no passing sender authentication)"
    return None
