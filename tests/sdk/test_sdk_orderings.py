"""An order every real row keeps (a day's low below its high), read from a notebook and from
the shell: generation keeps it unless asked to perturb rows, and the report counts the
synthetic rows that break it, as a user counts them."""

from __future__ import annotations

import re

import pandas as pd

from tests.sdk.conftest import cli

ORDER = "temp_min ≤ temp_max"
REAL_ROWS = 1168  # seattle-weather's train split: every one keeps the order


def _out_of_order(rows: pd.DataFrame) -> int:
    return int((rows["temp_min"] > rows["temp_max"]).sum())


async def test_the_report_counts_the_rows_out_of_order_in_the_sdk_and_the_cli(
    stack, two_batches, tmp_path
):
    from vega_datasets import local_data

    csv = tmp_path / "seattle-weather.csv"
    local_data.seattle_weather().to_csv(csv, index=False)
    # Anomalies, asked for: a perturbed low or high may leave the order.
    made = await two_batches(csv, "Weather")
    orders = {
        name: [(o.description, o.violation_count, o.real_rows) for o in report.orderings]
        for name, report in made.reports.items()
    }
    assert _out_of_order(made.rows["free"]) == 0
    assert orders["free"] == [(ORDER, 0, REAL_ROWS)]
    broken = _out_of_order(made.rows["odd"])
    assert broken > 0
    assert orders["odd"] == [(ORDER, broken, REAL_ROWS)]

    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(made.account)}
    ran = await cli("report", made.odd_id, env={**env, "COLUMNS": "200"})
    assert ran.code == 0, ran.err
    assert re.search(rf"out of order {ORDER}\s+{broken:,} rows", ran.out), ran.out
