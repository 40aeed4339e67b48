"""Real tables with several tables or sequences, derived at test time from data that ships
offline, for the relational and sequential report tests.

- **states → airports** (1:N): ``airports.csv`` of the ``vega-datasets`` package (BSD-3-Clause;
  the FAA's public airport list as the Vega project publishes it): 3,376 US airports with their
  state, latitude and longitude. The parent ``states`` table is derived from it: one row per
  state (56, territories included), its US Census region (public classification, written out
  below; territories are ``Territory``) and the mean latitude and longitude of its airports.
  Airports without a state (12 outside the US) are left out.
- **daily minimum temperatures as monthly sequences**: ``daily-min-temperatures.csv`` of the
  shared datasets (Melbourne 1981-1990, Australian Bureau of Meteorology via the Time Series
  Data Library): one sequence per calendar month (120 sequences of 28 to 31 days), entity key
  ``month``, order column ``date``, one numeric column ``temp``.

Each comes split by root entity into train and holdout halves (a state and all its airports, a
whole month, on one side), as datasets splits them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from common.contracts.relational import RelationalSchema
from tests.corpus import SHARED

REGIONS = {
    "Northeast": "CT ME MA NH RI VT NJ NY PA",
    "Midwest": "IL IN MI OH WI IA KS MN MO NE ND SD",
    "South": "DE FL GA MD NC SC VA DC WV AL KY MS TN AR LA OK TX",
    "West": "AZ CO ID MT NV NM UT WY AK CA HI OR WA",
}
REGION_OF = {state: region for region, states in REGIONS.items() for state in states.split()}


@dataclass(frozen=True)
class Split:
    """Real tables split by root entity, with the schema that links them."""

    train: dict[str, pd.DataFrame]
    holdout: dict[str, pd.DataFrame]
    schema: RelationalSchema
    metadata: dict[str, dict]


AIRPORTS_SCHEMA = RelationalSchema.parse(
    {
        "tables": [
            {
                "name": "states",
                "columns": ["state", "region", "center_latitude", "center_longitude"],
                "primary_key": "state",
            },
            {
                "name": "airports",
                "columns": ["iata", "state", "latitude", "longitude"],
                "primary_key": "iata",
            },
        ],
        "foreign_keys": [
            {
                "parent_table": "states",
                "parent_column": "state",
                "child_table": "airports",
                "child_column": "state",
            }
        ],
    }
)
AIRPORTS_METADATA = {
    "states": {
        "columns": {
            "state": {"sdtype": "id"},
            "region": {"sdtype": "categorical"},
            "center_latitude": {"sdtype": "numerical"},
            "center_longitude": {"sdtype": "numerical"},
        },
        "primary_key": "state",
    },
    "airports": {
        "columns": {
            "iata": {"sdtype": "id"},
            "state": {"sdtype": "id"},
            "latitude": {"sdtype": "numerical"},
            "longitude": {"sdtype": "numerical"},
        },
        "primary_key": "iata",
    },
}

TEMPERATURES_SCHEMA = RelationalSchema.parse(
    {
        "tables": [
            {
                "name": "temperatures",
                "columns": ["month", "date", "temp"],
                "sequence": {"entity_key": "month", "order_column": "date"},
            }
        ]
    }
)
TEMPERATURES_METADATA = {
    "temperatures": {
        "columns": {
            "month": {"sdtype": "id"},
            "date": {"sdtype": "datetime"},
            "temp": {"sdtype": "numerical"},
        }
    }
}


def airports() -> Split:
    from vega_datasets import local_data

    rows = local_data.airports().dropna(subset=["state"])
    children = rows[["iata", "state", "latitude", "longitude"]].reset_index(drop=True)
    parents = (
        children.groupby("state", sort=True)
        .agg(center_latitude=("latitude", "mean"), center_longitude=("longitude", "mean"))
        .reset_index()
    )
    parents.insert(1, "region", parents["state"].map(REGION_OF).fillna("Territory"))
    train_states, holdout_states = _halves(parents["state"], seed=3)
    return Split(
        train={
            "states": parents[parents["state"].isin(train_states)].reset_index(drop=True),
            "airports": children[children["state"].isin(train_states)].reset_index(drop=True),
        },
        holdout={
            "states": parents[parents["state"].isin(holdout_states)].reset_index(drop=True),
            "airports": children[children["state"].isin(holdout_states)].reset_index(drop=True),
        },
        schema=AIRPORTS_SCHEMA,
        metadata=AIRPORTS_METADATA,
    )


def temperatures() -> Split:
    frame = pd.read_csv(SHARED / "daily-min-temperatures.csv", parse_dates=["Date"])
    frame = frame.rename(columns={"Date": "date", "Temp": "temp"})
    frame.insert(0, "month", frame["date"].dt.strftime("%Y-%m"))
    train_months, holdout_months = _halves(frame["month"].drop_duplicates(), seed=5)
    return Split(
        train={"temperatures": frame[frame["month"].isin(train_months)].reset_index(drop=True)},
        holdout={"temperatures": frame[frame["month"].isin(holdout_months)].reset_index(drop=True)},
        schema=TEMPERATURES_SCHEMA,
        metadata=TEMPERATURES_METADATA,
    )


def _halves(keys: pd.Series, seed: int) -> tuple[set, set]:
    shuffled = np.random.default_rng(seed).permutation(keys.to_numpy())
    middle = len(shuffled) // 2
    return set(shuffled[:middle]), set(shuffled[middle:])


def resampled_families(
    split: Split, rows: dict[str, pd.DataFrame], seed: int = 0
) -> dict[str, pd.DataFrame]:
    """A faithful stand-in for a synthetic database: root rows of ``rows`` drawn with
    replacement (as many as the train side has), each with all its descendants, under new
    keys. Drawn from the holdout, it is real data the model never saw, shaped as generated
    data is (new keys, whole families)."""
    rng = np.random.default_rng(seed)
    schema = split.schema
    root = schema.order()[0]
    root_key = root.primary_key or (root.sequence.entity_key if root.sequence else None)
    assert root_key is not None, "a root table needs a primary key or an entity key"
    keys = rows[root.name][root_key].drop_duplicates().to_numpy()
    drawn = rng.choice(keys, size=split.train[root.name][root_key].nunique(), replace=True)
    out: dict[str, list[pd.DataFrame]] = {table.name: [] for table in schema.tables}
    for copy, key in enumerate(drawn):
        new_key = f"{key}#{copy}"
        family = [(root.name, root_key)] + [
            (link.child_table, link.child_column) for link in schema.child_keys(root.name)
        ]
        for table, column in family:
            part = rows[table][rows[table][column] == key].copy()
            part[column] = new_key
            own_key = schema.table(table).primary_key
            if own_key and own_key != column:
                part[own_key] = part[own_key].astype(str) + "#" + str(copy)
            out[table].append(part)
    return {name: pd.concat(frames, ignore_index=True) for name, frames in out.items()}
