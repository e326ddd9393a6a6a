"""What a Teams failure looks like to the rest of the bot, in plain words.

The same domain classes as every other outside service, so the services treat Teams as they
treat Slack and Graph: `Unavailable` is retried by the outbox (and its alert tells the chairs),
`RecipientUnreachable` sends the person an email instead. Messages name the operation and the
connector's status and code, never a token or what was being sent.
"""

from __future__ import annotations

import re

from bot.domain.errors import RecipientUnreachable, Unavailable

_CODE = re.compile(r"[A-Za-z0-9_.]{1,64}")


def clean_code(code: object) -> str:
    text = str(code)
    return text if _CODE.fullmatch(text) else "unexpected_reply"


class ChatUnavailable(Unavailable):
    """The Bot Connector refused a call or could not be reached (after the bot's own bounded
    retries of 429 and 503). The outbox runs its row again later."""

    code = "chat_unavailable"

    def __init__(self, operation: str, status: int, error: str, message: str | None = None):
        self.operation = operation
        self.status = status
        self.error = clean_code(error)
        super().__init__(message or f"Microsoft Teams refused {operation} ({status} {self.error}).")

    @classmethod
    def unreachable(cls, operation: str, exc: BaseException) -> ChatUnavailable:
        # The exception's class, not its text: httpx's messages can carry the URL.
        reason = type(exc).__name__
        return cls(
            operation,
            0,
            "unreachable",
            f"Microsoft Teams could not be reached for {operation} ({reason}).",
        )


class NotInTenant(ChatUnavailable, RecipientUnreachable):
    """Someone Microsoft Graph does not know by that email in the tenant: reach them by
    email. The address is kept on the error for the caller, not put in its message."""

    code = "not_in_tenant"

    def __init__(self, email: str) -> None:
        super().__init__(
            "the user lookup",
            404,
            "NotFound",
            "That person is not in the organisation's Microsoft Teams; reach them by email.",
        )
        self.email = email
