"""Chat messages the bot edits in place (issue 12): the Teams case chat of each case and the
activity id of its case card, so a retried open, a restart or another replica reuses them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chat_messages",
        sa.Column("channel", sa.String(256), nullable=False),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("case_ref", sa.String(64), nullable=False),
        sa.Column("message_id", sa.String(256), nullable=True),
        sa.Column("content", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "purpose", name="pk_chat_messages"),
        sa.UniqueConstraint("purpose", "case_ref", name="uq_chat_messages_purpose_case_ref"),
    )


def downgrade() -> None:
    op.drop_table("chat_messages")
