"""batches by dataset: an index for a dataset's batches, newest first (batches(datasetId))

Revision ID: b3aa32d55158
Revises: a760d0642b38
Create Date: 2026-12-04 20:39:56.288905
"""

from collections.abc import Sequence

from alembic import op

revision: str = "b3aa32d55158"
down_revision: str | None = "a760d0642b38"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_batches_dataset_id_created_at",
        "batches",
        ["dataset_id", "created_at"],
        unique=False,
        schema="training",
    )


def downgrade() -> None:
    op.drop_index("ix_batches_dataset_id_created_at", table_name="batches", schema="training")
