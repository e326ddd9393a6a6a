"""A person's own action that an outside service could not do just now.

The outbox retries its own rows; nothing retries what a person asked for (a Book press, a slot
search), so the person is told what happened and that it is theirs to try again: never "it
will be tried again later". Chat surfaces add a *Try again* button that repeats the action.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bot.domain.errors import Unavailable
from bot.logging import get_logger

log = get_logger(__name__)


class NotNow(Unavailable):
    code = "not_now"

    def __init__(self, headline: str, reason: str) -> None:
        super().__init__(
            f"{headline} ({reason}). Nothing will try it again by itself; try again in a minute."
        )
        self.reason = reason


@contextmanager
def for_a_person(headline: str, *, case_ref: str) -> Iterator[None]:
    """Say an outside outage as what did not happen (`headline`), and why."""
    try:
        yield
    except NotNow as err:  # said already, by a step inside: say it as this action
        raise NotNow(headline, err.reason) from err
    except Unavailable as err:
        log.info("person_told_to_try_again", case_ref=case_ref, error=type(err).__name__)
        raise NotNow(headline, err.message.rstrip(".")) from err
