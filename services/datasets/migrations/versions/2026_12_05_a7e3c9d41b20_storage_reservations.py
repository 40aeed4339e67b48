"""storage reservations: the bytes of uploads still streaming, counted against the quota
of the account that owns their project

Revision ID: a7e3c9d41b20
Revises: c1b57df1ea7f
Create Date: 2026-12-05 22:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "a7e3c9d41b20"
down_revision: str | None = "c1b57df1ea7f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "storage_reservations",
        sa.Column("id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("account_id", postgresql.UUID(as_uuid=True), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_storage_reservations")),
        schema="datasets",
    )
    op.create_index(
        op.f("ix_datasets_storage_reservations_account_id"),
        "storage_reservations",
        ["account_id"],
        unique=False,
        schema="datasets",
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_datasets_storage_reservations_account_id"),
        table_name="storage_reservations",
        schema="datasets",
    )
    op.drop_table("storage_reservations", schema="datasets")
