"""The Panel submission: the Combined Summary for the National Panel and its covering letter,
as Word documents built from the stored decision record.

They are built from the record on the day it was submitted, so building them again (for the
email, after a crash, or to prove later what was sent) gives the same bytes and hashes.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.documents.covering_letter import covering_letter
from bot.documents.panel_submission import panel_submission
from bot.documents.views import Person
from bot.documents.word import file_name, sha256_hex
from bot.domain.cases import Case
from bot.domain.errors import InvalidInput
from bot.ports import WORD_CONTENT_TYPE, Attachment
from bot.services.context import ServiceContext
from bot.services.papers_view import agency_returns, case_facts, decision_view

MAIL_LIMIT_BYTES = 3 * 1024 * 1024  # Graph's limit for a message sent with its attachments


@dataclass(frozen=True, slots=True)
class PanelDocuments:
    submission: Attachment
    letter: Attachment

    @property
    def attachments(self) -> list[Attachment]:
        return [self.submission, self.letter]

    def hashes(self) -> list[dict[str, str]]:
        """Each document's name and SHA-256, for the audit log."""
        return [{"name": a.name, "sha256": sha256_hex(a.content)} for a in self.attachments]


def panel_documents(ctx: ServiceContext, case: Case) -> PanelDocuments:
    """The submission and its letter, as of the day the case was submitted."""
    decision = decision_view(ctx, case)
    if decision is None:
        raise InvalidInput(f"{case.ref} has no decision recorded yet.")
    made_on = case.submitted_on or ctx.today()
    facts = case_facts(ctx, case)
    returns = agency_returns(ctx, case, as_of=made_on)
    signed_by = tuple(Person(ctx.name(chair), "Chair") for chair in ctx.chairs())
    documents = PanelDocuments(
        submission=Attachment(
            file_name(case.ref, "panel-submission"),
            panel_submission(facts, returns, decision, made_on=made_on),
            WORD_CONTENT_TYPE,
        ),
        letter=Attachment(
            file_name(case.ref, "covering-letter"),
            covering_letter(facts, decision, signatories=signed_by, made_on=made_on),
            WORD_CONTENT_TYPE,
        ),
    )
    size = sum(len(a.content) for a in documents.attachments)
    if size > MAIL_LIMIT_BYTES:
        raise InvalidInput(
            f"The Panel documents for {case.ref} come to {size / 1_048_576:.1f} MB, more than"
            " an email can carry (3 MB); send them to the Panel by its portal instead."
        )
    return documents
