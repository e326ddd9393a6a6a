"""Mail that arrived in the partnership mailbox, in our own words (no SDK types), and the HTML
to text step its body goes through."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser

from bot.domain.mail_trust import Authentication


@dataclass(frozen=True, slots=True)
class InboundAttachment:
    name: str
    content_type: str
    size: int
    content: bytes


@dataclass(frozen=True, slots=True)
class InboundMail:
    message_id: str
    conversation_id: str
    sender: str  # email address, lowercased
    subject: str
    body_text: str  # HTML reduced to plain text
    received_at: datetime  # aware UTC
    attachments: tuple[InboundAttachment, ...] = ()
    internet_message_id: str = ""
    replies_to: tuple[str, ...] = ()  # Message-IDs from In-Reply-To and References
    authentication: Authentication = "unknown"


MAX_HEADER_CHARS = 8000  # a header value read; longer ones are cut, never parsed whole
MAX_REFERENCES = 50  # Message-IDs kept from one email's In-Reply-To and References
_MESSAGE_ID = re.compile(r"<[^<>\s]{1,990}>")
_RESULT = re.compile(r"\b(spf|dkim|dmarc|compauth)\s*=\s*([a-z]+)")


def replied_ids(headers: Sequence[tuple[str, str]]) -> tuple[str, ...]:
    """The Message-IDs an email says it replies to (In-Reply-To, then References)."""
    found: list[str] = []
    for wanted in ("in-reply-to", "references"):
        for name, value in headers:
            if name.lower() == wanted:
                found += _MESSAGE_ID.findall(value[:MAX_HEADER_CHARS])
    return tuple(dict.fromkeys(found))[:MAX_REFERENCES]


def authentication(headers: Sequence[tuple[str, str]]) -> Authentication:
    """What Exchange Online vouches for about the sender.

    `X-MS-Exchange-Organization-AuthAs: Internal` means it was sent inside the organisation
    (Exchange's header firewall strips X-MS-Exchange-Organization-* from mail arriving from
    outside, so a sender cannot forge it). Otherwise only the first Authentication-Results is
    read: Exchange Online Protection adds its own on top, so any copy below it came with the
    message and proves nothing. Its `dmarc` or `compauth` must pass and no method may fail.
    """
    for name, value in headers:
        if name.lower() == "x-ms-exchange-organization-authas":
            if value.strip().lower() == "internal":
                return "internal"
            break
    first = next((v for n, v in headers if n.lower() == "authentication-results"), None)
    if first is None:
        return "unknown"
    results = _RESULT.findall(first[:MAX_HEADER_CHARS].lower())
    if any(result in ("fail", "softfail", "permerror") for _, result in results):
        return "fail"
    if any(method in ("dmarc", "compauth") and result == "pass" for method, result in results):
        return "pass"
    return "unknown"


_BLOCKS = frozenset(
    {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table"}
)
_HIDDEN = frozenset({"script", "style", "head", "title"})
_BLANK_LINES = re.compile(r"\n\s*\n+")
_SPACES = re.compile(r"[ \t\r\f\v]+")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCKS and tag != "br":  # <br/> arrives as a start and an end
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Readable text from an email's HTML: tags and scripts dropped, entities decoded, one
    blank line at most between paragraphs."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(parser.parts).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def plain_text(content: str, *, html: bool) -> str:
    return html_to_text(content) if html else content.strip()
