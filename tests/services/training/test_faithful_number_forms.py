"""Stat2Data's Marathon, side by side with its synthetic rows: `Miles` written as the real
file writes it (`5.0`, `13.1`, `5.25`: pandas' floats, at least one decimal), and `Pace` the
run's `Time` / `Miles` (to the second; `PaceMin` = `TimeMin` / `Miles` to 3 decimals) in every
row, a ratio (`common.contracts.ratios`).

Before: the decimals of `Miles` vary (1,125 rows of one, `5.25` and `2.25` of two), so none
were kept and every download wrote `16` for `16.0`; `Pace` was learned on its own
(gaussian_copula, seed 2, 300 rows: `145:36:00` over 16.0 miles beside a pace of `8:13:43`,
not `9:06:00`; every row off by more than a second, for tabular_argn too).
"""

from __future__ import annotations

import io
import json

import fsspec
import numpy as np
import pandas as pd
import pytest

from common.contracts.ratios import MAX_COLUMNS
from common.contracts.totals import find_totals
from services.datasets.ingest import ingest
from services.evaluation.report.totals import real_totals
from synthetica.training.v1 import training_pb2
from tests.corpus import shared_tables
from tests.services.training.faithful_world import (
    FIXTURES,
    QUICK_PARAMS,
    exported,
    ingested,
    reported,
    sample,
    train,
    unmended,
)

RATIOS = {"Pace = Time/Miles", "PaceMin = TimeMin/Miles"}


def _forms(text: str) -> dict[str, tuple[int | None, int | None]]:
    """Each number column's (decimals, least decimals) as ingestion finds them in CSV text."""
    data = text.encode()
    fs = fsspec.filesystem("memory")
    result = ingest(lambda: io.BytesIO(data), fs=fs, out_path="/forms.parquet")
    return {c.name: (c.decimals, c.least_decimals) for c in result.columns}


def test_ingestion_keeps_the_fewest_decimals_where_they_vary():
    assert _forms("a\n5.0\n13.1\n5.25\n")["a"] == (None, 1)  # pandas' floats
    assert _forms("a\n12.50\n3.125\n")["a"] == (None, 2)
    assert _forms("a\n5.0\n6.0\n")["a"] == (1, None)  # one form: fixed, as before
    # No form to keep: a value without decimals (as R writes 8 beside 7.5), an exponent.
    assert _forms("a\n8\n7.5\n")["a"] == (None, None)
    assert _forms("a\n1.0e3\n2.25\n")["a"] == (None, None)
    assert _forms('a\n"1,234.5"\n"2,000.25"\n')["a"] == (None, None)


def test_the_marathon_forms_and_ratios_are_found(marathon):
    columns = marathon.metadata["columns"]
    least = {name: c["least_decimals"] for name, c in columns.items() if "least_decimals" in c}
    assert least == {"Miles": 1, "TimeMin": 1, "PaceMin": 1}
    real = marathon.frame.dropna(subset=["Time", "Miles", "Pace"])
    assert (real["Pace"] - real["Time"] / real["Miles"]).abs().max() <= 0.5  # to the second
    found = {t.description for t in real_totals(marathon.frame, marathon.frame, marathon.metadata)}
    assert found == {"TimeMin = Time/3600", *RATIOS}


def _seconds(clock: pd.Series) -> pd.Series:
    parts = clock.str.split(":", expand=True).astype(int)
    return parts[0] * 3600 + parts[1] * 60 + parts[2]


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_miles_are_written_like_the_real_file_and_pace_is_time_over_miles(engine, marathon, work):
    batch = sample(train(marathon, engine, work, **QUICK_PARAMS[engine]), 300, work)
    cells = pd.read_csv(io.StringIO(exported(batch, "csv")), dtype=str, keep_default_na=False)
    miles = cells["Miles"][cells["Miles"] != ""]
    assert miles.str.fullmatch(r"\d+\.\d\d?").all(), miles[~miles.str.contains(".", regex=False)]
    whole = miles.astype(float) % 1 == 0
    assert whole.sum() > 30 and miles[whole].str.endswith(".0").all()  # 16.0, never 16
    complete = cells[(cells[["Time", "Miles", "Pace", "TimeMin", "PaceMin"]] != "").all(axis=1)]
    assert len(complete) > 250
    pace = _seconds(complete["Pace"])
    over = _seconds(complete["Time"]) / complete["Miles"].astype(float)
    assert (pace - over).abs().max() <= 0.5, complete[["Time", "Miles", "Pace"]].head()
    minutes = complete["TimeMin"].astype(float) / complete["Miles"].astype(float)
    assert (complete["PaceMin"].astype(float) - minutes).abs().max() <= 0.0005 + 1e-9
    # JSON Lines and SQL write the same numbers; the report counts no row off its ratio.
    lines = exported(batch, "jsonl").splitlines()
    assert all(f'"Miles": {m},' in line for m, line in zip(cells["Miles"], lines, strict=True) if m)
    assert [json.loads(line)["Miles"] for line in lines if '"Miles": null' not in line]
    sql = exported(batch, "sql")
    assert all(f"', {m}, '" in sql for m in miles.head(20))
    totals = {
        t.description: t.violation_count for t in reported(marathon, pd.read_parquet(batch)).totals
    }
    assert totals == {
        "TimeMin = Time/3600": 0,
        "Pace = Time/Miles": 0,
        "PaceMin = TimeMin/Miles": 0,
    }


