"""Structured returns and the meeting papers (issue 13): each version of an agency's reply
template in its own row, kept beside the earlier ones; on the case, the agency that referred
it, each version of the papers sent (with its documents' hashes) and the day the outcome was
told. Existing cases get no referrer and no papers.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "return_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(320), nullable=False),
        sa.Column("content", sa.JSON(none_as_null=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_return_versions"),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["information_requests.id"],
            name="fk_return_versions_request_id_information_requests",
            ondelete="CASCADE",
        ),
        sa.UniqueConstraint("request_id", "number", name="uq_return_versions_request_id_number"),
    )
    # Plain ALTER TABLE ADD COLUMN on both databases: a batch would copy `cases` on SQLite,
    # and dropping the old table there cascades to every request, return and meeting.
    op.add_column("cases", sa.Column("referred_by", sa.String(31), nullable=True))
    op.add_column(
        "cases",
        sa.Column(
            "papers", sa.JSON(none_as_null=True), nullable=False, server_default=sa.text("'[]'")
        ),
    )
    op.add_column("cases", sa.Column("outcome_told_on", sa.Date(), nullable=True))


def downgrade() -> None:
    for column in ("outcome_told_on", "papers", "referred_by"):  # ALTER TABLE DROP COLUMN
        op.drop_column("cases", column)
    op.drop_table("return_versions")
