"""Dates in template schemas: ISO dates and times, or relative to a reference day
("today", "today-90y", "today+30d").

One parser for whoever reads a schema: the generator places its values between the bounds,
and the evaluation service checks the generated values against the same bounds (a second
parser would read "today-90y" differently, or not at all).
"""

from __future__ import annotations

import datetime as dt

# "today" of every template job: fixed, so that the same seed gives the same bytes on any
# day (generator and conformance report agree on it).
DEFAULT_REFERENCE_DATE = dt.date(2025, 1, 1)
_DAYS_PER_UNIT = {"d": 1, "w": 7, "y": 365.2425}


def parse_moment(value: int | float | str, reference: dt.date) -> dt.datetime:
    """An ISO date/datetime, or 'today', 'today-5y', 'today+30d' relative to ``reference``
    (naive, as the generator writes them); ValueError for anything else."""
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    text = value.strip()
    if text.startswith("today"):
        offset = text[len("today") :]
        days = 0.0
        if offset:
            amount, unit = float(offset[:-1]), offset[-1]
            if unit not in _DAYS_PER_UNIT:
                raise ValueError(f"{value!r}: the unit must be d, w or y")
            days = amount * _DAYS_PER_UNIT[unit]
        return dt.datetime.combine(reference, dt.time()) + dt.timedelta(days=days)
    moment = dt.datetime.fromisoformat(text)
    return moment.replace(tzinfo=None)
