"""A notification arrives: open the case, its channel, and send every agency its request.

Requests go out only once the case channel exists (the channel is where returns are shown);
when chat was down at opening, the outbox's retry of the channel sends them. A delivery that
fails part-way leaves the requests recorded as sent and tells the chairs by email, so that the
missing ones can be chased (`/rapidreview chase`), never silently dropped.
"""

from __future__ import annotations

from bot.domain.authorisation import SYSTEM
from bot.domain.cases import Case
from bot.domain.notification import Notification
from bot.domain.stages import Stage, Track
from bot.logging import get_logger
from bot.services.cases import Opened, open_case
from bot.services.channel import open_channel
from bot.services.context import ServiceContext
from bot.services.requests import send_information_requests

log = get_logger(__name__)


async def receive_notification(
    ctx: ServiceContext, *, notification: Notification, actor: str
) -> Opened:
    opened = await open_case(ctx, notification=notification, actor=actor)
    if opened.created:
        case = await _request_when_ready(ctx, opened.case, actor=actor)
        return Opened(case, created=True)
    return opened


async def finish_opening(ctx: ServiceContext, *, case_ref: str) -> Case:
    """The outbox's retry: open the channel, then send the requests if not yet sent."""
    case = await open_channel(ctx, case_ref=case_ref, actor=SYSTEM)
    return await _request_when_ready(ctx, case, actor=SYSTEM)


async def _request_when_ready(ctx: ServiceContext, case: Case, *, actor: str) -> Case:
    ready = case.channel and case.stage is Stage.NOTIFIED and case.track is Track.RAPID_REVIEW
    if not ready:
        return case
    try:
        await send_information_requests(ctx, case_ref=case.ref, actor=actor)
    except Exception as err:  # an outside call failed mid-way: the chairs must know
        log.warning("requests_not_all_delivered", case_ref=case.ref, error=type(err).__name__)
        subject = ctx.safe(
            case, f"Rapid Review: {case.ref} requests need checking", "email subject"
        )
        await ctx.mail.send(
            to=ctx.chairs(),
            subject=subject,
            body=f"{case.ref}: the information requests were recorded, but chat failed while"
            f" delivering them ({getattr(err, 'message', type(err).__name__)}). Check"
            " /rapidreview status and chase any agency that has not heard.",
        )
    async with ctx.uow() as uow:
        return await uow.cases.get(case.ref)
