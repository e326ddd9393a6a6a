"""Hardening (issue 10): every table the fixes need, in one revision so the chain stays linear.

- `due_actions.planned_at`: when a row was planned for, kept apart from `due_at` (its next
  attempt), so a retried late chase still says the day it was meant for; and a small index of
  the rows claimed now, to free a dead worker's claims on every tick.
- `deliveries`: one row per person (or channel) an outbox row reached, so a restart after a
  crash completes exactly the missing ones.
- `booking_claims`: one booking of a case's meeting at a time, and a sequence per booking so a
  rebooking never reuses an Outlook `transactionId`.
- `seen_events`: Slack events already handled (by `event_id`), across processes and restarts.
- `audit_log.alg`: how a row's hash was made (`sha256` before this revision, `hmac-sha256`
  after), so the chain stays verifiable across the change to a keyed chain.
- `mail_threads`: the request mails the bot sent (ids and conversation), so an emailed return
  is accepted only as a reply to one of them.
- `information_requests.needs_confirmation`: a return received but doubtful (an email that is
  not clearly a reply to our request), for the business office to confirm.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    # Nullable, so SQLite adds it in place (recreating the table would need its partial
    # index reflected); every row written from now on carries it, and old rows get theirs.
    with op.batch_alter_table("due_actions") as batch:
        batch.add_column(_ts("planned_at", nullable=True))
    op.execute("UPDATE due_actions SET planned_at = due_at")
    claimed = sa.text("done_at IS NULL AND leased_by IS NOT NULL")
    op.create_index(
        "ix_due_actions_claimed",
        "due_actions",
        ["leased_by"],
        postgresql_where=claimed,
        sqlite_where=claimed,
    )

    op.create_table(
        "deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("recipient", sa.String(400), nullable=False),
        sa.Column("external_id", sa.String(512), nullable=False),
        _ts("sent_at"),
        sa.PrimaryKeyConstraint("id", name="pk_deliveries"),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["due_actions.id"],
            name="fk_deliveries_action_id_due_actions",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("action_id", "recipient", name="uq_deliveries_action_id_recipient"),
    )

    op.create_table(
        "booking_claims",
        sa.Column("case_ref", sa.String(32), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("holder", sa.String(128), nullable=True),
        _ts("claimed_until", nullable=True),
        sa.PrimaryKeyConstraint("case_ref", name="pk_booking_claims"),
        sa.ForeignKeyConstraint(
            ["case_ref"],
            ["cases.ref"],
            name="fk_booking_claims_case_ref_cases",
            ondelete="CASCADE",
        ),
    )

    op.create_table(
        "seen_events",
        sa.Column("event_id", sa.String(128), nullable=False),
        _ts("seen_at"),
        sa.PrimaryKeyConstraint("event_id", name="pk_seen_events"),
    )
    op.create_index("ix_seen_events_seen_at", "seen_events", ["seen_at"])

    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("alg", sa.String(16), nullable=False, server_default="sha256"))

    op.create_table(
        "mail_threads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_ref", sa.String(32), nullable=False),
        sa.Column("agency", sa.String(32), nullable=True),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("send_id", sa.String(512), nullable=False),
        sa.Column("internet_message_id", sa.String(998), nullable=True),
        sa.Column("conversation_id", sa.String(512), nullable=True),
        _ts("sent_at"),
        sa.PrimaryKeyConstraint("id", name="pk_mail_threads"),
    )
    op.create_index("ix_mail_threads_case_ref", "mail_threads", ["case_ref"])
    op.create_index("ix_mail_threads_conversation_id", "mail_threads", ["conversation_id"])
    op.create_index("ix_mail_threads_internet_message_id", "mail_threads", ["internet_message_id"])

    with op.batch_alter_table("information_requests") as batch:
        batch.add_column(
            sa.Column("needs_confirmation", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("information_requests") as batch:
        batch.drop_column("needs_confirmation")
    op.drop_table("mail_threads")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("alg")
    op.drop_table("seen_events")
    op.drop_table("booking_claims")
    op.drop_table("deliveries")
    op.drop_index("ix_due_actions_claimed", table_name="due_actions")
    with op.batch_alter_table("due_actions") as batch:
        batch.drop_column("planned_at")