async def test_a_download_through_the_services_keeps_the_form_and_the_ratio(world, training_worker):
    """The real path: upload, train, generate and download over gRPC, the metadata's
    `least_decimals` carried from the datasets service to the worker."""
    user = await world.user()
    dataset_id = await world.dataset(user, (FIXTURES / "marathon.csv").read_bytes())
    model_id = await world.trained_model(user, dataset_id)
    started = await world.training.Generate(
        training_pb2.GenerateRequest(model_id=model_id, count=200, seed=3), metadata=user.md
    )
    batch = await world.succeeded_batch(user, started)
    data = await world.download(user, batch.id, training_pb2.EXPORT_FORMAT_CSV)
    cells = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    miles = cells["Miles"][cells["Miles"] != ""]
    assert miles.str.fullmatch(r"\d+\.\d\d?").all(), miles.head().tolist()
    complete = cells[(cells[["Time", "Miles", "Pace"]] != "").all(axis=1)]
    over = _seconds(complete["Time"]) / complete["Miles"].astype(float)
    assert len(complete) > 150 and (_seconds(complete["Pace"]) - over).abs().max() <= 0.5


def test_the_report_counts_rows_whose_pace_is_not_time_over_miles(marathon, work):
    rows = unmended(train(marathon, "gaussian_copula", work), 300)
    totals = {t.description: t.violation_count for t in reported(marathon, rows).totals}
    assert totals["Pace = Time/Miles"] > 100, totals  # learned on its own, as before
    real = marathon.frame.head(300).copy()
    real.loc[[3, 7, 11], "Pace"] += 30  # half a minute off on three runs
    real.loc[[5], "PaceMin"] += 0.01
    totals = {t.description: t.violation_count for t in reported(marathon, real).totals}
    assert totals["Pace = Time/Miles"] == 3 and totals["PaceMin = TimeMin/Miles"] == 1


def test_whole_numbers_written_with_a_point_keep_it(work):
    path = work / "doses.csv"
    rng = np.random.default_rng(3)
    doses = pd.DataFrame(
        {"dose": rng.integers(1, 40, 300).astype(float), "gain": rng.normal(size=300)}
    )
    doses["gain"] = doses["gain"].round(3)
    doses.to_csv(path, index=False)  # pandas writes dose 5.0, 17.0
    table = ingested(path, work)
    cells = pd.read_csv(
        io.StringIO(exported(sample(train(table, "gaussian_copula", work), 200, work), "csv")),
        dtype=str,
    )
    assert cells["dose"].str.fullmatch(r"\d+\.0").all(), cells["dose"].head()


def test_a_wide_table_is_searched_on_its_first_columns_only():
    rng = np.random.default_rng(5)
    frame = pd.DataFrame(
        rng.uniform(1, 100, (400, 200)).round(2), columns=[f"c{i}" for i in range(200)]
    )
    frame["c2"] = (frame["c0"] / frame["c1"]).round(4)  # within the columns tried
    frame["c45"] = (frame["c40"] * frame["c41"]).round(4)  # beyond them: not tried
    found = {t.description for t in find_totals(frame, list(frame.columns))}
    assert MAX_COLUMNS < 40
    assert found == {"c2 = c0/c1"}


def test_no_other_table_has_a_ratio(work):
    tables = {
        **{p.stem: p for p in sorted(FIXTURES.glob("*.csv"))},
        **shared_tables(),
    }
    found = {}
    for name, path in tables.items():
        table = ingested(path, work)
        ratios = [
            t.description
            for t in real_totals(table.frame, table.frame, table.metadata)
            if t.function in ("ratio", "product")
        ]
        if ratios:
            found[name] = sorted(ratios)
    assert found == {"marathon": sorted(RATIOS)}
