"""The record of the Rapid Review decision (DOMAIN.md §7); a decision without reasons is refused."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class ReviewOutcome(StrEnum):
    LCSPR = "lcspr"
    ALTERNATIVE_LEARNING_REVIEW = "alternative_learning_review"
    NO_FURTHER_REVIEW = "no_further_review"

    @property
    def label(self) -> str:
        return {
            "lcspr": "Commission a Local Child Safeguarding Practice Review",
            "alternative_learning_review": "No LCSPR; an alternative learning review",
            "no_further_review": "No further review",
        }[self.value]


class Criterion(StrEnum):
    """Working Together criteria the decision weighs (seeds 000 and 001 §1.4)."""

    IMPROVEMENTS_NEEDED = "improvements_needed"
    RECURRENT_THEMES = "recurrent_themes"
    AGENCIES_WORKING_TOGETHER = "agencies_working_together"
    PANEL_PREFERS_LOCAL = "panel_prefers_local"
    SINGLE_AGENCY_CONCERN = "single_agency_concern"
    NO_AGENCY_INVOLVEMENT = "no_agency_involvement"
    CROSS_BOUNDARY = "cross_boundary"
    INSTITUTIONAL_SETTING = "institutional_setting"


# Slack's longest text input; the decision form's boxes and the record share this limit.
TEXT_MAX_CHARS = 3000
AGENCIES_MAX = 50
DECIDERS_MAX = 20
Words = Annotated[str, Field(max_length=TEXT_MAX_CHARS)]
AgencyCode = Annotated[str, Field(min_length=1, max_length=31)]
Email = Annotated[str, Field(min_length=3, max_length=254)]


def _needs_words(value: str) -> str:
    if not value.strip():
        raise ValueError("must be filled in")
    return value.strip()


class DecisionRecord(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    considered_against_criteria: bool = Field(
        description="whether the case was considered against the LCSPR criteria"
    )
    criteria_met: tuple[Criterion, ...] = Field(
        default=(),
        max_length=len(Criterion),
        description="which Working Together criteria the case meets",
    )
    immediate_safeguarding: Words = Field(description="arrangements for the children now")
    summary_of_facts: Words = Field(description="what happened, briefly, without names")
    outcome: ReviewOutcome = Field(
        description="an LCSPR, an alternative learning review, or no further review"
    )
    outcome_reasons: Words = Field(description="why the LCSPR criteria are or are not met")
    national_review_recommended: bool = Field(
        description="whether the partners recommend a national review to the Panel"
    )
    national_review_reasons: Words = Field(description="why a national review is or is not")
    immediate_learning: Words = Field(description="learning identified already")
    learning_shared_how: Words = Field(description="how that learning is being shared")
    further_learning_potential: Words = Field(description="what more a review could teach")
    no_further_learning_reasons: Words = Field(
        default="", description="required unless an LCSPR: why no further learning is expected"
    )
    agencies_taking_part: tuple[AgencyCode, ...] = Field(
        min_length=1,
        max_length=AGENCIES_MAX,
        description="the agencies that took part in the review",
    )
    absent_agency_reasons: dict[AgencyCode, Words] = Field(
        default_factory=dict,
        max_length=AGENCIES_MAX,
        description="for each involved agency absent, why",
    )
    decided_by: tuple[Email, ...] = Field(
        min_length=1, max_length=DECIDERS_MAX, description="who took the decision"
    )
    decided_on: date = Field(description="the date of the decision")

    _required_words = field_validator(
        "immediate_safeguarding",
        "summary_of_facts",
        "outcome_reasons",
        "national_review_reasons",
        "immediate_learning",
        "learning_shared_how",
        "further_learning_potential",
    )(_needs_words)

    @model_validator(mode="after")
    def _reasons_where_required(self) -> DecisionRecord:
        if self.outcome is not ReviewOutcome.LCSPR and not self.no_further_learning_reasons.strip():
            raise ValueError(
                "no_further_learning_reasons: without an LCSPR, say why no further learning"
                " is expected"
            )
        missing = [a for a, why in self.absent_agency_reasons.items() if not why.strip()]
        if missing:
            raise ValueError(f"absent_agency_reasons: give a reason for {', '.join(missing)}")
        return self

    def absent_agencies(self, usual: list[str]) -> list[str]:
        return [a for a in usual if a not in self.agencies_taking_part]
