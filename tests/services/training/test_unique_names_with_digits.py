"""Unique names whose words are common and whose numbers tell them apart (`Apt 4B Tower`,
`Acme Co000123x Ltd`) were never made anew: no word of theirs was rare enough to swap, so
every synthetic name was a real one. Their digits are drawn anew now."""

from __future__ import annotations

import pandas as pd

from services.training.engines.conform import conform
from services.training.engines.profile import build_profile

_METADATA = {
    "columns": {"unit": {"sdtype": "categorical"}, "rent": {"sdtype": "numerical"}},
    "primary_key": None,
}


def _made(units: list[str]) -> pd.Series:
    real = pd.DataFrame({"unit": units, "rent": range(len(units))})
    profile = build_profile(real, _METADATA)
    # What an engine draws for such a column: the real names, as categories.
    rows = conform(real.copy(), profile, first_row=0, seed=1)
    return rows["unit"]


def test_names_told_apart_by_numbers_come_out_new():
    units = [f"Apt {n}{c} Tower" for n in range(1, 9) for c in "ABCD"]
    made = _made(units)
    assert not made.isin(units).any(), list(made)
    assert made.is_unique and made.str.fullmatch(r"Apt \d{1,3}[A-D] Tower").all(), list(made)


def test_codes_in_names_keep_their_shape():
    names = [f"Acme Co{n:06d}x Ltd" for n in range(100, 140)]
    made = _made(names)
    assert not made.isin(names).any() and made.is_unique, list(made)
    assert made.str.fullmatch(r"Acme Co\d{6}x Ltd").all(), list(made)
