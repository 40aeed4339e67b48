"""What an engine learns from: the training table without ids and PII columns (made anew
when sampling), with datetimes as the engines read them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

from common.timestamps import epoch_seconds, naive_microseconds
from services.training.engines.errors import EngineError
from services.training.engines.profile import TableProfile, columns_metadata


def learned_table(
    table: pd.DataFrame,
    metadata: Mapping[str, Any],
    profile: TableProfile,
    *,
    allow_empty: bool = False,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """What an engine learns from, and its metadata: the table without ids and PII columns
    (those are made anew when sampling, never learned), with datetimes in nanoseconds
    (SDV turns second- or millisecond-precision timestamps into 1970-01-01).

    ``allow_empty``: a table of several may hold keys only (its rows still count: how many
    children each parent has)."""
    # A new frame (selecting columns copies them), not a view with SettingWithCopy flags: the
    # datetimes below are replaced in it, never in ``table``. A further `.copy()` copied it
    # all again.
    learned = table.loc[:, profile.learned]
    if learned.columns.empty and not allow_empty:
        raise EngineError("every column is an id or PII: there is nothing to learn")
    columns = columns_metadata(metadata)
    kept = {name: dict(columns[name]) for name in learned.columns if name in columns}
    for name in learned.columns:
        if pd.api.types.is_datetime64_any_dtype(learned[name]):
            profiled = profile.column(name)
            if profiled is not None and profiled.beyond_nanoseconds:
                learned[name] = epoch_seconds(learned[name])
                kept[name] = {"sdtype": "numerical"}
            else:
                learned[name] = naive_microseconds(learned[name]).astype("datetime64[ns]")
    return learned, {"columns": kept, "primary_key": None}
