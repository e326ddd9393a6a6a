"""A partnership's playbook: its counting convention, timetable, chase ladder and quorum."""

from __future__ import annotations

from datetime import time
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.domain.quorum_rule import QuorumRule
from bot.domain.retention import Retention
from bot.domain.workdays import Counting


class Audience(StrEnum):
    """Who a milestone reminder or a chase step is addressed to."""

    BUSINESS_OFFICER = "business_officer"
    CHAIR = "chair"
    DECISION_MAKERS = "decision_makers"
    SPOCS = "spocs"
    SPOC = "spoc"  # the one SPOC of the agency being chased
    STRATEGIC_LEAD = "strategic_lead"  # of the agency being chased
    PARTNERS = "partners"  # the three safeguarding partners' decision makers
    INDEPENDENT_ADVISOR = "independent_advisor"
    CASE_MEMBERS = "case_members"


MEETING_AUDIENCE = frozenset(
    {
        Audience.CHAIR,
        Audience.DECISION_MAKERS,
        Audience.PARTNERS,
        Audience.BUSINESS_OFFICER,
        Audience.INDEPENDENT_ADVISOR,
        Audience.SPOCS,  # the involved agencies' (information only where the quorum caps it)
    }
)
"""Who a meeting's `audience` may name (`bot.domain.invitation` reads it)."""


class ChaseStepKind(StrEnum):
    REMINDER = "reminder"
    CHASE = "chase"
    ESCALATE_CHAIR = "escalate_chair"
    ESCALATE_STRATEGIC_LEAD = "escalate_strategic_lead"
    ESCALATE_PARTNERS = "escalate_partners"


DERIVED_MILESTONES = frozenset({"meeting", "ratification", "panel_deadline"})
"""Added by `build_timetable` from the meeting, ratification and Panel rules."""


