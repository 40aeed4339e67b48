"""sharded generation: a row per shard of a split generate job, the batch's part files

Revision ID: a760d0642b38
Revises: 150fc388840b
Create Date: 2026-12-02 15:50:47.609364
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "a760d0642b38"
down_revision: str | None = "150fc388840b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "shards",
        sa.Column("job_id", sa.UUID(), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("start", sa.BigInteger(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("rows_done", sa.BigInteger(), nullable=False),
        sa.Column("data_key", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["job_id"], ["training.jobs.id"], name=op.f("fk_shards_job_id_jobs"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("job_id", "index", name=op.f("pk_shards")),
        schema="training",
    )
    op.add_column(
        "batches",
        sa.Column(
            "parts", postgresql.JSONB(astext_type=sa.Text()), server_default="[]", nullable=False
        ),
        schema="training",
    )
    op.add_column(
        "jobs",
        sa.Column("shards", sa.Integer(), server_default="0", nullable=False),
        schema="training",
    )


def downgrade() -> None:
    op.drop_column("jobs", "shards", schema="training")
    op.drop_column("batches", "parts", schema="training")
    op.drop_table("shards", schema="training")
