"""The quorum rule a playbook states, as data (evaluation lives in `quorum`)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.domain.directory import Partner

SeatRole = Literal["chair", "decision_maker", "partnership_manager", "independent_advisor"]


class RequiredSeat(BaseModel):
    """A seat that must be filled: the chair, or the decision maker of one partner."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: SeatRole
    partner: Partner | None = None

    @model_validator(mode="after")
    def _partner_only_for_decision_makers(self) -> RequiredSeat:
        if (self.role == "decision_maker") != (self.partner is not None):
            raise ValueError("a decision_maker seat names its partner; other seats do not")
        return self

    @property
    def label(self) -> str:
        if self.role == "decision_maker" and self.partner is not None:
            return f"the {self.partner.label} decision maker"
        return "the " + self.role.replace("_", " ")


class QuorumRule(BaseModel):
    """Expressive enough for every seed: counts of agencies and partners, named seats, a cap.

    Deputies count for their principal's seat; information-only attendees never count.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    description: str = Field(min_length=1)
    min_partner_agencies: int = Field(default=0, ge=0)
    min_safeguarding_partners: int = Field(default=0, ge=0, le=3)
    required: tuple[RequiredSeat, ...] = ()
    deputies_count: bool = True
    information_only_cap: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _states_something(self) -> QuorumRule:
        if not (self.min_partner_agencies or self.min_safeguarding_partners or self.required):
            raise ValueError("a quorum rule must require agencies, partners or named seats")
        return self
