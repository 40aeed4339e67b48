"""dataset tables and relations: tables added to a dataset, the first table's name, and how
the tables relate (foreign keys, sequences, suggestions, referential problems)

Revision ID: 567200054db6
Revises: e5b8c1f0a3d2
Create Date: 2026-12-02 08:35:20.422910
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "567200054db6"
down_revision: str | None = "e5b8c1f0a3d2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dataset_tables",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("dataset_id", sa.UUID(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=63), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.UUID(), nullable=False),
        sa.Column("options", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("detected", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("row_count", sa.BigInteger(), nullable=False),
        sa.Column("train_row_count", sa.BigInteger(), nullable=False),
        sa.Column("holdout_row_count", sa.BigInteger(), nullable=False),
        sa.Column("columns", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("table_metadata", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("stats", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("warnings", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["dataset_id"],
            ["datasets.datasets.id"],
            name=op.f("fk_dataset_tables_dataset_id_datasets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dataset_tables")),
        sa.UniqueConstraint("dataset_id", "name", name=op.f("uq_dataset_tables_dataset_id")),
        schema="datasets",
    )
    op.create_index(
        op.f("ix_datasets_dataset_tables_dataset_id"),
        "dataset_tables",
        ["dataset_id"],
        unique=False,
        schema="datasets",
    )
    op.add_column(
        "datasets",
        sa.Column("table_name", sa.String(length=63), server_default="", nullable=False),
        schema="datasets",
    )
    op.add_column(
        "datasets",
        sa.Column(
            "relations",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'{}'::jsonb"),
            nullable=False,
        ),
        schema="datasets",
    )


def downgrade() -> None:
    op.drop_column("datasets", "relations", schema="datasets")
    op.drop_column("datasets", "table_name", schema="datasets")
    op.drop_index(
        op.f("ix_datasets_dataset_tables_dataset_id"),
        table_name="dataset_tables",
        schema="datasets",
    )
    op.drop_table("dataset_tables", schema="datasets")
