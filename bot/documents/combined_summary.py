"""The "Combined Summary for meeting" (seed 001 §4.4): Section 1 the case and every agency's
return with the multi-agency chronology, then Sections 2 and 3 for the meeting to complete,
filled from the decision record once there is one."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.documents.case_parts import (
    add_agency_sections,
    add_chronology,
    add_facts,
    add_returns_table,
)
from bot.documents.decision_parts import add_meeting_sections
from bot.documents.views import AgencyReturn, CaseFacts, DecisionView
from bot.documents.word import long_date, new_document, new_section, to_bytes

TITLE = "Combined Summary for meeting"


def combined_summary(
    facts: CaseFacts,
    returns: Sequence[AgencyReturn],
    *,
    version: int,
    made_on: date,
    decision: DecisionView | None = None,
) -> bytes:
    """The papers' main document, as .docx bytes (the same inputs give the same bytes).
    `returns` holds one entry per involved agency, in the order the papers list them."""
    document = new_document(facts.partnership)
    document.add_heading(TITLE, level=0)
    document.add_paragraph(
        f"{facts.track_label} {facts.ref}. Version {version}, made on {long_date(made_on)}."
    )
    document.add_heading("Section 1: The case", level=1)
    add_facts(document, facts)
    document.add_heading("Returns from the agencies", level=2)
    add_returns_table(document, returns)
    document.add_heading("The agencies' returns", level=2)
    add_agency_sections(document, returns)

    new_section(document, facts.partnership, landscape=True)
    document.add_heading("Multi-agency chronology", level=2)
    add_chronology(document, returns)

    new_section(document, facts.partnership, landscape=False)
    add_meeting_sections(document, decision, facts.agencies)
    return to_bytes(
        document,
        partnership=facts.partnership,
        title=f"{TITLE} {facts.ref} v{version}",
        made_on=made_on,
        subject=facts.ref,
    )
