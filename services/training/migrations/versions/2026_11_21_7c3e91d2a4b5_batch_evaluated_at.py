"""batches.evaluated_at: when the report behind a batch's quality score was made

Revision ID: 7c3e91d2a4b5
Revises: 0a16e9eb9db9
Create Date: 2026-11-21 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c3e91d2a4b5"
down_revision: str | None = "0a16e9eb9db9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "batches",
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=True),
        schema="training",
    )


def downgrade() -> None:
    op.drop_column("batches", "evaluated_at", schema="training")
