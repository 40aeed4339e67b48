"""jobs.heartbeat_at: the running attempt's last sign of life (no hand-over while recent)

Revision ID: 5f1c2d9e8a37
Revises: 7c3e91d2a4b5
Create Date: 2026-12-01 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5f1c2d9e8a37"
down_revision: str | None = "7c3e91d2a4b5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "jobs",
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        schema="training",
    )


def downgrade() -> None:
    op.drop_column("jobs", "heartbeat_at", schema="training")
