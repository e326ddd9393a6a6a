"""Initial schema: cases and their parts, the outbox, and the append-only audit log.

Revision ID: 0001
Revises:
Create Date: 2026-01-05
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOW = sa.text("CURRENT_TIMESTAMP")
PENDING = sa.text("done_at IS NULL")
REFUSAL = "audit_log is append-only"


def _ts(
    name: str, *, nullable: bool = False, server_default: sa.TextClause | None = None
) -> sa.Column[datetime]:
    return sa.Column(
        name, sa.DateTime(timezone=True), nullable=nullable, server_default=server_default
    )


def _json(name: str, *, nullable: bool = False) -> sa.Column[Any]:
    return sa.Column(name, sa.JSON(none_as_null=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("ref", sa.String(32), nullable=False),
        sa.Column("playbook", sa.String(64), nullable=False),
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("track", sa.String(32), nullable=False),
        sa.Column("stage", sa.String(32), nullable=False),
        sa.Column("notified_on", sa.Date(), nullable=False),
        _ts("received_at"),
        sa.Column("external_ref", sa.String(128), nullable=True),
        sa.Column("channel", sa.String(128), nullable=False),
        _json("agencies"),
        _json("members"),
        _json("subject_names"),
        _json("subject_dobs"),
        sa.Column("ratified_on", sa.Date(), nullable=True),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        _ts("created_at", server_default=NOW),
        _ts("updated_at", server_default=NOW),
        sa.PrimaryKeyConstraint("ref", name="pk_cases"),
        sa.UniqueConstraint("code", "external_ref", name="uq_cases_code_external_ref"),
    )
    op.create_index("ix_cases_stage", "cases", ["stage"])

    op.create_table(
        "information_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(32), nullable=False),
        sa.Column("agency", sa.String(32), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("delivery", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        _json("chases"),
        sa.Column("returned_on", sa.Date(), nullable=True),
        sa.Column("return_kind", sa.String(32), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("late_by", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_information_requests"),
        sa.ForeignKeyConstraint(
            ["case_ref"],
            ["cases.ref"],
            name="fk_information_requests_case_ref_cases",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("case_ref", "agency", name="uq_information_requests_case_ref_agency"),
    )

    op.create_table(
        "meetings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(32), nullable=False),
        _ts("start"),
        _ts("end"),
        sa.Column("day", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.String(512), nullable=False),
        _json("attended", nullable=True),
        sa.Column("held_on", sa.Date(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_meetings"),
        sa.ForeignKeyConstraint(
            ["case_ref"], ["cases.ref"], name="fk_meetings_case_ref_cases", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("case_ref", name="uq_meetings_case_ref"),
    )

    op.create_table(
        "meeting_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(320), nullable=False),
        sa.Column("information_only", sa.Boolean(), nullable=False),
        sa.Column("response", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_meeting_invitations"),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name="fk_meeting_invitations_meeting_id_meetings",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("meeting_id", "email", name="uq_meeting_invitations_meeting_id_email"),
    )

    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(32), nullable=False),
        _json("record"),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_decisions"),
        sa.ForeignKeyConstraint(
            ["case_ref"], ["cases.ref"], name="fk_decisions_case_ref_cases", ondelete="CASCADE"
        ),
        sa.UniqueConstraint("case_ref", name="uq_decisions_case_ref"),
    )

    op.create_table(
        "case_sequences",
        sa.Column("code", sa.String(8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", "year", name="pk_case_sequences"),
    )

    op.create_table(
        "due_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(255), nullable=False),
        sa.Column("case_ref", sa.String(32), nullable=True),
        sa.Column("kind", sa.String(64), nullable=False),
        _json("payload"),
        _ts("due_at"),
        _ts("lease_until", nullable=True),
        sa.Column("leased_by", sa.String(128), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("external_id", sa.String(512), nullable=True),
        _ts("done_at", nullable=True),
        sa.Column("outcome", sa.String(16), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_due_actions"),
        sa.UniqueConstraint("idempotency_key", name="uq_due_actions_idempotency_key"),
    )
    op.create_index("ix_due_actions_case_ref", "due_actions", ["case_ref"])
    op.create_index(
        "ix_due_actions_pending",
        "due_actions",
        ["due_at", "id"],
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )

    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        _ts("at"),
        sa.Column("actor", sa.String(320), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("case_ref", sa.String(32), nullable=True),
        _json("detail"),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name="pk_audit_log"),
        sa.UniqueConstraint("prev_hash", name="uq_audit_log_prev_hash"),
        sa.UniqueConstraint("hash", name="uq_audit_log_hash"),
    )
    op.create_index("ix_audit_log_case_ref", "audit_log", ["case_ref"])
    _make_audit_log_append_only()


def _make_audit_log_append_only() -> None:
    """Refuse UPDATE and DELETE in the database itself, whoever connects; the hash chain then
    shows whether someone with the power to drop these triggers changed a row anyway."""
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log"
                f" BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$"
        f" BEGIN RAISE EXCEPTION '{REFUSAL}' USING ERRCODE = 'insufficient_privilege'; END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log"
        " FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log"
        " FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        op.execute("DROP TABLE audit_log")  # drops its triggers with it
        op.execute("DROP FUNCTION audit_log_append_only()")
    else:
        op.drop_table("audit_log")
    for table in (
        "due_actions",
        "case_sequences",
        "decisions",
        "meeting_invitations",
        "meetings",
        "information_requests",
        "cases",
    ):
        op.drop_table(table)
