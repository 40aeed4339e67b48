"""A runner's log (Stat2Data's Marathon): each run's `Time` written `38:31:00` (hours past
23, so no time of day) and its `Pace` `7:42:12`.

Before: `Time` was text, a category of 939 values. tabular_argn's rare-value protection left
one value in 499 of 500 rows, and the other engines could only repeat real times. `Pace`
was a time of day. Now both are durations: learned as seconds, written back in the column's
own form.
"""

from __future__ import annotations

import io

import fsspec
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from common.durations import DURATION_FORMAT_KEY, to_seconds, written
from services.datasets.ingest import ingest
from services.datasets.ingest.durations import DurationTally
from tests.corpus import shared_tables
from tests.services.training.faithful_world import FIXTURES, QUICK_PARAMS, exported, sample, train


def _form(values: list[str], name: str = "x") -> str | None:
    tally = DurationTally()
    tally.observe(pa.array(values))
    return tally.form(name)


def test_times_and_paces_are_durations_in_seconds(marathon):
    columns = marathon.metadata["columns"]
    assert columns["Time"]["sdtype"] == columns["Pace"]["sdtype"] == "numerical"
    schema = pq.read_schema(marathon.parquet)
    assert schema.field("Time").metadata == {DURATION_FORMAT_KEY: b"h:mm:00"}
    assert schema.field("Pace").metadata == {DURATION_FORMAT_KEY: b"h:mm:ss"}
    first = marathon.frame.iloc[0]
    assert (first["Time"], first["Pace"]) == (38 * 3600 + 31 * 60, 7 * 3600 + 42 * 60 + 12)


@pytest.mark.parametrize("engine", list(QUICK_PARAMS))
def test_synthetic_runs_take_times_of_their_own_written_as_the_log_writes_them(
    engine, marathon, work
):
    real = pd.read_csv(FIXTURES / "marathon.csv", dtype=str, keep_default_na=False)
    trained = train(marathon, engine, work, **QUICK_PARAMS[engine])
    text = exported(sample(trained, 500, work), "csv")
    rows = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    times, paces = rows["Time"][rows["Time"] != ""], rows["Pace"][rows["Pace"] != ""]
    assert times.str.fullmatch(r"\d{1,3}:[0-5]\d:00").all(), times.head().tolist()
    assert paces.str.fullmatch(r"\d{1,2}:[0-5]\d:[0-5]\d").all(), paces.head().tolist()
    # Times of many lengths, not one value in nearly every row.
    assert times.value_counts(normalize=True).iloc[0] < 0.05, times.value_counts().head()
    assert times.nunique() > 100
    seconds = to_seconds(pa.array(times)).to_numpy()
    real_seconds = to_seconds(pa.array(real["Time"][real["Time"] != ""])).to_numpy()
    assert real_seconds.min() - 60 <= seconds.min() and seconds.max() <= real_seconds.max() + 60


def test_clock_times_scores_and_versions_are_no_durations():
    assert _form(["11:57:40", "23:01:00", "8:05:00"]) is None  # every hour a clock's
    assert _form(["3:1", "2:0", "10:12"]) is None
    assert _form(["25:21", "30:28", "25:23"]) is None  # scores: never `25:03`
    assert _form(["1.2.3", "38:31:00"]) is None
    assert _form(["38:31", "40:05"]) == "h:mm"
    assert _form(["7:42:12", "8:13:00"], "Pace") == "h:mm:ss"  # named like a duration
    assert _form(["07:42:12", "38:13:10"]) == "hh:mm:ss"


def test_a_duration_is_written_back_in_its_form():
    seconds = pa.array([138660, 27732, 59, None])
    assert written(seconds, "h:mm:ss").to_pylist() == ["38:31:00", "7:42:12", "0:00:59", None]
    assert written(seconds, "hh:mm:00").to_pylist() == ["38:31:00", "07:42:00", "00:01:00", None]
    assert written(seconds, "h:mm").to_pylist() == ["38:31", "7:42", "0:01", None]


def test_no_other_table_has_a_duration(work):
    fs = fsspec.filesystem("file")
    tables = {**shared_tables(), **{p.stem: p for p in FIXTURES.glob("*.csv")}}
    found = []
    for name, path in tables.items():
        out = work / f"types-{name}.parquet"
        ingest(lambda path=path: path.open("rb"), fs=fs, out_path=str(out))
        found += [(name, f.name) for f in pq.read_schema(out) if f.metadata]
    assert sorted(found) == [("marathon", "Pace"), ("marathon", "Time")]
