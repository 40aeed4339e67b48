"""invitations: pending invitations to emails, when a member joined, invitations sent

Revision ID: e5b8c1f0a3d2
Revises: 5d245ceb7ea3
Create Date: 2026-12-01 23:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e5b8c1f0a3d2"
down_revision: str | None = "5d245ceb7ea3"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "project_members",
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=True),
        schema="datasets",
    )
    # Members from before: they were added at once, as members.
    op.execute("UPDATE datasets.project_members SET joined_at = added_at")
    op.create_table(
        "project_invitations",
        sa.Column("project_id", sa.UUID(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("invited_by", sa.UUID(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["datasets.projects.id"],
            name=op.f("fk_project_invitations_project_id_projects"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("project_id", "email", name=op.f("pk_project_invitations")),
        schema="datasets",
    )
    op.create_index(
        op.f("ix_datasets_project_invitations_email"),
        "project_invitations",
        ["email"],
        unique=False,
        schema="datasets",
    )
    op.create_table(
        "invitations_sent",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("user_id", sa.UUID(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations_sent")),
        schema="datasets",
    )
    op.create_index(
        "ix_invitations_sent_user_id_created_at",
        "invitations_sent",
        ["user_id", "created_at"],
        unique=False,
        schema="datasets",
    )


def downgrade() -> None:
    op.drop_index(
        "ix_invitations_sent_user_id_created_at", table_name="invitations_sent", schema="datasets"
    )
    op.drop_table("invitations_sent", schema="datasets")
    op.drop_index(
        op.f("ix_datasets_project_invitations_email"),
        table_name="project_invitations",
        schema="datasets",
    )
    op.drop_table("project_invitations", schema="datasets")
    op.drop_column("project_members", "joined_at", schema="datasets")
