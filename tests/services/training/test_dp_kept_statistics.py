"""A differentially private model's synthetic rows carry no statistic of the real rows that
was not learned under its budget. Three were kept from the real table, each visible in the
rows a DP model generated:

- the minutes of hhmm times (dep_time 517): an off-clock time the model drew (1088) was given
  a minute drawn by the real minutes' shares (scheduled times on :00 and :30 showed it);
- the rows per repeated reference id (manager_id): one real manager's share of the rows
  came back as one synthetic id's share;
- a number column's grid (prices in steps of 5): every generated number was put on it.

Now the minutes' shares and the grid are found on the rows the model generates (as its
ranges and categories are), and a repeated reference gets a new id per row."""

from __future__ import annotations

from typing import cast

import numpy as np
import pandas as pd

from services.training.engines.base import Engine
from services.training.engines.conform import conform
from services.training.engines.dp import private_profile
from services.training.engines.learned import learned_table
from services.training.engines.precision import on_clock
from services.training.engines.profile import build_profile


class _ModelRows:
    """A trained model as `private_profile` uses it: the rows it generates."""

    def __init__(self, rows: pd.DataFrame) -> None:
        self.rows = rows

    def sample(self, n: int, seed: int) -> pd.DataFrame:
        return self.rows.head(n).copy()


_METADATA = {
    "columns": {
        "dep_time": {"sdtype": "numerical"},
        "price": {"sdtype": "numerical"},
        "manager_id": {"sdtype": "id"},
    },
    "primary_key": None,
}


def _real(rows: int = 400) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    hours = rng.integers(5, 23, rows)
    minutes = rng.choice([0, 30], rows)  # scheduled: on the hour or the half hour
    managers = np.where(rng.random(rows) < 0.6, 7, rng.integers(100, 200, rows))
    return pd.DataFrame(
        {
            "dep_time": hours * 100 + minutes,
            "price": rng.integers(2, 60, rows) * 5,
            "manager_id": managers,
        }
    )


def _model_rows(learned: pd.DataFrame, last_hour: int) -> pd.DataFrame:
    """What a DP model generated: times on :15 and :45, prices on no grid."""
    rng = np.random.default_rng(1)
    rows = len(learned)
    return learned.assign(
        dep_time=rng.integers(0, last_hour + 1, rows) * 100 + rng.choice([15, 45], rows),
        price=rng.integers(10, 300, rows),
    )


def _private(last_hour: int = 22):
    real_table = _real()
    real = build_profile(real_table, _METADATA)
    dep, price, manager = (real.column(n) for n in ("dep_time", "price", "manager_id"))
    assert dep is not None and dep.clock_minutes, "the real dep_time is hhmm"
    assert price is not None and price.step == 5.0
    assert manager is not None and manager.id_counts[0] > 200
    learned, metadata = learned_table(real_table, _METADATA, real)
    model = cast(Engine, _ModelRows(_model_rows(learned, last_hour)))
    return private_profile(model, real, metadata, seed=1)


def test_off_clock_times_get_the_models_minutes_never_the_real_ones():
    private = _private()
    drawn = pd.DataFrame({"dep_time": [1088, 1275, 699] * 100, "price": [100] * 300})
    rows = conform(drawn, private, first_row=0, seed=1)
    minutes = set((rows["dep_time"] % 100).astype(int))
    assert minutes <= {15, 45}, sorted(minutes)


def test_numbers_keep_off_the_real_grid_when_the_model_does():
    private = _private()
    drawn = pd.DataFrame({"dep_time": [1015] * 4, "price": [101, 123, 204, 77]})
    rows = conform(drawn, private, first_row=0, seed=1)
    assert list(rows["price"]) == [101, 123, 204, 77]


def test_a_repeated_reference_shows_no_real_ids_share_of_the_rows():
    private = _private()
    drawn = pd.DataFrame({"dep_time": [1015] * 500, "price": [100] * 500})
    rows = conform(drawn, private, first_row=0, seed=1)
    assert rows["manager_id"].value_counts().iloc[0] == 1


def test_text_ids_keep_their_prefix_but_no_real_leading_digits():
    rng = np.random.default_rng(2)
    codes = rng.choice(np.arange(1_000_000, 1_010_000), 300, replace=False)
    real_table = pd.DataFrame({"code": [f"C{c}" for c in codes], "price": rng.integers(1, 99, 300)})
    metadata = {
        "columns": {"code": {"sdtype": "id"}, "price": {"sdtype": "numerical"}},
        "primary_key": "code",
    }
    real = build_profile(real_table, metadata)
    code = real.column("code")
    assert (
        code is not None and code.id_shape is not None and code.id_shape[:4] == ("C", "1", "0", "0")
    )
    learned, learned_metadata = learned_table(real_table, metadata, real)
    model = cast(Engine, _ModelRows(learned))
    private = private_profile(model, real, learned_metadata, seed=1)
    rows = conform(learned.head(200), private, first_row=0, seed=1)
    assert rows["code"].str.match(r"^C\d{7}$").all(), rows["code"].head()
    assert not rows["code"].str.startswith("C100").all(), rows["code"].head()


def test_dates_keep_to_the_real_first_of_the_month_only_when_the_model_does():
    rng = np.random.default_rng(3)
    months = pd.date_range("2010-01-01", periods=120, freq="MS")
    real_table = pd.DataFrame(
        {"billed": rng.choice(months, 300), "price": rng.integers(1, 99, 300)}
    )
    metadata = {
        "columns": {
            "billed": {"sdtype": "datetime", "datetime_format": "%Y-%m-%d"},
            "price": {"sdtype": "numerical"},
        },
        "primary_key": None,
    }
    real = build_profile(real_table, metadata)
    billed = real.column("billed")
    assert billed is not None and billed.datetime_unit == "M"
    learned, learned_metadata = learned_table(real_table, metadata, real)
    days = pd.to_timedelta(rng.integers(0, 28, len(learned)), "D")
    generated = learned.assign(billed=learned["billed"] + days)
    private = private_profile(cast(Engine, _ModelRows(generated)), real, learned_metadata, seed=1)
    rows = conform(generated.head(100), private, first_row=0, seed=1)
    assert (rows["billed"].dt.day > 1).any(), rows["billed"].head()


def test_times_past_midnight_come_round_the_clock():
    """A DP model's coarse range reached past 24:00 (dep_time 2758, 3339 in a run on 3,000
    rows at epsilon 5)."""
    private = _private(last_hour=33)
    drawn = pd.DataFrame({"dep_time": [2745, 3315, 1015, 2215], "price": [100] * 4})
    rows = conform(drawn, private, first_row=0, seed=1)
    assert list(rows["dep_time"]) == [345, 915, 1015, 2215]


def test_times_past_midnight_stay_within_the_models_hours():
    """Wrapped round 24 hours, 03:45 fell below the model's earliest time (05:12) and was
    clipped onto it: 14 % of the rows of that run were 05:12."""
    rng = np.random.default_rng(0)
    times = on_clock(pd.Series([2745.0, 3315.0]), (1,) * 60, (512.0, 3345.0), rng)
    assert list(times) == [845.0, 1415.0]
