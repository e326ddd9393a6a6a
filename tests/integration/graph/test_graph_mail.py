"""GraphMail on the real msgraph-sdk against the Graph fake: sending from the partnership
mailbox, and reading replies back with their attachments."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.adapters.graph.inbound import InboundAttachment, InboundMail, html_to_text
from bot.adapters.graph.mail import SEND_ID_HEADER, SEND_ID_PROPERTY, GraphMail
from bot.domain.errors import InvalidInput
from bot.ports import WORD_FILE_LIMIT, WORD_FILES_LIMIT, Attachment, ReceivedMail, SentMail
from tests.fakes.graph_api import MAILBOX, GraphApiFake, parameters

PANEL = "panel@nationalpanel.example.org"
SPOC = "spoc@school.example.org"
SINCE = datetime(2026, 11, 10, 9, tzinfo=UTC)
PDF = b"%PDF-1.7\n% a fictional rapid review submission\n%%EOF\n"
# What Exchange Online Protection writes on a message whose sender checks out.
PASSED = (
    "spf=pass (sender IP is 192.0.2.10) smtp.mailfrom=school.example.org; dkim=pass"
    " (signature was verified) header.d=school.example.org;dmarc=pass action=none"
    " header.from=school.example.org;compauth=pass reason=100"
)


def replies_id(fake: GraphApiFake, message_id: str) -> str:
    (found,) = [m for m in fake.inbox[MAILBOX] if m.id == message_id]
    return found.internet_message_id


async def test_an_email_goes_out_from_the_mailbox_with_its_attachment(
    mail: GraphMail, graph_api: GraphApiFake
) -> None:
    paper = Attachment("LLR-RR-2026-014-rapid-review.pdf", PDF, "application/pdf")

    send_id = await mail.send(
        to=[PANEL],
        subject="Rapid Review: LLR-RR-2026-014",
        body="Attached.",
        attachments=[paper],
    )

    [sent] = graph_api.sent
    assert sent.mailbox == MAILBOX
    assert sent.to == [PANEL]
    assert sent.subject == "Rapid Review: LLR-RR-2026-014"
    assert sent.body == {"contentType": "text", "content": "Attached."}
    assert sent.attachments == [("LLR-RR-2026-014-rapid-review.pdf", "application/pdf", PDF)]
    assert sent.headers == {SEND_ID_HEADER: send_id}
    assert sent.properties == {SEND_ID_PROPERTY: send_id}
    assert parameters(graph_api.calls_to("/sendMail")[0].body)["saveToSentItems"] is True


async def test_the_sent_copy_gives_the_ids_a_reply_will_carry(
    mail: GraphMail, graph_api: GraphApiFake
) -> None:
    await mail.send(to=[PANEL], subject="Rapid Review: LLR-RR-2026-013", body="Another.")
    send_id = await mail.send(to=[SPOC], subject="Information request: LLR-RR-2026-014", body=".")
    sent = graph_api.sent[-1]

    copy = await mail.sent_copy(send_id=send_id)

    assert copy == SentMail(sent.internet_message_id, sent.conversation_id)
    (lookup,) = graph_api.calls_to("/mailFolders/sentitems/messages")
    assert lookup.status == 200
    # Not yet in Sent Items (or never ours): nothing, and a malformed id never reaches $filter.
    assert await mail.sent_copy(send_id="0" * 32) is None
    assert await mail.sent_copy(send_id="x' or true or '") is None
    assert len(graph_api.calls_to("/mailFolders/sentitems/messages")) == 2


async def test_attachments_too_large_for_one_email_stop_it_before_graph(
    mail: GraphMail, graph_api: GraphApiFake
) -> None:
    big = Attachment("scan.pdf", b"x" * (3 * 1024 * 1024 + 1), "application/pdf")
    with pytest.raises(InvalidInput, match="larger than the 3 MB one email can carry"):
        await mail.send(to=[PANEL], subject="s", body="b", attachments=[big])
    with pytest.raises(InvalidInput, match="at least one recipient"):
        await mail.send(to=[], subject="s", body="b")
    assert graph_api.calls == []


async def test_a_reply_is_read_back_with_its_attachment(
    mail: GraphMail, graph_api: GraphApiFake
) -> None:
    graph_api.deliver(
        sender=SPOC, subject="Old news", html="<p>before</p>", received=SINCE - timedelta(hours=1)
    )
    message_id = graph_api.deliver(
        sender="SPOC@School.example.org",
        subject="RE: Information request LLR-RR-2026-014",
        html=(
            "<html><head><style>p {color: red}</style></head><body>"
            "<p>Our return is attached.</p><p>Kind regards,<br>School SPOC &amp; DSL</p>"
            "</body></html>"
        ),
        received=SINCE + timedelta(minutes=5),
        attachments=[("return.docx", "application/msword", b"fictional return")],
        conversation_id="AAQkAGNvbnYtMTQ=",
        headers=[
            ("Authentication-Results", PASSED),
            ("In-Reply-To", "<SENT000001@partnership.prod.outlook.example>"),
            ("References", "<older@x.example> <SENT000001@partnership.prod.outlook.example>"),
        ],
    )

    replies = await mail.inbound(since=SINCE)

    assert replies == [
        InboundMail(
            message_id=message_id,
            conversation_id="AAQkAGNvbnYtMTQ=",
            sender=SPOC,
            subject="RE: Information request LLR-RR-2026-014",
            body_text="Our return is attached.\n\nKind regards,\nSchool SPOC & DSL",
            received_at=SINCE + timedelta(minutes=5),
            attachments=(
                InboundAttachment("return.docx", "application/msword", 16, b"fictional return"),
            ),
            internet_message_id=replies_id(graph_api, message_id),
            replies_to=("<SENT000001@partnership.prod.outlook.example>", "<older@x.example>"),
            authentication="pass",
        )
    ]
    assert replies[0].received_at.tzinfo is not None
    listing = graph_api.calls_to("/mailFolders/inbox/messages")[0]
    assert listing.status == 200
    # The Mailbox port: the same reply, its attachments by name, a Word document's bytes too.
    assert await mail.replies(since=SINCE) == [
        ReceivedMail(
            message_id=message_id,
            sender=SPOC,
            subject="RE: Information request LLR-RR-2026-014",
            text="Our return is attached.\n\nKind regards,\nSchool SPOC & DSL",
            received_at=SINCE + timedelta(minutes=5),
            attachments=("return.docx",),
            files=(Attachment("return.docx", b"fictional return", "application/msword"),),
            conversation_id="AAQkAGNvbnYtMTQ=",
            replies_to=("<SENT000001@partnership.prod.outlook.example>", "<older@x.example>"),
            authentication="pass",
        )
    ]
    assert len(graph_api.calls_to(f"/messages/{message_id}/attachments")) == 2


async def test_replies_come_oldest_first_across_pages(
    mail: GraphMail, graph_api: GraphApiFake
) -> None:
    for i in range(60):  # more than one page of 50
        graph_api.deliver(
            sender=SPOC, subject=f"Reply {i}", html="<p>ok</p>", received=SINCE + timedelta(i)
        )

    replies = await mail.inbound(since=SINCE)

    assert [r.subject for r in replies] == [f"Reply {i}" for i in range(60)]
    assert len(graph_api.calls_to("/mailFolders/inbox/messages")) == 2
    assert graph_api.calls_to("/attachments") == []  # none had any: none were fetched


async def test_only_word_documents_bytes_are_kept_ten_of_at_most_3_mb(
    mail: GraphMail, graph_api: GraphApiFake
) -> None:
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    small = [(f"part-{n:02d}.docx", docx, f"PK part {n}".encode()) for n in range(11)]
    graph_api.deliver(
        sender=SPOC,
        subject="RE: Information request LLR-RR-2026-014",
        html="<p>Our return, and more.</p>",
        received=SINCE + timedelta(minutes=5),
        attachments=[
            ("scan.pdf", "application/pdf", PDF),
            ("huge.docx", docx, b"x" * (WORD_FILE_LIMIT + 1)),
            ("return", docx, b"PK known by its type"),  # no extension: its type says Word
            ("RETURN.DOCX", "application/octet-stream", b"PK known by its name"),
            *small,
        ],
    )

    (reply,) = await mail.replies(since=SINCE)

    assert reply.attachments[:4] == ("scan.pdf", "huge.docx", "return", "RETURN.DOCX")
    assert len(reply.attachments) == 15  # every file, by name
    kept = [(f.name, f.content) for f in reply.files]
    assert kept[:2] == [
        ("return", b"PK known by its type"),
        ("RETURN.DOCX", b"PK known by its name"),
    ]
    assert [name for name, _ in kept[2:]] == [f"part-{n:02d}.docx" for n in range(8)]
    assert len(kept) == WORD_FILES_LIMIT
    (inbound,) = await mail.inbound(since=SINCE)
    assert [a.content for a in inbound.attachments[:2]] == [b"", b""]  # not held in memory
    assert inbound.attachments[1].size == WORD_FILE_LIMIT + 1


async def test_files_of_mail_that_names_no_case_are_never_fetched(
    mail: GraphMail, graph_api: GraphApiFake
) -> None:
    """Only a reply naming a case can be a return: the rest of the inbox's files stay there."""
    graph_api.deliver(
        sender=SPOC,
        subject="Newsletter",
        html="<p>A big attachment.</p>",
        received=SINCE + timedelta(minutes=1),
        attachments=[("brochure.pdf", "application/pdf", PDF)],
    )
    graph_api.deliver(
        sender=SPOC,
        subject="RE: Information request LLR-RR-2026-014",
        html="<p>Our return.</p>",
        received=SINCE + timedelta(minutes=2),
        attachments=[("return.pdf", "application/pdf", PDF)],
    )

    newsletter, reply = await mail.replies(since=SINCE)

    assert newsletter.attachments == () and reply.attachments == ("return.pdf",)
    assert len(graph_api.calls_to("/attachments")) == 1


def test_html_becomes_readable_text() -> None:
    html = "<div>Line one<br/>Line&nbsp;two</div><script>alert(1)</script><ul><li>a</li></ul>"
    assert html_to_text(html) == "Line one\nLine\xa0two\n\na"
