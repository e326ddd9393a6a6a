"""Case stages and the explicit transition table (ARCHITECTURE.md §3.5)."""

from __future__ import annotations

from enum import StrEnum

from bot.domain.errors import IllegalTransition


class Track(StrEnum):
    RAPID_REVIEW = "rapid_review"
    REFERRAL = "referral"  # below the notification threshold: 1 month to discuss, 2 to decide


class Stage(StrEnum):
    NOTIFIED = "notified"
    REQUESTS_SENT = "requests_sent"
    MEETING_BOOKED = "meeting_booked"
    MET = "met"
    DECIDED = "decided"
    RATIFIED = "ratified"
    SUBMITTED = "submitted"
    REFERRAL = "referral"
    DISCUSSED = "discussed"
    THRESHOLD_DECIDED = "threshold_decided"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return _LABELS[self]


class Action(StrEnum):
    SEND_REQUESTS = "send_requests"
    BOOK_MEETING = "book_meeting"
    MOVE_MEETING = "move_meeting"
    CANCEL_MEETING = "cancel_meeting"
    HOLD_MEETING = "hold_meeting"
    RECORD_DECISION = "record_decision"
    RATIFY = "ratify"
    SUBMIT = "submit"
    DISCUSS = "discuss"
    DECIDE_THRESHOLD = "decide_threshold"
    CLOSE = "close"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


_LABELS = {
    Stage.NOTIFIED: "notified, information requests not yet sent",
    Stage.REQUESTS_SENT: "information requests sent, meeting not booked",
    Stage.MEETING_BOOKED: "meeting booked",
    Stage.MET: "meeting held, decision not yet recorded",
    Stage.DECIDED: "decision recorded",
    Stage.RATIFIED: "decision ratified",
    Stage.SUBMITTED: "submitted to the National Panel",
    Stage.REFERRAL: "referral received, not yet discussed",
    Stage.DISCUSSED: "referral discussed, threshold not yet decided",
    Stage.THRESHOLD_DECIDED: "threshold decided",
    Stage.CLOSED: "closed",
}

TRANSITIONS: dict[tuple[Stage, Action], Stage] = {
    (Stage.NOTIFIED, Action.SEND_REQUESTS): Stage.REQUESTS_SENT,
    (Stage.REQUESTS_SENT, Action.BOOK_MEETING): Stage.MEETING_BOOKED,
    (Stage.MEETING_BOOKED, Action.MOVE_MEETING): Stage.MEETING_BOOKED,
    (Stage.MEETING_BOOKED, Action.CANCEL_MEETING): Stage.REQUESTS_SENT,
    (Stage.MEETING_BOOKED, Action.HOLD_MEETING): Stage.MET,
    (Stage.MET, Action.RECORD_DECISION): Stage.DECIDED,
    (Stage.DECIDED, Action.RECORD_DECISION): Stage.DECIDED,  # amend before ratification
    (Stage.DECIDED, Action.RATIFY): Stage.RATIFIED,
    (Stage.DECIDED, Action.SUBMIT): Stage.SUBMITTED,  # only where no ratification is required
    (Stage.RATIFIED, Action.SUBMIT): Stage.SUBMITTED,
    (Stage.SUBMITTED, Action.CLOSE): Stage.CLOSED,
    (Stage.REFERRAL, Action.DISCUSS): Stage.DISCUSSED,
    (Stage.REFERRAL, Action.DECIDE_THRESHOLD): Stage.THRESHOLD_DECIDED,
    (Stage.DISCUSSED, Action.DECIDE_THRESHOLD): Stage.THRESHOLD_DECIDED,
    (Stage.THRESHOLD_DECIDED, Action.CLOSE): Stage.CLOSED,
}

NEXT_STEP = {
    Stage.NOTIFIED: "send the information requests",
    Stage.REQUESTS_SENT: "book the Rapid Review meeting (/rapidreview schedule)",
    Stage.MEETING_BOOKED: "hold the meeting and record who attended",
    Stage.MET: "record the decision (/rapidreview decision)",
    Stage.DECIDED: "have the decision ratified, then submit it (/rapidreview submit)",
    Stage.RATIFIED: "submit the decision to the National Panel (/rapidreview submit)",
    Stage.SUBMITTED: "close the case (/rapidreview close)",
    Stage.REFERRAL: "discuss the referral at the Case Review Group",
    Stage.DISCUSSED: "decide whether the threshold is met",
    Stage.THRESHOLD_DECIDED: "close the case (/rapidreview close)",
    Stage.CLOSED: "nothing: the case is closed",
}

START = {Track.RAPID_REVIEW: Stage.NOTIFIED, Track.REFERRAL: Stage.REFERRAL}


def next_stage(ref: str, stage: Stage, action: Action) -> Stage:
    """The stage after `action`, or a refusal that says where the case is and what comes next."""
    target = TRANSITIONS.get((stage, action))
    if target is None:
        raise IllegalTransition(
            f"{ref} cannot {action.label} now: it is {stage.label}. Next: {NEXT_STEP[stage]}."
        )
    return target
