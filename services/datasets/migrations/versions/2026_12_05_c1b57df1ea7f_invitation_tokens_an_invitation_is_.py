"""invitation tokens: an invitation is taken with its token, not by registering its email

Revision ID: c1b57df1ea7f
Revises: 819866430209
Create Date: 2026-12-05 12:35:11.671487
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c1b57df1ea7f"
down_revision: str | None = "819866430209"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Invitations from before have no token: they stay pending (and listed) until the owner
    # invites again, which gives a token, or withdraws them.
    op.add_column(
        "project_invitations",
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        schema="datasets",
    )
    op.create_unique_constraint(
        op.f("uq_project_invitations_token_hash"),
        "project_invitations",
        ["token_hash"],
        schema="datasets",
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("uq_project_invitations_token_hash"),
        "project_invitations",
        schema="datasets",
        type_="unique",
    )
    op.drop_column("project_invitations", "token_hash", schema="datasets")
