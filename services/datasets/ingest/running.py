"""Running numbers: values a file writes in rising order, one per row (a police case number
`17-000224`, an invoice number), which look like phone numbers but are an id. An order's
number repeats on each of its lines (pizzaplace's `2015-000002`, five pizzas)."""

from __future__ import annotations

import pandas as pd

# At least this share of neighbouring values rise down the file, in at least this many rows
# (a phone column in any order rises for about half of them).
RUNNING_SHARE = 0.95
RUNNING_MIN_ROWS = 20


def is_running(values: pd.Series) -> bool:
    """Text values almost all in rising order down the file, each on neighbouring rows."""
    if values.nunique() < RUNNING_MIN_ROWS:
        return False
    text = values.to_numpy(dtype=str)
    changed = text[1:] != text[:-1]
    rising = text[1:][changed] > text[:-1][changed]
    return float(rising.mean()) >= RUNNING_SHARE
