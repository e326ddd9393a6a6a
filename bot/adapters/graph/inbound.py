"""Mail that arrived in the partnership mailbox, in our own words (no SDK types), and the HTML
to text step its body goes through."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from html.parser import HTMLParser


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
