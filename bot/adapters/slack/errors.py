"""What a Slack failure looks like to the rest of the bot: one domain error, in plain English."""

from __future__ import annotations

import re

from bot.domain.errors import DomainError, RecipientUnreachable

# Slack's codes are short snake_case words; anything else a server sends back is not repeated.
_CODE = re.compile(r"[a-z0-9_.]{1,64}")


def clean_code(code: object) -> str:
    text = str(code)
    return text if _CODE.fullmatch(text) else "unexpected_reply"


class ChatUnavailable(DomainError):
    """Slack refused a call or could not be reached (after the client's own retries).

    The message names the Web API method and Slack's error code, never the token or the
    request's content, so it can be shown to a chair and written to the log as it is.
    """

    code = "chat_unavailable"

    def __init__(self, method: str, error: str, message: str | None = None) -> None:
        self.method = method
        self.error = clean_code(error)
        super().__init__(message or f"Slack refused {method}: {self.error}")

    @classmethod
    def unreachable(cls, method: str, exc: BaseException) -> ChatUnavailable:
        # The exception's class, not its text: aiohttp's messages can carry the URL and headers.
        reason = type(exc).__name__
        return cls(method, "unreachable", f"Slack could not be reached for {method} ({reason})")


class NotInWorkspace(ChatUnavailable, RecipientUnreachable):
    """A direct message to someone Slack does not know by that email: reach them by email.
    The address is kept on the error for the caller, not put in its message."""

    code = "not_in_workspace"

    def __init__(self, email: str) -> None:
        super().__init__(
            "users.lookupByEmail",
            "users_not_found",
            "That person is not in the Slack workspace (users_not_found); reach them by email.",
        )
        self.email = email
