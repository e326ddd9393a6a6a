"""Domain errors: each carries a message a non-technical user can act on."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the Rapid Review process was broken; `str(err)` is the user-facing message."""

    code = "domain_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    code = "not_found"


class IllegalTransition(DomainError):
    code = "illegal_transition"


class NotAuthorised(DomainError):
    code = "not_authorised"


class InvalidInput(DomainError):
    code = "invalid_input"


class Conflict(DomainError):
    """Someone else changed the same thing at the same moment; trying again is safe."""

    code = "conflict"


class Unavailable(DomainError):
    """An outside service (Outlook, chat) could not do it just now. Who called decides what
    happens next: the outbox retries its own rows; a person's action is said to have failed,
    for them to try again (nothing retries it for them)."""

    code = "unavailable"


class RecipientUnreachable(DomainError):
    """Chat does not know this person (not in the workspace): reach them another way."""

    code = "recipient_unreachable"


class PersonalDataRefused(DomainError):
    """Text bound for a name, topic, subject or log looked like personal data."""

    code = "personal_data_refused"
