"""Tables. Rows are persistence shapes only; repositories map them to domain objects."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from bot.adapters.db.coltypes import UtcDateTime, json_type

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonDoc = dict[str, Any]
NOW = text("CURRENT_TIMESTAMP")


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UtcDateTime(),
        JsonDoc: json_type(),
        list[Any]: json_type(),
    }


class CaseRow(Base):
    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("code", "external_ref"),)

    ref: Mapped[str] = mapped_column(String(32), primary_key=True)
    playbook: Mapped[str] = mapped_column(String(64))
    code: Mapped[str] = mapped_column(String(8))
    track: Mapped[str] = mapped_column(String(32))
    stage: Mapped[str] = mapped_column(String(32), index=True)
    notified_on: Mapped[date] = mapped_column(Date)
    received_at: Mapped[datetime]
    external_ref: Mapped[str | None] = mapped_column(String(128))
    channel: Mapped[str] = mapped_column(String(128), default="")
    agencies: Mapped[list[Any]]
    members: Mapped[list[Any]]
    # The most sensitive columns: the child's and family's names and dates of birth. Kept
    # apart so that nothing that dumps a case row by habit picks them up; never logged.
    subject_names: Mapped[list[Any]]
    subject_dobs: Mapped[list[Any]]
    ratified_on: Mapped[date | None] = mapped_column(Date)
    submitted_on: Mapped[date | None] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    threshold_met: Mapped[bool | None] = mapped_column(Boolean)  # the referral track's decision
    threshold_reasons: Mapped[str] = mapped_column(Text, server_default="", default="")
    observers: Mapped[list[Any] | None]  # agency codes the chair chose (information only)
    referred_by: Mapped[str | None] = mapped_column(String(31))  # the referring agency's code
    # Each version of the meeting papers sent: {version, sent_at (ISO, UTC), fingerprint,
    # documents [[file name, sha256]], parts [[agency, digest]], event_attachment}.
    papers: Mapped[list[Any]] = mapped_column(server_default=text("'[]'"), default=list)
    outcome_told_on: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)
    # Row bookkeeping from the database clock; domain times come from the Clock port.
    created_at: Mapped[datetime] = mapped_column(server_default=NOW)
    updated_at: Mapped[datetime] = mapped_column(server_default=NOW, onupdate=func.now())

    requests: Mapped[list[RequestRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="RequestRow.id"
    )
    meeting: Mapped[MeetingRow | None] = relationship(cascade="all, delete-orphan", lazy="selectin")
    decision: Mapped[DecisionRow | None] = relationship(
        cascade="all, delete-orphan", lazy="selectin"
    )

    # The ORM adds "AND version = <loaded>" to every UPDATE; we set the new value ourselves.
    __mapper_args__ = {  # noqa: RUF012 (declarative reads it as a plain class attribute)
        "version_id_col": version,
        "version_id_generator": False,
    }

    def __repr__(self) -> str:  # never show subject columns, even in a debugger or a log
        return f"CaseRow(ref={self.ref!r}, stage={self.stage!r}, version={self.version})"


class RequestRow(Base):
    __tablename__ = "information_requests"
    __table_args__ = (UniqueConstraint("case_ref", "agency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_ref: Mapped[str] = mapped_column(ForeignKey("cases.ref", ondelete="CASCADE"))
    agency: Mapped[str] = mapped_column(String(32))
    due: Mapped[date] = mapped_column(Date)
    sent_on: Mapped[date] = mapped_column(Date)
    delivery: Mapped[str] = mapped_column(String(16))
    state: Mapped[str] = mapped_column(String(16))
    chases: Mapped[list[Any]]
    returned_on: Mapped[date | None] = mapped_column(Date)
    return_kind: Mapped[str | None] = mapped_column(String(32))
    summary: Mapped[str] = mapped_column(Text, default="")
    late_by: Mapped[int] = mapped_column(Integer, default=0)
    # Received, but not clearly from the agency (an email that does not answer our request):
    # the business office confirms it before it counts.
    needs_confirmation: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=text("false")
    )
    additions: Mapped[list[AdditionRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="AdditionRow.id"
    )
    versions: Mapped[list[ReturnVersionRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="ReturnVersionRow.number"
    )


class AdditionRow(Base):
    """What an agency added to its return after it was recorded; rows are only ever added."""

    __tablename__ = "return_additions"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("information_requests.id", ondelete="CASCADE"), index=True
    )
    added_on: Mapped[date] = mapped_column(Date)
    added_by: Mapped[str] = mapped_column(String(320))
    text: Mapped[str] = mapped_column(Text)


class ReturnVersionRow(Base):
    """One version of an agency's structured return; rows are only ever added."""

    __tablename__ = "return_versions"
    __table_args__ = (UniqueConstraint("request_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("information_requests.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(Integer)
    recorded_on: Mapped[date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(320))
    content: Mapped[JsonDoc]  # StructuredReturn.model_dump(mode="json")


class MeetingRow(Base):
    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_ref: Mapped[str] = mapped_column(ForeignKey("cases.ref", ondelete="CASCADE"), unique=True)
    start: Mapped[datetime]
    end: Mapped[datetime]
    day: Mapped[int] = mapped_column(Integer)
    event_id: Mapped[str] = mapped_column(String(512), default="")
    ical_uid: Mapped[str] = mapped_column(String(512), default="", server_default="")
    join_url: Mapped[str | None] = mapped_column(Text)
    attended: Mapped[list[Any] | None]
    held_on: Mapped[date | None] = mapped_column(Date)

    invitations: Mapped[list[InvitationRow]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="InvitationRow.id"
    )


class InvitationRow(Base):
    __tablename__ = "meeting_invitations"
    __table_args__ = (UniqueConstraint("meeting_id", "email"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    information_only: Mapped[bool] = mapped_column(Boolean, default=False)
    response: Mapped[str] = mapped_column(String(16))


class DecisionRow(Base):
    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_ref: Mapped[str] = mapped_column(ForeignKey("cases.ref", ondelete="CASCADE"), unique=True)
    record: Mapped[JsonDoc]  # DecisionRecord.model_dump(mode="json")
    decided_on: Mapped[date] = mapped_column(Date)


class CaseSequenceRow(Base):
    __tablename__ = "case_sequences"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_number: Mapped[int] = mapped_column(Integer)


PENDING = text("done_at IS NULL")
CLAIMED = text("done_at IS NULL AND leased_by IS NOT NULL")


class DueActionRow(Base):
    __tablename__ = "due_actions"
    __table_args__ = (
        # The claim query reads only pending rows in due order: keep that set small and sorted.
        Index(
            "ix_due_actions_pending", "due_at", "id", postgresql_where=PENDING, sqlite_where=PENDING
        ),
        # Who holds claims right now: a handful of rows, read on every tick to free the
        # claims of a worker that died.
        Index(
            "ix_due_actions_claimed",
            "leased_by",
            postgresql_where=CLAIMED,
            sqlite_where=CLAIMED,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(255), unique=True)
    case_ref: Mapped[str | None] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    payload: Mapped[JsonDoc]
    due_at: Mapped[datetime]  # the next attempt
    planned_at: Mapped[datetime | None]  # what it was planned for (None only before 0005)
    lease_until: Mapped[datetime | None]
    leased_by: Mapped[str | None] = mapped_column(String(128))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    external_id: Mapped[str | None] = mapped_column(String(512))
    done_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(16))


class AuditRow(Base):
    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(320))
    action: Mapped[str] = mapped_column(String(64))
    case_ref: Mapped[str | None] = mapped_column(String(32), index=True)
    detail: Mapped[JsonDoc]
    # Unique: two rows can never claim the same predecessor, so the chain cannot fork.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    alg: Mapped[str] = mapped_column(String(16), server_default="sha256")  # how `hash` was made


class SchedulerLeaseRow(Base):
    """Who runs the scheduler on an embedded (SQLite) database, and until when."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))  # "host-pid"
    lease_until: Mapped[datetime]


class DeliveryRow(Base):
    """One person (or channel) an outbox row reached: a restart skips them, sends the rest."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("action_id", "recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("due_actions.id", ondelete="CASCADE"))
    recipient: Mapped[str] = mapped_column(String(400))
    external_id: Mapped[str] = mapped_column(String(512))
    sent_at: Mapped[datetime]


class BookingClaimRow(Base):
    """Who is booking a case's meeting now (one at a time), and how many bookings it had."""

    __tablename__ = "booking_claims"

    case_ref: Mapped[str] = mapped_column(
        ForeignKey("cases.ref", ondelete="CASCADE"), primary_key=True
    )
    sequence: Mapped[int] = mapped_column(Integer)
    holder: Mapped[str | None] = mapped_column(String(128))
    claimed_until: Mapped[datetime | None]


class SeenEventRow(Base):
    """A Slack event already handled: its retries are answered and not handled again."""

    __tablename__ = "seen_events"

    event_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(index=True)


class MailThreadRow(Base):
    """A request (or chase) the bot emailed: an emailed return must answer one of these."""

    __tablename__ = "mail_threads"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_ref: Mapped[str] = mapped_column(String(32), index=True)
    agency: Mapped[str | None] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(320))
    send_id: Mapped[str] = mapped_column(String(512))
    internet_message_id: Mapped[str | None] = mapped_column(String(998), index=True)
    conversation_id: Mapped[str | None] = mapped_column(String(512), index=True)
    sent_at: Mapped[datetime]


class ChatMessageRow(Base):
    """A chat message the bot keeps editing (a Teams case card), or the case chat itself
    (purpose "case_chat", no message): a retried open, a restart or another replica finds
    them here, so no second chat or card is made."""

    __tablename__ = "chat_messages"
    __table_args__ = (UniqueConstraint("purpose", "case_ref"),)

    channel: Mapped[str] = mapped_column(String(256), primary_key=True)
    purpose: Mapped[str] = mapped_column(String(32), primary_key=True)
    case_ref: Mapped[str] = mapped_column(String(64))
    message_id: Mapped[str | None] = mapped_column(String(256))
    content: Mapped[JsonDoc | None]  # what the message shows, to edit it without reading it
    updated_at: Mapped[datetime]
