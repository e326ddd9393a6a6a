"""The record of the Rapid Review decision (DOMAIN.md §7); a decision without reasons is refused."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

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
        default=(), description="which Working Together criteria the case meets"
    )
    immediate_safeguarding: str = Field(description="arrangements for the children now")
    summary_of_facts: str = Field(description="what happened, briefly, without names")
    outcome: ReviewOutcome = Field(
        description="an LCSPR, an alternative learning review, or no further review"
    )
    outcome_reasons: str = Field(description="why the LCSPR criteria are or are not met")
    national_review_recommended: bool = Field(
        description="whether the partners recommend a national review to the Panel"
    )
    national_review_reasons: str = Field(description="why a national review is or is not")
    immediate_learning: str = Field(description="learning identified already")
    learning_shared_how: str = Field(description="how that learning is being shared")
    further_learning_potential: str = Field(description="what more a review could teach")
    no_further_learning_reasons: str = Field(
        default="", description="required unless an LCSPR: why no further learning is expected"
    )
    agencies_taking_part: tuple[str, ...] = Field(
        min_length=1, description="the agencies that took part in the review"
    )
    absent_agency_reasons: dict[str, str] = Field(
        default_factory=dict, description="for each involved agency absent, why"
    )
    decided_by: tuple[str, ...] = Field(min_length=1, description="who took the decision")
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
