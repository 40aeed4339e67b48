"""reports.requested_by (per-user quota of Evaluate), reports.dataset_id and deleted_datasets
(the deletion cascade of dataset.deleted)

Revision ID: 9d1f3c7a5e20
Revises: 35b4c35ecf8e
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "9d1f3c7a5e20"
down_revision: str | None = "35b4c35ecf8e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "reports",
        sa.Column("requested_by", postgresql.UUID(as_uuid=True), nullable=True),
        schema="evaluation",
    )
    op.add_column(
        "reports",
        sa.Column("dataset_id", postgresql.UUID(as_uuid=True), nullable=True),
        schema="evaluation",
    )
    op.create_index(
        op.f("ix_evaluation_reports_dataset_id"), "reports", ["dataset_id"], schema="evaluation"
    )
    op.create_table(
        "deleted_datasets",
        sa.Column("dataset_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column(
            "deleted_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("dataset_id", name=op.f("pk_deleted_datasets")),
        schema="evaluation",
    )


def downgrade() -> None:
    op.drop_table("deleted_datasets", schema="evaluation")
    op.drop_index(
        op.f("ix_evaluation_reports_dataset_id"), table_name="reports", schema="evaluation"
    )
    op.drop_column("reports", "dataset_id", schema="evaluation")
    op.drop_column("reports", "requested_by", schema="evaluation")
