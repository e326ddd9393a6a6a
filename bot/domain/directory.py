"""The partnership directory: who is who, by email, and which agency each person speaks for."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class Role(StrEnum):
    """Partnership-wide roles; agency roles (SPOC, decision maker ...) come from `Agency`."""

    BUSINESS_OFFICER = "business_officer"
    CHAIR = "chair"
    PARTNERSHIP_MANAGER = "partnership_manager"
    INDEPENDENT_ADVISOR = "independent_advisor"


class AgencyRole(StrEnum):
    SPOC = "spoc"
    DECISION_MAKER = "decision_maker"
    DEPUTY = "deputy"
    STRATEGIC_LEAD = "strategic_lead"


class Partner(StrEnum):
    """The three statutory safeguarding partners."""

    LA = "la"
    POLICE = "police"
    HEALTH = "health"

    @property
    def label(self) -> str:
        return {"la": "local authority", "police": "police", "health": "health"}[self.value]


class Person(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    email: str = Field(pattern=EMAIL_PATTERN)
    name: str = Field(min_length=1)
    title: str = ""
    roles: tuple[Role, ...] = ()


class Agency(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^[a-z][a-z0-9-]{1,30}$")
    name: str = Field(min_length=1)
    partner: Partner | None = None
    contact: Literal["chat", "email"] = "chat"
    spoc: str = Field(pattern=EMAIL_PATTERN)
    strategic_lead: str = Field(pattern=EMAIL_PATTERN)
    decision_maker: str | None = Field(default=None, pattern=EMAIL_PATTERN)
    deputy: str | None = Field(default=None, pattern=EMAIL_PATTERN)

    def people(self) -> dict[AgencyRole, str]:
        held = {
            AgencyRole.SPOC: self.spoc,
            AgencyRole.STRATEGIC_LEAD: self.strategic_lead,
            AgencyRole.DECISION_MAKER: self.decision_maker,
            AgencyRole.DEPUTY: self.deputy,
        }
        return {role: email for role, email in held.items() if email}


class Directory(BaseModel):
    """Validated at load time so that every later lookup can trust it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    partnership: str = Field(min_length=1)
    people: tuple[Person, ...] = Field(min_length=1)
    agencies: tuple[Agency, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Directory:
        emails = [p.email.lower() for p in self.people]
        duplicates = sorted({e for e in emails if emails.count(e) > 1})
        if duplicates:
            raise ValueError(f"people listed twice: {', '.join(duplicates)}")
        known = set(emails)
        for agency in self.agencies:
            for role, email in agency.people().items():
                if email.lower() not in known:
                    raise ValueError(
                        f"agency '{agency.code}': {role.value} {email} is not in people"
                    )
        codes = [a.code for a in self.agencies]
        if len(set(codes)) != len(codes):
            raise ValueError("agency codes must be unique")
        for partner in Partner:
            holders = [a for a in self.agencies if a.partner is partner]
            if len(holders) != 1:
                raise ValueError(
                    f"exactly one agency must be the {partner.label} safeguarding partner"
                    f" (found {len(holders)})"
                )
            if holders[0].decision_maker is None:
                raise ValueError(
                    f"agency '{holders[0].code}' is the {partner.label} safeguarding partner"
                    " and needs a decision_maker"
                )
        for needed in (Role.CHAIR, Role.BUSINESS_OFFICER):
            if not any(needed in p.roles for p in self.people):
                raise ValueError(f"nobody holds the role {needed.value}; at least one person must")
        return self

    def person(self, email: str) -> Person | None:
        wanted = email.lower()
        return next((p for p in self.people if p.email.lower() == wanted), None)

    def agency(self, code: str) -> Agency | None:
        return next((a for a in self.agencies if a.code == code), None)

    def partner_agency(self, partner: Partner) -> Agency:
        return next(a for a in self.agencies if a.partner is partner)

    def with_role(self, role: Role) -> list[Person]:
        return [p for p in self.people if role in p.roles]

    def has_role(self, email: str, role: Role) -> bool:
        person = self.person(email)
        return person is not None and role in person.roles

    def agencies_of(self, email: str) -> list[tuple[Agency, AgencyRole]]:
        """Every (agency, role) a person holds."""
        wanted = email.lower()
        return [
            (agency, role)
            for agency in self.agencies
            for role, held_by in agency.people().items()
            if held_by.lower() == wanted
        ]

    def display(self, email: str) -> str:
        person = self.person(email)
        return person.name if person else email
