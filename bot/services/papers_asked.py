"""`/rapidreview papers`: the pack as it is now, for the office (the chair, the business
officer, the partnership manager). Posted in the case channel, or emailed to the asker where
the chat cannot hold a file; a draft of the next version unless nothing has changed since the
last one sent. Audited with the document's hash."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.authorisation import Operation
from bot.domain.errors import InvalidInput
from bot.domain.papers import next_version
from bot.services.change import read_case
from bot.services.context import ServiceContext
from bot.services.papers import build_pack, has_papers, pack_inputs


@dataclass(frozen=True, slots=True)
class PapersShown:
    name: str
    where: str  # "channel" or "email"


async def show_papers(ctx: ServiceContext, *, case_ref: str, actor: str) -> PapersShown:
    """The pack as it is now, for the office: in the case channel, or by email to the asker
    where the chat cannot hold a file. A draft until version 1 has gone out."""
    case = await read_case(ctx, case_ref, actor=actor, operation=Operation.SEE_PAPERS)
    if not has_papers(case):
        raise InvalidInput(f"{case.ref} is a referral: it has no meeting papers.")
    inputs = pack_inputs(ctx, case, ctx.now())
    last = case.papers[-1] if case.papers else None
    if last is not None and inputs.unchanged_since(last):
        pack = build_pack(ctx, case, inputs, version=last.version)
        label = f"version {last.version} (as sent)"
    else:
        draft = next_version(case.papers)
        pack = build_pack(ctx, case, inputs, version=draft, draft=True)
        label = f"a draft of version {draft}"
    document, name = pack.document, pack.document.name
    text = f"The meeting papers for {case.ref}, {label}, as asked for by {ctx.name(actor)}."
    posted = await ctx.chat.post_file(channel=case.channel, document=document, text=text)
    where = "channel"
    if posted is None:
        subject = ctx.safe(case, f"Rapid Review meeting papers: {case.ref}", "email subject")
        await ctx.mail.send(to=[actor], subject=subject, body=text, attachments=[document])
        where = "email"
    async with ctx.uow() as uow:
        await ctx.audit(
            uow,
            actor=actor,
            action="papers_shown",
            case_ref=case.ref,
            detail={"name": name, "sha256": pack.sha256, "where": where},
        )
        await uow.commit()
    return PapersShown(name, where)
