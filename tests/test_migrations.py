"""Each service's models and its migrations agree: Alembic's autogenerate, run against the
service's migrations applied to a real PostgreSQL, finds nothing to write. A model changed
without its migration (`make migration SERVICE=... MESSAGE=...`) fails here."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tools.migrations import SERVICES, differences


@pytest.mark.parametrize("service", SERVICES)
def test_the_models_need_no_migration_that_is_not_written(database_url, service):
    assert differences(database_url, service) == []


def test_a_model_change_without_its_migration_is_found(database_url, monkeypatch):
    """The check sees a column added to a model (here on a copy of the metadata)."""
    from services.notify import models

    changed = sa.MetaData(schema="notify", naming_convention=models.Base.metadata.naming_convention)
    for table in models.Base.metadata.tables.values():
        table.to_metadata(changed)
    sa.Table(
        "notifications",
        changed,
        sa.Column("colour", sa.Text, nullable=True),
        extend_existing=True,
    )
    monkeypatch.setattr("tools.migrations.metadata", lambda service: changed)

    found = differences(database_url, "notify")

    assert [(d[0], d[3].name) for d in found] == [("add_column", "colour")]
