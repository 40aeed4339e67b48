"""Timestamps of any year pandas can read (1 to 9999), for code that would otherwise cast
them to nanoseconds, whose years end in 2262."""

from __future__ import annotations

import numpy as np
import pandas as pd

# The seconds since 1970 that pandas' nanosecond timestamps hold (1677-09-21 to 2262-04-11),
# which is what SDV and SDMetrics compute in: a datetime column reaching beyond (9999-12-31
# for "open ended", a founding year of 1492) is given to them as seconds since 1970.
NS_SECONDS = (pd.Timestamp.min.value / 1e9, pd.Timestamp.max.value / 1e9)


def naive_microseconds(stamps: pd.Series) -> pd.Series:
    """Timestamps without a time zone (an aware one in UTC), in microseconds: years 1 to
    9999 fit, where nanoseconds end in 2262."""
    if getattr(stamps.dt, "tz", None) is not None:  # "…Z", "+02:00": compared in UTC
        stamps = stamps.dt.tz_convert("UTC").dt.tz_localize(None)
    return stamps.astype("datetime64[us]")


def epoch_seconds(stamps: pd.Series) -> pd.Series:
    """Seconds since 1970 of each timestamp (NaN where there is none)."""
    micros = naive_microseconds(stamps)
    seconds = micros.to_numpy().astype("int64") / 1e6
    return pd.Series(np.where(micros.isna().to_numpy(), np.nan, seconds), index=stamps.index)


def from_epoch_seconds(seconds: pd.Series) -> pd.Series:
    """``epoch_seconds`` undone: microsecond timestamps (NaT where there is no number)."""
    numbers = pd.to_numeric(seconds, errors="coerce").to_numpy(dtype="float64")
    micros = np.round(numbers * 1e6)
    stamps = np.where(np.isfinite(micros), micros, 0).astype("int64").astype("datetime64[us]")
    stamps[~np.isfinite(micros)] = np.datetime64("NaT")
    return pd.Series(stamps, index=seconds.index)
