"""refresh token parent: the token each rotation was traded for (the reuse grace window)

Revision ID: d8e2f4a61b07
Revises: c3f1a9d27e4b
Create Date: 2026-12-05 02:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d8e2f4a61b07"
down_revision: str | None = "c3f1a9d27e4b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("refresh_tokens", sa.Column("parent_id", sa.UUID(), nullable=True), schema="auth")
    op.create_foreign_key(
        op.f("fk_refresh_tokens_parent_id_refresh_tokens"),
        "refresh_tokens",
        "refresh_tokens",
        ["parent_id"],
        ["id"],
        source_schema="auth",
        referent_schema="auth",
        ondelete="CASCADE",
    )
    op.create_index(
        op.f("ix_auth_refresh_tokens_parent_id"),
        "refresh_tokens",
        ["parent_id"],
        unique=False,
        schema="auth",
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_auth_refresh_tokens_parent_id"), "refresh_tokens", schema="auth")
    op.drop_constraint(
        op.f("fk_refresh_tokens_parent_id_refresh_tokens"),
        "refresh_tokens",
        schema="auth",
        type_="foreignkey",
    )
    op.drop_column("refresh_tokens", "parent_id", schema="auth")
