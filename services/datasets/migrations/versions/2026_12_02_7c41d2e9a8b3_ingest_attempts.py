"""ingest attempts: the number of the latest ingestion attempt of a dataset's first table and
of each added table, which fences the writes of an older attempt

Revision ID: 7c41d2e9a8b3
Revises: 81b223e70ebe
Create Date: 2026-12-02 12:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c41d2e9a8b3"
down_revision: str | None = "81b223e70ebe"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for table in ("datasets", "dataset_tables"):
        op.add_column(
            table,
            sa.Column("ingest_attempt", sa.Integer(), server_default="0", nullable=False),
            schema="datasets",
        )


def downgrade() -> None:
    for table in ("dataset_tables", "datasets"):
        op.drop_column(table, "ingest_attempt", schema="datasets")
