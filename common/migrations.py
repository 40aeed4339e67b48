"""Alembic migrations, one history per service, each in the service's own schema.

A service's ``migrations/env.py`` is two lines calling ``run_env``; ``upgrade`` applies a
service's migrations programmatically (``python -m services.<name> migrate``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, create_engine, text

SERVICES_DIR = Path(__file__).resolve().parent.parent / "services"
# Every service that owns tables, in a schema of the service's name: schema -> its migrations.
MIGRATIONS = {
    name: SERVICES_DIR / name / "migrations"
    for name in ("auth", "datasets", "evaluation", "notify", "training")
}


def alembic_config(database_url: str, schema: str, migrations_dir: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["database_url"] = database_url
    config.attributes["schema"] = schema
    return config


def upgrade(database_url: str, schema: str, migrations_dir: Path, revision: str = "head") -> None:
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    finally:
        engine.dispose()
    command.upgrade(alembic_config(database_url, schema, migrations_dir), revision)


def revision(database_url: str, schema: str, migrations_dir: Path, message: str) -> None:
    command.revision(
        alembic_config(database_url, schema, migrations_dir), message=message, autogenerate=True
    )


def include_schema(schema: str) -> Callable[[str | None, str, Any], bool]:
    """Autogenerate's filter: the service's own schema, nothing of the others'."""

    def include(name: str | None, type_: str, parent_names: Any) -> bool:
        return type_ != "schema" or name == schema

    return include


def run_env(metadata: MetaData) -> None:
    """Body of every service's env.py (online mode only: migrations need a database)."""
    config = context.config
    schema = config.attributes["schema"]
    engine = create_engine(config.attributes["database_url"])
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table_schema=schema,
            include_schemas=True,
            include_name=include_schema(schema),
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
