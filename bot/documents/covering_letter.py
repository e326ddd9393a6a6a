"""The covering letter that goes to the Child Safeguarding Practice Review Panel with the
Rapid Review's Combined Summary (seed 000: "together with supporting documentation and a
covering letter")."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.documents.panel_submission import ratification
from bot.documents.views import CaseFacts, DecisionView, Person
from bot.documents.word import clean, long_date, new_document, to_bytes

LETTER_TITLE = "Covering letter to the Child Safeguarding Practice Review Panel"
PANEL = "The Child Safeguarding Practice Review Panel"


def covering_letter(
    facts: CaseFacts, decision: DecisionView, *, signatories: Sequence[Person], made_on: date
) -> bytes:
    """A short letter to the Panel: the case by reference, the outcome, whether a national
    review is recommended, signed by the chair(s) for the partnership. No child's details:
    they are in the submission it covers."""
    record = decision.record
    national = "recommend" if record.national_review_recommended else "do not recommend"
    document = new_document(facts.partnership)
    document.add_paragraph(clean(facts.partnership))
    document.add_paragraph(long_date(made_on))
    document.add_paragraph(PANEL)
    document.add_paragraph(f"Our reference: {facts.ref}")
    document.add_heading(f"Rapid Review {facts.ref}", level=1)
    document.add_paragraph("Dear Panel members,")
    document.add_paragraph(
        f"Please find attached our Rapid Review of the serious incident notified on"
        f" {long_date(facts.notified_on)}. The safeguarding partners met and decided on"
        f" {long_date(record.decided_on)}: {record.outcome.label}."
    )
    document.add_paragraph(
        f"We {national} a national review. The reasons for both are set out in the attached"
        " Combined Summary for the National Panel."
    )
    document.add_paragraph(ratification(decision))
    document.add_paragraph("Yours sincerely,")
    for person in signatories:
        document.add_paragraph(
            clean(f"{person.name}, {person.role}" if person.role else person.name)
        )
    document.add_paragraph(f"For {clean(facts.partnership)}")
    return to_bytes(
        document,
        partnership=facts.partnership,
        title=f"{LETTER_TITLE} {facts.ref}",
        made_on=made_on,
        subject=facts.ref,
    )
