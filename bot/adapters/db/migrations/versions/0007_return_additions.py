"""Additions to a return (issue 11): what an agency sends after its return was recorded
("attached below", then the file), each kept beside the return in its own row, never over it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "return_additions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("added_on", sa.Date(), nullable=False),
        sa.Column("added_by", sa.String(320), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_return_additions"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["information_requests.id"],
            name="fk_return_additions_request_id_information_requests",
            ondelete="CASCADE",
        ),
    )
    op.create_index("ix_return_additions_request_id", "return_additions", ["request_id"])


def downgrade() -> None:
    op.drop_index("ix_return_additions_request_id", table_name="return_additions")
    op.drop_table("return_additions")
