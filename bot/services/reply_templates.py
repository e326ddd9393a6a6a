"""The Word reply template by email: made for each request that goes by email, and found in
the reply that brings it back filled in.

A reply's Word documents are untrusted; `bot.documents.read_reply_template` bounds and reads
them. A document that is not a reply template at all (the agency's own report) is an
ordinary attachment; one that is the template but cannot be read is refused, with the reason.
"""

from __future__ import annotations

from datetime import date

from bot.documents import (
    AgencyName,
    NotATemplate,
    TemplateUnreadable,
    file_name,
    read_reply_template,
    reply_template,
)
from bot.domain.cases import Case
from bot.domain.returns import StructuredReturn
from bot.ports import WORD_CONTENT_TYPE, Attachment, ReceivedMail, is_word_document
from bot.services.context import ServiceContext

HOW_TO_RETURN_IT = (
    "Fill in the attached reply template (a Word document) and send it back as a reply to"
    " this email, attaching any other documents; or reply with your return in the email"
    ' itself. If your agency had no involvement, reply "Nil return".'
)


def template_for(ctx: ServiceContext, case: Case, agency: str, due: date) -> tuple[Attachment, ...]:
    """The reply template for `agency` on `case`: the request email's attachments."""
    content = reply_template(
        ref=case.ref,
        partnership=ctx.playbook.name,
        agency=AgencyName(agency, ctx.agency_name(agency)),
        due=due,
        made_on=ctx.today(),
    )
    name = file_name(case.ref, "reply-template", agency=agency)
    return (Attachment(name, content, WORD_CONTENT_TYPE),)


def template_in(
    mail: ReceivedMail, case_ref: str, agency: str
) -> StructuredReturn | TemplateUnreadable | None:
    """The return held by the reply template attached to `mail`; why it cannot be read; or
    None when none of its Word documents is a reply template."""
    for document in mail.files:
        if not is_word_document(document.name, document.content_type):
            continue
        try:
            _, _, content = read_reply_template(
                document.content, expected_ref=case_ref, expected_agency=agency
            )
        except NotATemplate:
            continue
        except TemplateUnreadable as unreadable:
            return unreadable
        return content
    return None


def refusal(ctx: ServiceContext, case: Case, unreadable: TemplateUnreadable) -> str:
    """What the sender is told, by email. The reason may quote a cell of their template:
    anything in it that looks like the child's details is redacted."""
    reason = ctx.guard(case).redact(unreadable.message)
    return (
        f"Your reply template for {case.ref} could not be recorded: {reason}\n\n"
        "Nothing from your email has been recorded yet, and the request stays open. Please"
        " correct the template and send it again as a reply to the request email."
    )
