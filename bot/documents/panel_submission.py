"""The Rapid Review's Combined Summary for the National Panel, laid out after the national
template's list of what the rapid review must record (seeds 000 and 003 §4.3), each field of
the decision record under its own heading, then the child's identifying details and the
agencies' returns. And the covering letter that goes with it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.documents.case_parts import add_facts, add_returns_table
from bot.documents.decision_parts import add_fields, consideration_fields, decision_fields
from bot.documents.views import AgencyReturn, CaseFacts, DecisionView
from bot.documents.word import clean, long_date, new_document, to_bytes

TITLE = "Rapid Review: Combined Summary for the National Panel"

# The national template's order; each label is one of decision_parts' field labels.
PANEL_ORDER = (
    "Considered against the Working Together criteria",
    "Criteria met",
    "Immediate safeguarding arrangements for the children",
    "Summary of the facts",
    "Decision",
    "Reasons for the decision",
    "National review recommended",
    "Reasons about a national review",
    "Immediate learning already established",
    "How that learning is being shared",
    "Potential for further learning",
    "Why no further learning is expected",
    "Agencies taking part in the rapid review",
    "Involved agencies not taking part, and why",
    "Who took the decision",
    "Date of the decision",
)


def panel_fields(facts: CaseFacts, decision: DecisionView) -> list[tuple[str, str]]:
    fields = dict(consideration_fields(decision) + decision_fields(decision, facts.agencies))
    return [(label, fields[label]) for label in PANEL_ORDER]


def ratification(decision: DecisionView) -> str:
    if decision.ratified_on is None:
        return "Not ratified yet."
    by = f" by {', '.join(decision.ratified_by)}" if decision.ratified_by else ""
    return f"Ratified{by} on {long_date(decision.ratified_on)}."


def panel_submission(
    facts: CaseFacts, returns: Sequence[AgencyReturn], decision: DecisionView, *, made_on: date
) -> bytes:
    """The Panel submission as .docx bytes (the same inputs give the same bytes)."""
    document = new_document(facts.partnership)
    document.add_heading(TITLE, level=0)
    document.add_paragraph(
        f"{clean(facts.partnership)}. {facts.track_label} {facts.ref}, notified on"
        f" {long_date(facts.notified_on)}. Made on {long_date(made_on)}."
    )
    document.add_paragraph(ratification(decision))
    document.add_heading("The rapid review record", level=1)
    add_fields(document, panel_fields(facts, decision), level=2)
    document.add_heading("Relevant identifying details of the child and the case", level=1)
    add_facts(document, facts)
    document.add_heading("The agencies' returns", level=1)
    add_returns_table(document, returns)
    return to_bytes(
        document,
        partnership=facts.partnership,
        title=f"{TITLE} {facts.ref}",
        made_on=made_on,
        subject=facts.ref,
    )
