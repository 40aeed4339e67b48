"""outbox trace parent

Revision ID: b4a4c29d6ec5
Revises: 77485dafd237
Create Date: 2026-11-21 20:27:53.977024
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b4a4c29d6ec5"
down_revision: str | None = "77485dafd237"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "outbox", sa.Column("trace_parent", sa.String(length=128), nullable=True), schema="auth"
    )


def downgrade() -> None:
    op.drop_column("outbox", "trace_parent", schema="auth")
