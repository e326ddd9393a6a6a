"""The request emails the bot sent, kept so that an emailed return is trusted only as a reply
to one of them; their Message-ID and conversation are read back from the sent copies."""

from __future__ import annotations

from datetime import timedelta

from bot.domain.mail_trust import MailThread
from bot.logging import get_logger
from bot.ports import RequestThread
from bot.services.context import ServiceContext

log = get_logger(__name__)
LOOK_BACK = timedelta(days=30)  # a sent copy not found in a month is not looked for again
LOOKUPS_PER_READ = 50  # each is one Graph call; the rest wait for the next reading


async def remember_thread(
    ctx: ServiceContext, about: RequestThread, *, recipient: str, send_id: str
) -> None:
    """Keep the email just sent about `about`; its ids are filled in once the mailbox has
    its sent copy (Graph's sendMail answers without them)."""
    async with ctx.uow() as uow:
        await uow.mail_threads.add(
            MailThread(
                case_ref=about.case_ref,
                agency=about.agency,
                recipient=recipient.lower(),
                send_id=send_id,
                sent_at=ctx.now(),
            )
        )
        await uow.commit()


async def resolve_threads(ctx: ServiceContext) -> int:
    """Learn the Message-ID and conversation of recent request emails from their sent copies;
    returns how many were learnt."""
    if ctx.mailbox is None:
        return 0
    async with ctx.uow() as uow:
        waiting = await uow.mail_threads.unresolved(
            sent_after=ctx.now() - LOOK_BACK, limit=LOOKUPS_PER_READ
        )
    found = [(t, await ctx.mailbox.sent_copy(send_id=t.send_id)) for t in waiting]
    learnt = [(t, sent) for t, sent in found if sent is not None]
    if learnt:
        async with ctx.uow() as uow:
            for thread, sent in learnt:
                await uow.mail_threads.resolve(thread.send_id, sent)
            await uow.commit()
    if len(learnt) < len(waiting):
        log.info("sent_copies_not_found_yet", count=len(waiting) - len(learnt))
    return len(learnt)
