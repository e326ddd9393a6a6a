"""What an email's headers prove about its sender, and when it may count as a return."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.adapters.graph.inbound import MAX_REFERENCES, authentication, replied_ids
from bot.domain.mail_trust import Authentication, Evidence, MailThread, doubt

OURS = "<SENT000001@partnership.prod.outlook.example>"
SPOC = "oli.danvers@gp.example.org"
EOP_PASS = (
    "spf=pass (sender IP is 192.0.2.10) smtp.mailfrom=gp.example.org; dkim=pass (signature"
    " was verified) header.d=gp.example.org;dmarc=pass action=none"
    " header.from=gp.example.org;compauth=pass reason=100"
)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ([("Authentication-Results", EOP_PASS)], "pass"),
        ([("X-MS-Exchange-Organization-AuthAs", "Internal")], "internal"),
        ([("x-ms-exchange-organization-authas", " internal ")], "internal"),
        ([], "unknown"),
        ([("Received", "from mx.gp.example.org")], "unknown"),
        ([("Authentication-Results", "spf=fail smtp.mailfrom=gp.example.org;dmarc=pass")], "fail"),
        ([("Authentication-Results", "spf=none;dkim=none;dmarc=fail action=oreject")], "fail"),
        ([("Authentication-Results", "spf=softfail;dmarc=pass;compauth=pass")], "fail"),
        ([("Authentication-Results", "spf=pass;dkim=none;dmarc=bestguesspass")], "unknown"),
        ([("Authentication-Results", "spf=none;dmarc=none;compauth=pass reason=105")], "pass"),
        # Exchange puts its own verdict on top; one lower down came with the message.
        (
            [
                ("Authentication-Results", "spf=fail;dmarc=fail action=none"),
                ("Authentication-Results", EOP_PASS),
            ],
            "fail",
        ),
        # Mail from outside is anonymous: its Authentication-Results decides.
        (
            [
                ("X-MS-Exchange-Organization-AuthAs", "Anonymous"),
                ("Authentication-Results", EOP_PASS),
            ],
            "pass",
        ),
    ],
)
def test_what_the_receiving_mail_system_vouches_for(
    headers: list[tuple[str, str]], expected: Authentication
) -> None:
    assert authentication(headers) == expected


def test_the_ids_an_email_replies_to_come_from_in_reply_to_and_references() -> None:
    headers = [
        ("References", f"<first@gp.example.org>\r\n {OURS}"),
        ("In-Reply-To", OURS),
        ("Subject", "<not-an-id@x.example>"),
    ]
    assert replied_ids(headers) == (OURS, "<first@gp.example.org>")
    flood = " ".join(f"<{i}@x.example>" for i in range(500))
    assert len(replied_ids([("References", flood)])) == MAX_REFERENCES


def thread(**changes: object) -> MailThread:
    fields: dict[str, object] = {
        "case_ref": "LLR-RR-2026-001",
        "agency": "gp",
        "recipient": SPOC,
        "send_id": "a" * 32,
        "sent_at": datetime(2026, 12, 21, 10, tzinfo=UTC),
        "internet_message_id": OURS,
        "conversation_id": "AAQkAGNvbnZTZW50000001=",
    }
    return MailThread(**(fields | changes))  # type: ignore[arg-type]


def evidence(**changes: object) -> Evidence:
    fields: dict[str, object] = {
        "sender": SPOC,
        "replies_to": (OURS,),
        "conversation_id": "",
        "authentication": "pass",
    }
    return Evidence(**(fields | changes))  # type: ignore[arg-type]


def test_an_authenticated_reply_to_our_email_from_its_recipient_is_trusted() -> None:
    assert doubt(evidence(), [thread()]) is None
    assert doubt(evidence(authentication="internal"), [thread()]) is None
    by_conversation = evidence(replies_to=(), conversation_id="AAQkAGNvbnZTZW50000001=")
    assert doubt(by_conversation, [thread()]) is None


def test_anything_less_is_doubtful_and_says_why() -> None:
    assert doubt(evidence(replies_to=()), [thread()]) == (
        "it is not a reply to the request the bot emailed"
    )
    assert doubt(evidence(), []) == "it is not a reply to the request the bot emailed"
    unresolved = thread(internet_message_id=None, conversation_id=None)
    assert doubt(evidence(), [unresolved]) == "it is not a reply to the request the bot emailed"
    assert doubt(evidence(sender="someone@gp.example.org"), [thread()]) == (
        "it replies to the request from another address than the one it went to"
    )
    assert "failed the checks" in (doubt(evidence(authentication="fail"), [thread()]) or "")
    assert "nothing proves" in (doubt(evidence(authentication="unknown"), [thread()]) or "")
