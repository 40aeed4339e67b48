"""Running numbers: values a file writes in rising order, one per row (a police case number
`17-000224`, an invoice number), which look like phone numbers but are an id."""

from __future__ import annotations

import pandas as pd

# At least this share of neighbouring values rise down the file, in at least this many rows
# (a phone column in any order rises for about half of them).
RUNNING_SHARE = 0.95
RUNNING_MIN_ROWS = 20


def is_running(values: pd.Series) -> bool:
    """Unique text values almost all in rising order down the file."""
    if len(values) < RUNNING_MIN_ROWS or not values.is_unique:
        return False
    text = values.to_numpy(dtype=str)
    return float((text[1:] > text[:-1]).mean()) >= RUNNING_SHARE
