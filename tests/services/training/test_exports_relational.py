"""One SQL script for a batch of linked tables: loaded into PostgreSQL as is, with its
primary keys and REFERENCES, parents created and filled before their children."""

from __future__ import annotations

import uuid

import fsspec
import pandas as pd
import pytest
import sqlalchemy as sa

from services.training.export_sql import SqlTable, iter_sql_tables
from tests.relational_corpus import airports_by_state
from tests.support import loaded_sql


def _script(tmp_path, tables: dict[str, pd.DataFrame], names: dict[str, str]) -> str:
    for name, table in tables.items():
        table.to_parquet(tmp_path / f"{name}.parquet", index=False)
    ordered = [
        SqlTable(names["states"], str(tmp_path / "states.parquet"), primary_key="state_id"),
        SqlTable(
            names["airports"],
            str(tmp_path / "airports.parquet"),
            primary_key="iata",
            references=(("state_id", names["states"], "state_id"),),
        ),
    ]
    return b"".join(iter_sql_tables(fsspec.filesystem("file"), ordered)).decode()


@pytest.fixture
def names(database_url):
    suffix = uuid.uuid4().hex[:8]
    names = {"states": f"states_{suffix}", "airports": f"airports_{suffix}"}
    yield names
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        for table in (names["airports"], names["states"]):
            conn.exec_driver_sql(f'DROP TABLE IF EXISTS "{table}"')
    engine.dispose()


def test_linked_tables_load_into_postgresql_as_one_script(tmp_path, database_url, names):
    tables = airports_by_state()[0]
    script = _script(tmp_path, tables, names)
    assert script.index(f'CREATE TABLE "{names["states"]}"') < script.index(
        f'CREATE TABLE "{names["airports"]}"'
    )
    with loaded_sql(database_url, script) as conn:
        joined = conn.exec_driver_sql(
            f'SELECT count(*) FROM "{names["airports"]}" a '
            f'JOIN "{names["states"]}" s USING (state_id)'
        ).scalar()
        links = conn.exec_driver_sql(
            "SELECT count(*) FROM information_schema.table_constraints "
            f"WHERE table_name = '{names['airports']}' AND constraint_type = 'FOREIGN KEY'"
        ).scalar()
    assert joined == len(tables["airports"])
    assert links == 1


def test_an_orphan_row_makes_the_whole_script_fail(tmp_path, database_url, names):
    tables = airports_by_state()[0]
    orphan = tables["airports"].iloc[[0]].assign(iata="ZZZ", state_id=999)
    tables["airports"] = pd.concat([tables["airports"], orphan], ignore_index=True)
    script = _script(tmp_path, tables, names)
    engine = sa.create_engine(database_url)
    try:
        with pytest.raises(sa.exc.IntegrityError, match="foreign key"), engine.begin() as conn:
            conn.exec_driver_sql(script)
        with engine.connect() as conn:
            exists = conn.exec_driver_sql(
                f"SELECT to_regclass('public.\"{names['states']}\"')"
            ).scalar()
    finally:
        engine.dispose()
    assert exists is None, "the failed script left tables behind"
