"""privacy gate releases and job approvals

Revision ID: 150fc388840b
Revises: 5f1c2d9e8a37
Create Date: 2026-12-02 12:19:37.538256
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "150fc388840b"
down_revision: str | None = "5f1c2d9e8a37"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("batches", sa.Column("released_by", sa.UUID(), nullable=True), schema="training")
    op.add_column(
        "batches",
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=True),
        schema="training",
    )
    op.add_column(
        "batches",
        sa.Column("release_reason", sa.Text(), server_default="", nullable=False),
        schema="training",
    )
    op.add_column("jobs", sa.Column("approved", sa.Boolean(), nullable=True), schema="training")
    op.add_column("jobs", sa.Column("reviewed_by", sa.UUID(), nullable=True), schema="training")
    op.add_column(
        "jobs",
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        schema="training",
    )
    op.add_column(
        "jobs",
        sa.Column("review_comment", sa.Text(), server_default="", nullable=False),
        schema="training",
    )


def downgrade() -> None:
    op.drop_column("jobs", "review_comment", schema="training")
    op.drop_column("jobs", "reviewed_at", schema="training")
    op.drop_column("jobs", "reviewed_by", schema="training")
    op.drop_column("jobs", "approved", schema="training")
    op.drop_column("batches", "release_reason", schema="training")
    op.drop_column("batches", "released_at", schema="training")
    op.drop_column("batches", "released_by", schema="training")
