"""An order every real row keeps (a day's low below its high), read from a notebook and from
the shell: the report counts the synthetic rows that break it, as a user counts them."""

from __future__ import annotations

import re

import pandas as pd

from synthetica_client import Client
from tests.sdk.conftest import cli, in_thread


async def test_the_report_counts_the_rows_out_of_order_in_the_sdk_and_the_cli(stack, tmp_path):
    from vega_datasets import local_data

    account = await stack.account()
    csv = tmp_path / "seattle-weather.csv"
    local_data.seattle_weather().to_csv(csv, index=False)

    def notebook() -> dict:
        with Client(stack.url, token=account.token) as c:
            ds = c.datasets.upload(csv, project=c.projects.create("Weather"), progress=False)
            model = c.train(ds, engine="gaussian_copula", seed=1).wait(progress=False)
            batch = model.generate(rows=2000, seed=4, progress=False)
            orders = batch.report().orderings
            return {
                "batch": batch.id,
                "rows": batch.to_pandas(),
                "orders": [(o.description, o.violation_count, o.real_rows) for o in orders],
            }

    result = await in_thread(notebook)
    rows: pd.DataFrame = result["rows"]
    broken = int((rows["temp_min"] > rows["temp_max"]).sum())
    assert broken > 0  # GaussianCopula does not learn the order (a rule makes it keep it)
    assert result["orders"] == [("temp_min ≤ temp_max", broken, 1168)]

    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(account)}
    ran = await cli("report", result["batch"], env={**env, "COLUMNS": "200"})
    assert ran.code == 0, ran.err
    assert re.search(rf"out of order temp_min ≤ temp_max\s+{broken:,} rows", ran.out), ran.out
