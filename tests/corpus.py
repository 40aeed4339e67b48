"""The tables that fidelity tests and `bench/bench_corpus.py` run on, as CSV files.

- `../shared/datasets/*.csv`: public tables kept as published (see that folder's README).
- `cars`: vega-datasets' "cars" (the UCI Auto MPG data: car model names, an ISO-date year,
  integer-coded cylinders, missing values), shipped in the `vega-datasets` wheel (BSD-3-Clause
  package; the data is the public UCI Auto MPG set).
- `airports`: vega-datasets' "airports" (FAA airport codes, airport names, cities): ids that
  are codes, names that are not people's names, a city column.
- `gapminder`: plotly's gapminder table (shipped in the `plotly` wheel, MIT; the data is
  Gapminder's, CC-BY): 1,704 rows of country, continent, year, life expectancy, population,
  GDP per head, ISO codes and the country's centroid; `country` determines `continent`, the
  codes and the centroid. Not in `EXTRA_TABLES`: the dependency tests read it.
- `fixtures/txhousing.csv`: 216 rows of ggplot2's `txhousing` (MIT; the data is the Texas
  A&M Real Estate Center's monthly housing sales per city), six cities over 2000-2002: a
  panel whose `city` is the table's dimension, and a decimal `date` made of year and month.
- `customers`: a fixture, because no public table of real people's names, emails, phones
  and SSNs exists (nor should it): 1,000 customers made with Faker (en_US, fixed seed) with
  an integer id, a name, an email that matches it, a phone, an SSN, a city, a signup date,
  a plan, a spend with cents and a churn flag. Same seed, same file.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pandas as pd

SHARED = Path(__file__).resolve().parents[2] / "shared" / "datasets"
TXHOUSING = Path(__file__).resolve().parent / "fixtures" / "txhousing.csv"


def shared_tables() -> dict[str, Path]:
    """Every CSV of the shared corpus, smallest first."""
    files = sorted(SHARED.glob("*.csv"), key=lambda p: p.stat().st_size)
    return {path.stem: path for path in files}


def cars_csv(path: Path) -> Path:
    from vega_datasets import local_data

    cars = local_data.cars()
    cars["Year"] = cars["Year"].dt.strftime("%Y-%m-%d")
    cars.to_csv(path, index=False)
    return path


def airports_csv(path: Path) -> Path:
    from vega_datasets import local_data

    local_data.airports().to_csv(path, index=False)
    return path


def gapminder_csv(path: Path) -> Path:
    from plotly.data import gapminder

    gapminder(datetimes=False, centroids=True, pretty_names=False).to_csv(path, index=False)
    return path


def customers_frame(rows: int = 1000, seed: int = 7) -> pd.DataFrame:
    from faker import Faker

    fake = Faker("en_US")
    fake.seed_instance(seed)
    chooser = random.Random(seed)
    records = []
    for index in range(rows):
        first, last = fake.first_name(), fake.last_name()
        plan = chooser.choices(["basic", "plus", "premium"], weights=[6, 3, 1])[0]
        suffix = chooser.randint(1, 99)
        price = {"basic": 9.99, "plus": 24.5, "premium": 60.0}[plan]
        records.append(
            {
                "customer_id": 10_000 + index,
                "name": f"{first} {last}",
                "email": f"{first}.{last}{suffix}@{fake.free_email_domain()}".lower(),
                "phone": fake.phone_number(),
                "ssn": fake.ssn(),
                "city": fake.city(),
                "signup_date": fake.date_between("-4y", "-1d").isoformat(),
                "plan": plan,
                "monthly_spend": round(price * chooser.uniform(0.8, 1.6), 2),
                "churned": int(chooser.random() < (0.25 if plan == "basic" else 0.1)),
            }
        )
    return pd.DataFrame(records)


def customers_csv(path: Path) -> Path:
    customers_frame().to_csv(path, index=False)
    return path


EXTRA_TABLES: dict[str, Callable[[Path], Path]] = {
    "cars": cars_csv,
    "airports": airports_csv,
    "customers": customers_csv,
}
