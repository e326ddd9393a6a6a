"""A chat and mail backend that prints what each person would see (demo and tests).

Like errbot's test backend, it also keeps a transcript that tests can read back, with the
bytes of every file posted or emailed.
"""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.domain.directory import Directory
from bot.ports import SLASH_COMMANDS, Attachment, Bookmark, Button, CaseCard, RequestThread

Sink = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Delivered:
    kind: str  # "channel", "dm", "email", "topic", "card", "file"
    to: str  # channel name or email address
    text: str
    subject: str = ""  # an email's subject; a file's name
    files: tuple[Attachment, ...] = ()  # what was attached or posted, bytes and all


class Transcript:
    def __init__(self, sink: Sink | None = None) -> None:
        self.items: list[Delivered] = []
        self._sink = sink

    def add(self, item: Delivered, rendered: str) -> None:
        self.items.append(item)
        if self._sink is not None:
            self._sink(rendered)

    def to(self, who: str, kind: str | None = None) -> list[Delivered]:
        return [i for i in self.items if i.to == who and (kind is None or i.kind == kind)]


def _buttons(buttons: Sequence[Button]) -> str:
    return ("\n" + "  ".join(f"[{b.label}]" for b in buttons)) if buttons else ""


def _indent(text: str) -> str:
    return textwrap.indent(text, "      ")


def _write(folder: Path, document: Attachment) -> Path:
    """The document written into `folder` under its own name (its last part only: a name
    cannot climb out of the folder)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / Path(document.name).name
    path.write_bytes(document.content)
    return path


class ConsoleChat:
    style = SLASH_COMMANDS

    def __init__(
        self, directory: Directory, transcript: Transcript, files_dir: Path | None = None
    ) -> None:
        self._directory = directory
        self.transcript = transcript
        self._files_dir = files_dir  # where posted files are also written (the demo's papers)
        self._ids = itertools.count(1)
        self.channels: dict[str, set[str]] = {}
        self.cards: dict[str, CaseCard] = {}
        self.topics: dict[str, str] = {}  # channel -> its topic

    def _who(self, email: str) -> str:
        person = self._directory.person(email)
        return f"{person.name} ({person.title})" if person and person.title else email

    async def open_case_channel(self, *, case_ref: str, members: Sequence[str], topic: str) -> str:
        name = f"#{case_ref}"
        self.channels[name] = set(members)
        self.topics[name] = topic
        if topic:  # none yet when it is set a moment later, with the card
            self.transcript.items.append(Delivered("topic", name, topic))  # shown just below
        self.transcript.add(
            Delivered("channel", name, f"private channel opened; {len(members)} invited"),
            f"  {name}  private channel opened, {len(members)} people invited"
            + (f"\n      topic: {topic}" if topic else ""),
        )
        return name

    async def post(self, *, channel: str, text: str, buttons: Sequence[Button] = ()) -> str:
        shown = text + _buttons(buttons)
        self.transcript.add(
            Delivered("channel", channel, text), f"  {channel}  rrbot:\n{_indent(shown)}"
        )
        return f"msg-{next(self._ids)}"

    async def direct_message(
        self,
        *,
        to: str,
        text: str,
        buttons: Sequence[Button] = (),
        about: RequestThread | None = None,
    ) -> str:
        shown = text + _buttons(buttons)
        self.transcript.add(
            Delivered("dm", to, text), f"  DM to {self._who(to)}:\n{_indent(shown)}"
        )
        return f"msg-{next(self._ids)}"

    async def post_file(self, *, channel: str, document: Attachment, text: str) -> str | None:
        where = f"{document.name}, {len(document.content)} bytes"
        if self._files_dir is not None:
            where = str(_write(self._files_dir / Path(channel.lstrip("#")).name, document))
        self.transcript.add(
            Delivered("file", channel, text, document.name, (document,)),
            f"  {channel}  rrbot:\n{_indent(text)}\n      [file: {where}]",
        )
        return f"file-{next(self._ids)}"

    async def mention(self, *, email: str, name: str) -> str:
        return f"@{name}"

    async def missing_members(self, *, channel: str) -> tuple[str, ...]:
        return ()  # everyone is "in" the console

    async def can_message(self, *, email: str) -> bool:
        return True  # everyone reads the console

    def escape(self, text: str) -> str:
        return text  # the console renders no markup

    async def set_topic(self, *, channel: str, topic: str) -> None:
        if self.topics.get(channel) == topic:
            return  # as in Slack, setting a topic is a line in the channel: only a new one
        self.topics[channel] = topic
        self.transcript.add(Delivered("topic", channel, topic), f"  {channel}  topic: {topic}")

    async def add_bookmarks(self, *, channel: str, bookmarks: Sequence[Bookmark]) -> None:
        for b in bookmarks:
            self.transcript.add(
                Delivered("bookmark", channel, b.link, b.title),
                f"  {channel}  bookmark: {b.title} <{b.link}>",
            )

    async def update_case_card(self, *, channel: str, card: CaseCard) -> None:
        if self.cards.get(channel) == card:
            return  # a card is updated in place; an unchanged one is not shown again
        self.cards[channel] = card
        self.transcript.items.append(Delivered("card", channel, card.stage))


class ConsoleMail:
    def __init__(self, directory: Directory, transcript: Transcript) -> None:
        self._directory = directory
        self.transcript = transcript
        self._ids = itertools.count(1)

    async def send(
        self,
        *,
        to: Sequence[str],
        subject: str,
        body: str,
        attachments: Sequence[Attachment] = (),
    ) -> str:
        attached = "".join(f"\n[attached: {a.name}, {len(a.content)} bytes]" for a in attachments)
        for address in to:
            person = self._directory.person(address)
            name = person.name if person else address
            self.transcript.add(
                Delivered("email", address, body + attached, subject, tuple(attachments)),
                f"  Email to {name} <{address}>  subject: {subject}\n{_indent(body + attached)}",
            )
        return f"mail-{next(self._ids)}"