class FieldProblem(ValueError):
    """A cross-field rule broken by one field: `loc` (relative to the model) names it, so
    that a file loader can point at its line (`bot.yamlfile`)."""

    def __init__(self, loc: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.loc = loc


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Milestone(_Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str = Field(min_length=1)
    day: int = Field(ge=0)
    audience: tuple[Audience, ...] = Field(min_length=1)


class DayRange(_Strict):
    earliest: int = Field(ge=0)
    latest: int = Field(ge=0)

    @model_validator(mode="after")
    def _ordered(self) -> DayRange:
        if self.earliest > self.latest:
            raise ValueError(f"earliest ({self.earliest}) is after latest ({self.latest})")
        return self


class MeetingRules(_Strict):
    window: DayRange
    preferred: DayRange | None = None  # a narrower window the guidance prefers, if any
    duration_minutes: int = Field(default=90, ge=15, le=480)
    papers_days_before: int = Field(default=1, ge=0, le=5)
    audience: tuple[Audience, ...] = (Audience.CHAIR, Audience.DECISION_MAKERS)

    @model_validator(mode="after")
    def _invitable(self) -> MeetingRules:
        for i, who in enumerate(self.audience):
            if who not in MEETING_AUDIENCE:  # one agency's SPOC, a lead: no meeting seat
                allowed = ", ".join(sorted(MEETING_AUDIENCE))
                raise FieldProblem(
                    ("audience", i), f"'{who}' is not invited to meetings; choose from {allowed}"
                )
        return self


class Ratification(_Strict):
    required: bool
    by: str = ""
    after_meeting: DayRange = DayRange(earliest=1, latest=2)


class ChaseStep(_Strict):
    kind: ChaseStepKind
    offset: int = Field(ge=-10, le=10)  # working days from the information deadline
    targets: tuple[Audience, ...] = Field(min_length=1)


class WorkingHours(_Strict):
    start: time = time(9, 0)
    end: time = time(17, 0)
    timezone: str = "Europe/London"

    @model_validator(mode="after")
    def _ordered(self) -> WorkingHours:
        if self.start >= self.end:
            raise ValueError("working hours must start before they end")
        return self


class ReferralTrack(_Strict):
    first_discussion_months: int = Field(default=1, ge=1)
    decision_months: int = Field(default=2, ge=1)


class PreNotification(_Strict):
    """Days from the referral (day 1): partners decide on the threshold, then the LA notifies."""

    decision_by: int = Field(ge=1)
    notify_by: int = Field(ge=1)

    @model_validator(mode="after")
    def _ordered(self) -> PreNotification:
        if self.decision_by > self.notify_by:
            raise FieldProblem(
                ("decision_by",),
                f"the threshold decision (day {self.decision_by}) cannot come after the LA"
                f" notifies (day {self.notify_by})",
            )
        return self


class Playbook(_Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    name: str = Field(min_length=1)
    code: str = Field(pattern=r"^[A-Z]{2,8}$", description="case reference prefix")
    source: str = Field(min_length=1, description="the seed and sections this follows")
    counting: Counting
    working_hours: WorkingHours = WorkingHours()
    milestones: tuple[Milestone, ...] = Field(min_length=1)
    information_deadline: int = Field(ge=0)
    meeting: MeetingRules
    ratification: Ratification
    panel_deadline: int = Field(ge=1)
    chase_ladder: tuple[ChaseStep, ...] = Field(min_length=1)
    quorum: QuorumRule
    referral: ReferralTrack | None = None
    pre_notification: PreNotification | None = None
    retention: Retention = Retention()  # how long a closed case's record is kept

    @model_validator(mode="after")
    def _coherent(self) -> Playbook:
        first = self.first_day
        seen: set[str] = set()
        for i, m in enumerate(self.milestones):
            if m.key in seen:
                raise FieldProblem(("milestones", i, "key"), f"milestone key '{m.key}' is repeated")
            seen.add(m.key)
            if m.key in DERIVED_MILESTONES:
                raise FieldProblem(
                    ("milestones", i, "key"),
                    f"'{m.key}' is derived from the meeting and Panel rules; do not list it",
                )
            if not first <= m.day <= self.panel_deadline:
                raise FieldProblem(
                    ("milestones", i, "day"),
                    f"milestone '{m.key}' is on day {m.day}, outside days"
                    f" {first}-{self.panel_deadline}",
                )
        window = self.meeting.window
        if window.earliest < first or window.latest > self.panel_deadline:
            raise FieldProblem(
                ("meeting", "window"),
                f"the meeting window (days {window.earliest}-{window.latest}) must lie inside"
                f" days {first}-{self.panel_deadline}",
            )
        if self.meeting.preferred and not (
            window.earliest <= self.meeting.preferred.earliest
            and self.meeting.preferred.latest <= window.latest
        ):
            raise FieldProblem(
                ("meeting", "preferred"), "the preferred meeting days must lie inside the window"
            )
        if not first <= self.information_deadline <= self.panel_deadline:
            raise FieldProblem(
                ("information_deadline",),
                f"day {self.information_deadline} is outside days {first}-{self.panel_deadline}",
            )
        offsets = [s.offset for s in self.chase_ladder]
        if offsets != sorted(offsets) or len(set(offsets)) != len(offsets):
            raise FieldProblem(
                ("chase_ladder",), "chase ladder offsets must be distinct and in ascending order"
            )
        kinds = [s.kind for s in self.chase_ladder]
        if len(set(kinds)) != len(kinds):  # a step's outbox key is its kind (`ladder.chase_key`)
            raise FieldProblem(("chase_ladder",), "each kind of chase step may appear only once")
        return self

    @property
    def first_day(self) -> int:
        return 1 if self.counting is Counting.DAY1 else 0

    @property
    def last_day(self) -> int:
        """The furthest working day any rule of this playbook can reach."""
        return max(
            self.panel_deadline,
            self.information_deadline + max(s.offset for s in self.chase_ladder),
            self.meeting.window.latest + self.ratification.after_meeting.latest,
        )
