"""dataset rules: the rules a dataset's synthetic rows obey (none for datasets from before)

Revision ID: 81b223e70ebe
Revises: 95ba149cf96c
Create Date: 2026-12-02 12:16:35
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "81b223e70ebe"
down_revision: str | None = "95ba149cf96c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "datasets",
        sa.Column(
            "rules",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default=sa.text("'[]'::jsonb"),
            nullable=False,
        ),
        schema="datasets",
    )


def downgrade() -> None:
    op.drop_column("datasets", "rules", schema="datasets")
