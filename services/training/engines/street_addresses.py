"""Address columns written as streets only (`2009 W. 6th St.`), without a town or postal
code: their fakes are streets only too."""

from __future__ import annotations

import pandas as pd

# Share of an address column's values with a comma or line break (a town, a postal code
# after the street) below which its addresses are streets only.
STREET_ONLY_SHARE = 0.1


def street_only(series: pd.Series) -> bool:
    """At most STREET_ONLY_SHARE of the addresses have a comma or a line break."""
    values = series.dropna().astype(str)
    return not values.empty and values.str.contains(r"[,\n]").mean() <= STREET_ONLY_SHARE
