"""templates and batch tables

Revision ID: 0a16e9eb9db9
Revises: 402340f1885e
Create Date: 2026-11-21 21:21:16.443453
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0a16e9eb9db9"
down_revision: str | None = "402340f1885e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "batches",
        sa.Column(
            "tables",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        schema="training",
    )
    # The expiry pass looks for old ready batches.
    op.create_index(
        "ix_batches_status_created_at",
        "batches",
        ["status", "created_at"],
        unique=False,
        schema="training",
    )
    op.create_table(
        "templates",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("owner_id", sa.UUID(), nullable=False),
        sa.Column("project_id", sa.UUID(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("schema", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_templates")),
        schema="training",
    )
    op.create_index(
        "ix_templates_created_at_id",
        "templates",
        ["created_at", "id"],
        unique=False,
        schema="training",
    )
    op.create_index(
        op.f("ix_training_templates_owner_id"),
        "templates",
        ["owner_id"],
        unique=False,
        schema="training",
    )
    op.create_index(
        op.f("ix_training_templates_project_id"),
        "templates",
        ["project_id"],
        unique=False,
        schema="training",
    )


def downgrade() -> None:
    op.drop_index(
        op.f("ix_training_templates_project_id"), table_name="templates", schema="training"
    )
    op.drop_index(op.f("ix_training_templates_owner_id"), table_name="templates", schema="training")
    op.drop_index("ix_templates_created_at_id", table_name="templates", schema="training")
    op.drop_table("templates", schema="training")
    op.drop_index("ix_batches_status_created_at", table_name="batches", schema="training")
    op.drop_column("batches", "tables", schema="training")
