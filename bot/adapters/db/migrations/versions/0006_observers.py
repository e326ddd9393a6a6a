"""The information-only attendees the chair chose for a case's meeting (issue 11).

`cases.observers`: the agency codes whose SPOCs attend for information only, where more are
eligible than the playbook allows (Kent 2024: two); NULL until the chair chooses. Kept on the
case because the choice is made between the schedule answer and the booking.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("observers", sa.JSON(none_as_null=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("observers")
