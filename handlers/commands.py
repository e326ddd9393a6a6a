"""`/rapidreview` text -> a typed command, or a clear message saying what was wrong."""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from datetime import date

from bot.domain.cases import parse_ref
from bot.domain.errors import InvalidInput

SUBCOMMANDS = {
    "new": "new <their-ref> <notified YYYY-MM-DD> <agency,agency,...>  open a case",
    "status": "status [case]  timetable, returns, meeting and quorum",
    "schedule": "schedule [case]  ranked quorate meeting slots",
    "observers": "observers [case] <agency> [agency]|none  who attends for information only",
    "book": "book [case] <slot number>  book a slot offered by schedule",
    "move": "move [case] <slot number>  move the meeting to a slot offered by schedule",
    "cancel": "cancel [case] <reason>  cancel the meeting (the invitees see the reason)",
    "quorum": "quorum [case]  whether the booked meeting is still quorate",
    "chase": "chase [case] [agency]  who is outstanding; chase one agency now",
    "confirm": "confirm [case] <agency>  record an emailed return held for the office to confirm",
    "invite-deputy": "invite-deputy [case] <decision maker's email>  invite their deputy",
    "attended": "attended [case] <email,email,...|expected>  who came to the meeting",
    "papers": "papers [case]  the meeting papers as they are now, posted in the case channel",
    "decision": "decision [case]  record the decision (a form in Slack)",
    "ratify": "ratify [case]  the decision was ratified",
    "submit": "submit [case]  send the decision to the National Panel",
    "close": "close [case]  close a submitted case",
    "help": "help  this list",
}


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    case_ref: str | None = None
    args: tuple[str, ...] = ()


def help_text() -> str:
    return "Usage: /rapidreview <command>\n" + "\n".join(
        f"  {line}" for line in SUBCOMMANDS.values()
    )


def _looks_like_ref(word: str) -> bool:
    return "-RR-" in word.upper()


def parse(text: str, channel_case: str | None = None) -> Command:
    """Parse a command; in a case channel the case reference may be left out."""
    try:
        words = shlex.split(text)
    except ValueError as err:
        raise InvalidInput(f"Could not read that command ({err}).") from None
    if not words:
        return Command("help")
    name, rest = words[0].lower(), words[1:]
    if name not in SUBCOMMANDS:
        raise InvalidInput(f"Unknown command '{name[:20]}'. Try one of: {', '.join(SUBCOMMANDS)}.")
    if name in ("help", "new"):
        command = Command(name, None, tuple(rest))
        if name == "new":
            _check_new(command)
        return command
    ref = channel_case
    if rest and _looks_like_ref(rest[0]):
        ref, rest = parse_ref(rest[0]), rest[1:]
    if ref is None:
        raise InvalidInput(
            f"Which case? Use '/rapidreview {name} LLR-RR-2026-014', or run it in the case channel."
        )
    return Command(name, ref, tuple(rest))


def _check_new(command: Command) -> None:
    if len(command.args) != 3:
        raise InvalidInput(f"Usage: /rapidreview {SUBCOMMANDS['new']}")
    try:
        date.fromisoformat(command.args[1])
    except ValueError:
        raise InvalidInput(f"'{command.args[1]}' is not a date; write it as YYYY-MM-DD.") from None
