"""batch charges: the bytes of generated batches (and of batches being written), counted
against the quota of the account that owns their project

Revision ID: b4d19e7f3a62
Revises: a7e3c9d41b20
Create Date: 2026-12-06 01:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "b4d19e7f3a62"
down_revision: str | None = "a7e3c9d41b20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDEXED = ("account_id", "project_id", "dataset_id")


def upgrade() -> None:
    op.create_table(
        "batch_charges",
        sa.Column("batch_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("part", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("account_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("project_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("dataset_id", postgresql.UUID(as_uuid=True), nullable=True),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("committed", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("batch_id", "part", name=op.f("pk_batch_charges")),
        schema="datasets",
    )
    for column in _INDEXED:
        op.create_index(
            op.f(f"ix_datasets_batch_charges_{column}"),
            "batch_charges",
            [column],
            unique=False,
            schema="datasets",
        )


def downgrade() -> None:
    for column in _INDEXED:
        op.drop_index(
            op.f(f"ix_datasets_batch_charges_{column}"),
            table_name="batch_charges",
            schema="datasets",
        )
    op.drop_table("batch_charges", schema="datasets")
