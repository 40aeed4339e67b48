"""shards queued a few at a time per job: a shard's message is on the work queue or not yet

Revision ID: 6048d419c1a1
Revises: b3aa32d55158
Create Date: 2026-12-05 13:05:11.538597
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6048d419c1a1"
down_revision: str | None = "b3aa32d55158"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Shards from before were all queued when their job was split.
    op.add_column(
        "shards",
        sa.Column("queued", sa.Boolean(), server_default="true", nullable=False),
        schema="training",
    )


def downgrade() -> None:
    op.drop_column("shards", "queued", schema="training")
