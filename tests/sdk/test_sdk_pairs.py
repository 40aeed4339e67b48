"""A value two columns fix together (nycflights13: a route's distance) read from a notebook
and from the shell: generation keeps it unless asked to perturb rows, and the report counts
the synthetic rows that break it and those on a route the real rows never had."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from synthetica_client import Client
from tests.sdk.conftest import cli, in_thread

ROUTES = Path(__file__).resolve().parents[1] / "fixtures" / "faithful" / "flights_routes.csv"
PAIR = "origin & dest → distance"


async def test_the_report_counts_the_flights_off_their_route_s_distance_in_the_sdk_and_cli(
    stack,
):
    account = await stack.account()

    def notebook() -> dict:
        with Client(stack.url, token=account.token) as c:
            ds = c.datasets.upload(ROUTES, project=c.projects.create("Flights"), progress=False)
            model = c.train(ds, engine="gaussian_copula", seed=1).wait(progress=False)
            free = model.generate(rows=500, seed=4, progress=False)
            # Anomalies, asked for: a perturbed distance is no longer its route's.
            odd = model.generate(rows=300, seed=5, anomalies=0.3, progress=False)
            checks = {}
            for name, batch in (("free", free), ("odd", odd)):
                checks[name] = [
                    (d.description, d.sources, d.violation_count, d.unseen_source_count)
                    for d in batch.report().dependencies
                    if len(d.sources) == 2
                ]
            return {
                "odd": odd.id,
                "rows": {"free": free.to_pandas(), "odd": odd.to_pandas()},
                "checks": checks,
            }

    result = await in_thread(notebook)
    real = pd.read_csv(ROUTES)
    miles = real.groupby(["origin", "dest"])["distance"].first()
    free, odd = result["rows"]["free"], result["rows"]["odd"]
    assert (
        free.join(miles.rename("real"), on=["origin", "dest"])["real"] == free["distance"]
    ).all()
    ((description, sources, broken, unseen),) = result["checks"]["free"]
    assert (description, sources, broken) == (PAIR, ["origin", "dest"], 0)
    # The report learns from the training split: a route only the holdout has is unseen.
    assert unseen < 0.05 * len(free)

    off = odd.join(miles.rename("real"), on=["origin", "dest"])
    wrong = int((off["real"].notna() & (off["real"] != off["distance"])).sum())
    ((_, _, broken, unseen),) = result["checks"]["odd"]
    assert wrong > 30 and wrong - unseen <= broken <= wrong

    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(account)}
    ran = await cli("report", result["odd"], env={**env, "COLUMNS": "200"})
    assert ran.code == 0, ran.err
    assert re.search(rf"not kept {re.escape(PAIR)}\s+{broken} rows", ran.out), ran.out
    paired = re.search(r"never paired origin & dest\s+(\d+) rows", ran.out)
    assert (int(paired.group(1)) if paired else 0) == unseen, ran.out
