"""The booked meeting's iCalendar UID (the same in every invitee's calendar, to find it again)
and its Teams join link (posted in the case channel).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.add_column(sa.Column("ical_uid", sa.String(512), nullable=False, server_default=""))
        batch.add_column(sa.Column("join_url", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_column("join_url")
        batch.drop_column("ical_uid")
