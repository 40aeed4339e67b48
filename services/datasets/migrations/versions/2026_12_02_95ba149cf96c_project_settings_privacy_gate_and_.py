"""project settings: privacy gate and approval required

Revision ID: 95ba149cf96c
Revises: 567200054db6
Create Date: 2026-12-02 12:19:26.858366
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "95ba149cf96c"
down_revision: str | None = "567200054db6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "projects",
        sa.Column("privacy_gate", sa.String(length=20), server_default="off", nullable=False),
        schema="datasets",
    )
    op.add_column(
        "projects",
        sa.Column(
            "approval_required", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        schema="datasets",
    )


def downgrade() -> None:
    op.drop_column("projects", "approval_required", schema="datasets")
    op.drop_column("projects", "privacy_gate", schema="datasets")
