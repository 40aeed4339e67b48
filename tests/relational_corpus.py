"""Real linked tables and real sequences, loaded offline, for the relational engine tests and
`bench/bench_relational.py`. Each is an honest, documented derivation of one public table:

- `airports_by_state`: vega-datasets' "airports" (FAA airport codes, names, cities, states,
  coordinates; shipped in the `vega-datasets` wheel, BSD-3-Clause package, public FAA data)
  split in two: `states` (one row per state: an integer id given in alphabetical order, its
  code and country) and `airports` (the airport's code as its key, the state's id as a
  foreign key, the city and coordinates). Airports per state are real and very uneven (Texas
  has ~200, Delaware a handful): the children-per-parent shape an engine must learn.
- `temperatures_by_month`: `../shared/datasets/daily-min-temperatures.csv` (Melbourne's
  daily minimum temperatures 1981-1990, see that folder's README) as one sequence per
  calendar month: entity key `month` ("1981-01"), order column `date`, value `temp`.
  Sequences of 28 to 31 days, one day apart.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from common.contracts.relational import RelationalSchema
from tests.corpus import SHARED

Tables = dict[str, pd.DataFrame]
Metadata = dict[str, dict[str, Any]]


def airports_by_state() -> tuple[Tables, RelationalSchema, Metadata]:
    from vega_datasets import local_data

    airports = local_data.airports().dropna(subset=["state"])
    states = (
        airports[["state", "country"]].drop_duplicates("state").sort_values("state")
    ).reset_index(drop=True)
    states.insert(0, "state_id", range(1, len(states) + 1))
    ids = dict(zip(states["state"], states["state_id"], strict=True))
    children = pd.DataFrame(
        {
            "iata": airports["iata"].astype(str),
            "state_id": airports["state"].map(ids).astype("int64"),
            "city": airports["city"],
            "latitude": airports["latitude"].round(6),
            "longitude": airports["longitude"].round(6),
        }
    ).reset_index(drop=True)
    schema = RelationalSchema.parse(
        {
            "tables": [
                {"name": "states", "columns": list(states.columns), "primary_key": "state_id"},
                {"name": "airports", "columns": list(children.columns), "primary_key": "iata"},
            ],
            "foreign_keys": [
                {
                    "parent_table": "states",
                    "parent_column": "state_id",
                    "child_table": "airports",
                    "child_column": "state_id",
                }
            ],
        }
    )
    # Each table's metadata as the datasets service gives it (and the report reads it).
    metadata: Metadata = {
        "states": {
            "columns": {"state": {"sdtype": "categorical"}, "country": {"sdtype": "categorical"}}
        },
        "airports": {
            "columns": {
                "city": {"sdtype": "categorical"},
                "latitude": {"sdtype": "numerical"},
                "longitude": {"sdtype": "numerical"},
            }
        },
    }
    return {"states": states, "airports": children}, schema, metadata


def temperatures_by_month() -> tuple[Tables, RelationalSchema, Metadata]:
    daily = pd.read_csv(SHARED / "daily-min-temperatures.csv")
    daily.columns = ["date", "temp"]
    dates = pd.to_datetime(daily["date"])
    table = pd.DataFrame(
        {"month": dates.dt.strftime("%Y-%m"), "date": dates, "temp": daily["temp"]}
    )
    schema = RelationalSchema.parse(
        {
            "tables": [
                {
                    "name": "temperatures",
                    "columns": list(table.columns),
                    "sequence": {"entity_key": "month", "order_column": "date"},
                }
            ]
        }
    )
    metadata: Metadata = {
        "temperatures": {
            "columns": {"date": {"sdtype": "datetime"}, "temp": {"sdtype": "numerical"}}
        }
    }
    return {"temperatures": table}, schema, metadata
