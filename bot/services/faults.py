"""When an outside service keeps failing, the chairs hear it in words.

The outbox keeps retrying (a Slack or Outlook outage usually passes); but a deadline-bound
process cannot wait in silence, so after a few failed attempts (after the first, for the
opening of a case) the chairs are told what is stuck, why, and what has been done so far, by
chat in the case channel or, if chat is what fails or there is no channel yet, by email.
"""

from __future__ import annotations

from bot.logging import get_logger
from bot.services.context import ServiceContext
from bot.services.wording import plural

log = get_logger(__name__)


async def tell_chairs_it_keeps_failing(
    ctx: ServiceContext,
    *,
    case_ref: str | None,
    what: str,
    reason: str,
    attempts: int,
    progress: str | None = None,
) -> None:
    ref = case_ref or "the Rapid Review bot"
    failed = f"has failed {plural(attempts, 'time')}" if attempts > 1 else "failed"
    text = (
        f"{ref}: {what} {failed} ({reason})."
        + (f" So far: {progress}." if progress else "")
        + " The bot keeps trying and will carry on by itself when the service is back;"
        " if it is urgent, do it by hand."
    )
    channel = ""
    if case_ref:
        async with ctx.uow() as uow:
            channel = (await uow.cases.get(case_ref)).channel
    try:
        if not channel:
            raise LookupError("no case channel")
        chairs = await ctx.mentions(ctx.chairs())
        await ctx.chat.post(channel=channel, text=f"{chairs} {text}")
        return
    except Exception as err:  # chat is down or there is no channel: email instead
        log.info("fault_alert_by_email", case_ref=case_ref, why=type(err).__name__)
    try:
        await ctx.mail.send(
            to=ctx.chairs(), subject=f"Rapid Review: {ref} needs attention", body=text
        )
    except Exception as err:  # both down: the log is all that is left
        log.error("fault_alert_undelivered", case_ref=case_ref, error=type(err).__name__)
