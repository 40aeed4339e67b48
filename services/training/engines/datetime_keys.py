"""Keys made of times (a month key `1981-01`, a day): new keys are times of the same unit,
from the real first one by the commonest real step, never text in a timestamp column."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from common.timestamps import naive_microseconds
from services.training.engines.precision import datetime_unit

if TYPE_CHECKING:
    from services.training.engines.profile import ColumnProfile

# numpy's name of each `datetime_unit`.
_NUMPY_UNITS = {"Y": "Y", "M": "M", "D": "D", "h": "h", "min": "m", "s": "s"}


def datetime_key(present: pd.Series) -> dict[str, Any]:
    """The `ColumnProfile` fields of a key made of the times ``present`` (none missing)."""
    stamps = naive_microseconds(present)
    unit = datetime_unit(stamps) or "s"
    in_units = stamps.to_numpy().astype(f"datetime64[{_NUMPY_UNITS[unit]}]")
    codes = np.unique(in_units.astype(np.int64))
    steps = np.diff(codes)
    return {
        "minimum": float(codes[0]),
        "maximum": float(codes[-1]),
        "id_shape": ("datetime", unit),
        "id_step": int(pd.Series(steps).mode().iloc[0]) if len(steps) else 1,
    }


def datetime_ids(column: ColumnProfile, numbers: np.ndarray) -> pd.Series:
    """New keys of a ("datetime", unit) id column for the distinct numbers ``numbers``."""
    assert column.id_shape is not None and column.id_shape[0] == "datetime"
    unit = _NUMPY_UNITS[column.id_shape[1]]
    first = np.datetime64(int(column.minimum or 0), unit)
    return pd.Series((first + numbers * (column.id_step or 1)).astype("datetime64[ns]"))
