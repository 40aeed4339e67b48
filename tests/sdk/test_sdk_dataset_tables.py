"""A dataset of several tables through the synchronous ``Client``: upload weather's airports,
add weather as a table, read the detected keys and the suggested sequence, set the link and
the sequence, and read back what the training side will see."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from synthetica_client import Client, Dataset
from synthetica_client.errors import BadUserInput
from tests.sdk.conftest import cli, in_thread

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "relational"


async def test_add_a_table_set_its_link_and_sequence(stack):
    account = await stack.account()

    def notebook() -> Dataset:
        with Client(stack.url, token=account.token) as c:
            p = c.projects.create("Flights")
            ds = c.datasets.upload(FIXTURES / "airports.csv", project=p, progress=False)
            ds = ds.add_table(FIXTURES / "weather.csv", name="weather", progress=False)
            assert [t.name for t in ds.tables] == ["airports", "weather"]
            weather = ds.tables[1]
            assert weather.sequence is None and weather.suggested_sequence is not None
            assert weather.suggested_sequence.entity_key == "origin"
            with pytest.raises(BadUserInput):
                ds.add_table(FIXTURES / "planes.csv", name="../planes", progress=False)
            ds.set_relationships(
                foreign_keys=[
                    {
                        "parent_table": "airports",
                        "parent_column": "faa",
                        "child_table": "weather",
                        "child_column": "origin",
                    }
                ]
            )
            return ds.set_sequence("weather", "origin", "time_hour")

    ds = await in_thread(notebook)
    assert ds.tables[1].sequence is not None
    assert ds.tables[1].sequence.order_column == "time_hour"
    assert [(k.parent_table, k.child_column) for k in ds.foreign_keys] == [("airports", "origin")]
    assert [p.orphan_count for p in ds.referential_problems] == [0]


async def test_remove_a_table_and_its_link(stack):
    account = await stack.account()

    def notebook() -> tuple[Dataset, Dataset]:
        with Client(stack.url, token=account.token) as c:
            p = c.projects.create("Flights")
            ds = c.datasets.upload(FIXTURES / "flights.csv", project=p, progress=False)
            linked = ds.add_table(FIXTURES / "airlines.csv", name="airlines", progress=False)
            linked = c.datasets.get(linked.id)
            return linked, ds.remove_table("airlines")

    linked, ds = await in_thread(notebook)
    assert [(k.parent_table, k.child_table) for k in linked.foreign_keys] == [
        ("airlines", "flights")
    ]
    assert [t.name for t in ds.tables] == ["flights"] and ds.foreign_keys == []


async def test_upload_several_tables_in_one_call(stack, tmp_path):
    account = await stack.account()
    (tmp_path / "notes.txt").write_text("not a table\n")

    def notebook() -> Dataset:
        with Client(stack.url, token=account.token) as c:
            p = c.projects.create("Flights")
            with pytest.raises(BadUserInput):
                c.upload_tables(
                    [FIXTURES / "airlines.csv", tmp_path / "notes.txt"], project=p, progress=False
                )
            assert c.datasets.list(p) == []  # refused whole
            return c.upload_tables(
                [FIXTURES / "flights.csv", FIXTURES / "airlines.csv"],
                project=p,
                name="flights",
                progress=False,
            )

    ds = await in_thread(notebook)
    assert [(t.name, t.row_count) for t in ds.tables] == [("flights", 842), ("airlines", 14)]
    assert [(k.parent_table, k.child_table) for k in ds.foreign_keys] == [("airlines", "flights")]


async def test_cli_uploads_several_tables(stack):
    account = await stack.account()
    key = await stack.api_key(account)
    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": key}
    created = await cli("projects", "create", "Shop", "--json", env=env)
    assert created.code == 0, created.err
    project = json.loads(created.out)["id"]
    flights, airlines = FIXTURES / "flights.csv", FIXTURES / "airlines.csv"

    ran = await cli(
        "datasets",
        "upload-tables",
        str(flights),
        str(airlines),
        "--project",
        project,
        "--json",
        env=env,
    )

    assert ran.code == 0, ran.err
    shown = json.loads(ran.out)
    assert [t["name"] for t in shown["tables"]] == ["flights", "airlines"]
    # Without --json: every table with its rows and key, and the link, not the first table alone.
    ran = await cli("datasets", "show", shown["id"], env=env)
    assert ran.code == 0, ran.err
    assert f"Dataset {shown['name']} ({shown['id']}): READY, 2 tables" in ran.out
    assert re.search(r"^Table flights: READY, 842 rows \(\d+ train, \d+ holdout\)", ran.out, re.M)
    assert re.search(r"^Table airlines: READY, 14 rows .*primary key carrier$", ran.out, re.M)
    assert re.search(r"flights\.carrier\s+airlines\.carrier\s+0\s+0", ran.out)
