"""Fictional cases for the document builders' tests and benchmark: a child who does not
exist, four agencies (a full structured return, a nil return, a free-text factual summary,
and one missing), and a decision record."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

from docx import Document

from bot.documents.views import AgencyName, AgencyReturn, CaseFacts, DecisionView, ReturnStatus
from bot.domain.decision import Criterion, DecisionRecord, ReviewOutcome
from bot.domain.requests import Addition
from bot.domain.returns import (
    ChronologyEntry,
    Involvement,
    KeyContact,
    ReturnKind,
    StructuredReturn,
)

PARTNERSHIP = "Loamshire Safeguarding Children Partnership"
REF = "LLR-RR-2026-001"
CHILD = "Poppy Quillfeather"  # fictional
DOB = date(2024, 2, 29)
MADE_ON = date(2026, 11, 20)
POLICE = AgencyName("police", "Loamshire Constabulary")
SCHOOL = AgencyName("school", "Northfield Primary School")
SOCIAL_CARE = AgencyName("la", "Children's Social Care")
HEALTH = AgencyName("health", "Loamshire Hospitals NHS Trust")
AGENCIES = (POLICE, SCHOOL, SOCIAL_CARE, HEALTH)


def facts(agencies: tuple[AgencyName, ...] = AGENCIES) -> CaseFacts:
    return CaseFacts(
        ref=REF,
        partnership=PARTNERSHIP,
        track_label="Rapid Review",
        notified_on=date(2026, 11, 2),
        external_ref="SIN-4471",
        child_names=(CHILD,),
        dates_of_birth=(DOB,),
        agencies=agencies,
        meeting_start=datetime(2026, 11, 24, 10, 0),
        meeting_day=date(2026, 11, 24),
        information_deadline=date(2026, 11, 11),
        panel_deadline=date(2026, 11, 23),
    )


def entry(day: date, what: str, until: date | None = None) -> ChronologyEntry:
    return ChronologyEntry(on=day, until=until, what=what, who="duty sergeant", source="NICHE 1")


POLICE_RETURN = StructuredReturn(
    involvement=Involvement.FULL,
    period_from=date(2026, 9, 1),
    period_to=date(2026, 11, 1),
    contacts=(KeyContact(name="DS Amber Lyle", role="Investigating officer"),),
    chronology=(
        entry(date(2026, 10, 5), "police: domestic incident attended"),
        entry(date(2026, 9, 3), "police: welfare check", until=date(2026, 9, 6)),
        entry(date(2026, 10, 5), "police: referral to children's social care"),
    ),
    analysis="Two attendances; the second referral was made the same day.",
    learning="Information sharing out of hours.",
    safeguarding_actions="Sibling placed with grandmother under police protection.",
    records_secured=True,
    partial=True,
)
SCHOOL_RETURN = StructuredReturn(
    involvement=Involvement.LIMITED,
    chronology=(
        entry(date(2026, 10, 5), "school: absence reported"),
        entry(date(2026, 9, 3), "school: started reception class"),
    ),
    analysis="Attendance 81% this term.",
)


def returns() -> list[AgencyReturn]:
    return [
        AgencyReturn(
            POLICE,
            ReturnStatus.RETURNED,
            ReturnKind.FULL,
            date(2026, 11, 13),
            late_by=2,
            structured=POLICE_RETURN,
            version=2,
            summary="Full return attached.",
            additions=(Addition(date(2026, 11, 16), "spoc@police.example", "Body map added."),),
        ),
        AgencyReturn(
            SCHOOL,
            ReturnStatus.RETURNED,
            ReturnKind.FACTUAL_SUMMARY,
            date(2026, 11, 10),
            structured=SCHOOL_RETURN,
            version=1,
        ),
        AgencyReturn(SOCIAL_CARE, ReturnStatus.RETURNED, ReturnKind.NIL, date(2026, 11, 9)),
        AgencyReturn(HEALTH, ReturnStatus.MISSING, overdue_by=6),
    ]


RECORD = DecisionRecord(
    considered_against_criteria=True,
    criteria_met=(Criterion.AGENCIES_WORKING_TOGETHER, Criterion.RECURRENT_THEMES),
    immediate_safeguarding="The sibling lives with the grandmother; a child protection plan.",
    summary_of_facts="A toddler was admitted with a head injury after a fall at home.",
    outcome=ReviewOutcome.ALTERNATIVE_LEARNING_REVIEW,
    outcome_reasons="Learning is about out-of-hours information sharing only.",
    national_review_recommended=False,
    national_review_reasons="No issue of national importance.",
    immediate_learning="Out-of-hours referrals need a next-day check.",
    learning_shared_how="Seven-minute briefing to all partners.",
    further_learning_potential="Limited.",
    no_further_learning_reasons="A practice learning event covers the remaining learning.",
    agencies_taking_part=("police", "school", "la"),
    absent_agency_reasons={"health": "Return outstanding; the Trust sent apologies."},
    decided_by=("chair@loamshire.example", "dcs@loamshire.example"),
    decided_on=date(2026, 11, 24),
)


def decision() -> DecisionView:
    return DecisionView(
        record=RECORD,
        decided_by=("Alex Chair", "Sam Director"),
        agencies=AGENCIES,
        ratified_on=date(2026, 11, 26),
        ratified_by=("Executive Group",),
        submitted_on=date(2026, 11, 27),
    )


def big_returns(agencies: int = 12, entries: int = 200) -> list[AgencyReturn]:
    """`agencies` full returns of `entries` chronology entries each, days interleaved."""
    start = date(2025, 1, 1)
    made = []
    for a in range(agencies):
        agency = AgencyName(f"agency-{a:02d}", f"Agency number {a}")
        chronology = tuple(
            ChronologyEntry(
                on=start + timedelta(days=(i * 7 + a) % 600),
                what=f"Event {i} recorded by agency {a}: a visit, what was seen and said. " * 3,
                who="health visitor; mother",
                source=f"SystmOne {a}-{i}",
            )
            for i in range(entries)
        )
        content = StructuredReturn(
            involvement=Involvement.FULL, chronology=chronology, analysis="Analysis. " * 200
        )
        made.append(
            AgencyReturn(
                agency, ReturnStatus.RETURNED, ReturnKind.FULL, start, structured=content, version=1
            )
        )
    return made


def filled_template(
    template: bytes, answers: dict[str, str], chronology: list[tuple[str, ...]]
) -> bytes:
    """`template` as a SPOC returns it from Word: each answer put in the row whose label
    starts with its key, the chronology's rows from the top (more added as needed)."""
    document = Document(io.BytesIO(template))
    tables = {t.rows[0].cells[0].text: t for t in document.tables}
    for row in tables["Question"].rows[1:]:
        for start, text in answers.items():
            if row.cells[0].text.startswith(start):
                row.cells[1].text = text
    rows = tables["Date"]
    for number, texts in enumerate(chronology, start=1):
        while len(rows.rows) <= number:
            rows.add_row()
        for cell, text in zip(rows.rows[number].cells, texts, strict=False):
            cell.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
