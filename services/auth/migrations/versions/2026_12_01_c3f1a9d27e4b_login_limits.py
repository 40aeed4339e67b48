"""login limits: clients an account signed in from, and rate-limited registrations

Revision ID: c3f1a9d27e4b
Revises: b4a4c29d6ec5
Create Date: 2026-12-01 22:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c3f1a9d27e4b"
down_revision: str | None = "b4a4c29d6ec5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_known_clients",
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("client", sa.String(length=200), nullable=False),
        sa.Column("last_success_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("email", "client", name=op.f("pk_login_known_clients")),
        schema="auth",
    )
    op.create_table(
        "rate_events",
        sa.Column("id", sa.UUID(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("key", sa.String(length=320), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rate_events")),
        schema="auth",
    )
    op.create_index(
        "ix_rate_events_kind_key_created_at",
        "rate_events",
        ["kind", "key", "created_at"],
        unique=False,
        schema="auth",
    )


def downgrade() -> None:
    op.drop_index("ix_rate_events_kind_key_created_at", table_name="rate_events", schema="auth")
    op.drop_table("rate_events", schema="auth")
    op.drop_table("login_known_clients", schema="auth")
