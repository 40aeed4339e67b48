"""Synthetic rows a user can trust, on public tables of every shape.

Each test trains on a real table (ingested and typed as an upload would be), samples as a
generate job does, and looks at the rows a user would download. The fast ones use
gaussian_copula and a one-epoch tabular_argn; `test_every_engine_*` (slow) runs all five.
"""

from __future__ import annotations

import re
import tarfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from services.evaluation.report import ReportOptions, build_report
from services.training.templates.vocab import get_vocabulary
from tests.corpus import airports_csv, cars_csv, customers_csv, gapminder_csv, shared_tables
from tests.services.training.faithful_world import (
    Ingested,
    exported,
    ingested,
    sample,
    train,
)

PHONE = re.compile(r"^\+?\(?\d[\d\s().-]{6,18}\d(\s*(x|ext\.?)\s*\d{1,6})?$")
SSN = re.compile(r"^\d{3}-\d{2}-\d{4}$")
PLACEHOLDER = re.compile(r"_RARE_|^mostly|^sdv-", re.IGNORECASE)


@pytest.fixture(scope="module")
def customers(work) -> Ingested:
    return ingested(customers_csv(work / "customers.csv"), work)


@pytest.fixture(scope="module")
def cars(work) -> Ingested:
    return ingested(cars_csv(work / "cars.csv"), work)


def _read(batch: Path) -> pd.DataFrame:
    return pd.read_parquet(batch)


def _placeholders(frame: pd.DataFrame) -> int:
    text = frame.select_dtypes(include="object")
    return int(sum(text[c].astype(str).str.contains(PLACEHOLDER).sum() for c in text.columns))


def _report(table: Ingested, synthetic: pd.DataFrame):
    holdout = table.frame.sample(frac=0.3, random_state=0)
    train_rows = table.frame.drop(holdout.index)
    options = ReportOptions(sample_rows=2_000, privacy_sample_rows=2_000)
    return build_report(train_rows, holdout, synthetic, table.metadata, options)


# --- 1. dates --------------------------------------------------------------------------------


def test_dates_come_back_as_dates_in_range_and_in_the_files_format(work):
    daily = ingested(shared_tables()["daily-min-temperatures"], work)
    batch = sample(train(daily, "gaussian_copula", work), 500, work)
    dates = _read(batch)["Date"]
    real = daily.frame["Date"]
    # gaussian_copula used to return 1970-01-01 for every row.
    assert dates.nunique() > 100
    assert dates.min() >= real.min() and dates.max() <= real.max()
    assert (dates == dates.dt.normalize()).all()
    csv_dates = exported(batch, "csv").splitlines()[1:]
    assert all(re.match(r'^"?\d{4}-\d{2}-\d{2}"?,', line) for line in csv_dates)
    assert '"Date": "19' in exported(batch, "jsonl")
    assert '"Date" date' in exported(batch, "sql")

    monthly = ingested(shared_tables()["monthly-car-sales"], work)
    batch = sample(train(monthly, "gaussian_copula", work), 200, work)
    months = [line.split(",")[0].strip('"') for line in exported(batch, "csv").splitlines()[1:]]
    assert all(re.fullmatch(r"\d{4}-\d{2}", month) for month in months)
    assert min(months) >= "1960-01" and max(months) <= "1968-12"


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_dates_past_2262_or_before_1678_train_and_come_back_as_written(engine, work):
    # "Open ended" written 9999-12-31, and founding dates centuries back: pandas'
    # nanoseconds (what SDV computes in) end in 2262, and every engine failed to train.
    contracts = ingested(_contracts_csv(work / "contracts.csv"), work)
    real = contracts.frame
    epochs = {"epochs": 1} if engine == "tabular_argn" else {}
    batch = sample(train(contracts, engine, work, **epochs), 400, work)
    synthetic = _read(batch)
    assert synthetic.dtypes.to_dict() == real.dtypes.to_dict()
    for column in ("valid_until", "founded"):
        assert synthetic[column].min() >= real[column].min(), column
        assert synthetic[column].max() <= real[column].max(), column
    # The sentinel stays the sentinel, about as often; the four old dates, mostly those.
    open_ended = (synthetic["valid_until"] == pd.Timestamp("9999-12-31")).mean()
    assert abs(open_ended - 0.7) < 0.15
    # No year in between: learned on one line of seconds, some came back in 6438.
    dated = real["valid_until"][real["valid_until"] < pd.Timestamp("9999-12-31")]
    others = synthetic["valid_until"][synthetic["valid_until"] != pd.Timestamp("9999-12-31")]
    assert others.dropna().between(dated.min(), dated.max()).all()
    assert synthetic["founded"].isin(real["founded"]).mean() > 0.8
    rows = exported(batch, "csv").splitlines()[1:]
    assert sum('"9999-12-31"' in row for row in rows) == round(open_ended * 400)
    assert all(re.search(r'"1[4-9]\d\d-\d\d-\d\d"$', row) for row in rows)
    holdout = real.sample(frac=0.3, random_state=0)
    options = ReportOptions(sample_rows=2_000, privacy_sample_rows=2_000)
    report = build_report(real.drop(holdout.index), holdout, synthetic, contracts.metadata, options)
    assert report.quality.diagnostic_score == 1.0
    shapes = {d.column: d.score for d in report.quality.column_shape_details}
    assert shapes["valid_until"] > 0.8 and shapes["founded"] > 0.8


def test_conditions_on_dates_past_2262_are_met(work):
    # A generate request for open-ended contracts only ("valid_until": "9999-12-31", or on
    # or after 9000) failed: SDV got the text for a column it learned as seconds, and the
    # range check computed in nanoseconds (OutOfBoundsDatetime).
    contracts = ingested(_contracts_csv(work / "contracts.csv"), work)
    trained = train(contracts, "gaussian_copula", work)
    sentinel = pd.Timestamp("9999-12-31")
    for conditions in ({"valid_until": "9999-12-31"}, {"valid_until": {"gte": "9000-01-01"}}):
        rows = _read(sample(trained, 50, work, conditions=conditions))["valid_until"]
        assert (rows.dropna() == sentinel).all() and rows.notna().any(), conditions
    before = _read(sample(trained, 50, work, conditions={"valid_until": {"lt": "2030-01-01"}}))
    assert (before["valid_until"].dropna() < pd.Timestamp("2030-01-01")).all()


def _contracts_csv(path: Path) -> Path:
    rng = np.random.default_rng(3)
    starts = pd.Timestamp("2015-01-01") + pd.to_timedelta(rng.integers(0, 3_000, 500), "D")
    ends = starts + pd.to_timedelta(rng.integers(30, 900, 500), "D")
    frame = pd.DataFrame(
        {
            "contract": [f"K-{i:05d}" for i in range(500)],
            "start_date": starts.strftime("%Y-%m-%d"),
            "valid_until": np.where(rng.random(500) < 0.7, "9999-12-31", ends.strftime("%Y-%m-%d")),
            "amount": rng.integers(10, 900, 500),
            "founded": rng.choice(["1492-10-12", "1600-01-01", "1789-07-14", "1900-01-01"], 500),
        }
    )
    frame.to_csv(path, index=False)
    return path


# --- 2. the real schema, and a report that does not score dtypes -----------------------------


def test_argn_output_has_the_real_schema_and_a_perfect_diagnostic(customers, work):
    trained = train(customers, "tabular_argn", work)
    synthetic = _read(sample(trained, 600, work))
    assert list(synthetic.columns) == list(customers.frame.columns)
    assert synthetic.dtypes.to_dict() == customers.frame.dtypes.to_dict()
    report = _report(customers, synthetic)
    assert report.quality.data_structure == 1.0
    assert report.quality.diagnostic_score == 1.0
    # The fidelity KS and SDMetrics' shape score agree on the date column (no false 0).
    shapes = {d.column: d.score for d in report.quality.column_shape_details}
    assert shapes["signup_date"] > 0.5


# --- 3. placeholders and ids -------------------------------------------------------------------


def test_no_placeholders_and_ids_keep_type_shape_uniqueness_and_position(customers, cars, work):
    trained = train(cars, "tabular_argn", work)
    synthetic = _read(sample(trained, 800, work))
    assert _placeholders(synthetic) == 0
    # The free-text model names are real names, not "_RARE_" (ARGN protects rare values).
    assert set(synthetic["Name"]) <= set(cars.frame["Name"])

    trained = train(customers, "tabular_argn", work)
    synthetic = _read(sample(trained, 1_500, work))
    ids = synthetic["customer_id"]
    assert synthetic.columns[0] == "customer_id"
    assert ids.dtype == np.int64 and ids.is_unique
    assert ids.min() == 10_000
    assert _placeholders(synthetic) == 0

    airports = ingested(airports_csv(work / "airports.csv"), work)
    trained = train(airports, "gaussian_copula", work)
    codes = _read(sample(trained, 4_000, work))["iata"]
    # Three letters, as 61 % of the real codes are (`SEA`); mixing digits in at every
    # position gave "9Q9" and "000", shapes no real code has, in 438 of 2,686 rows.
    assert codes.is_unique and codes.str.fullmatch(r"[A-Z]{3}").all()


def _staff_csv(path: Path) -> Path:
    """An HR export: an employee code, a manager's code that repeats (and is empty for the
    top of the tree), a Y/N flag and US phone numbers."""
    rng = np.random.default_rng(7)
    n = 600
    codes = [f"E{100_000 + i:06d}" for i in rng.permutation(n)]
    managers = np.where(rng.random(n) < 0.9, rng.choice(codes[:40], n), "")
    areas, lines = rng.integers(200, 999, n), rng.integers(1000, 9999, n)
    pd.DataFrame(
        {
            "emp_id": codes,
            "name": rng.choice(["Anna Müller", "Ben Schmidt", "Eva Smith", "Lena Weber"], n),
            "department": rng.choice(["Sales", "Engineering", "Support"], n),
            "remote": rng.choice(["Y", "N"], n, p=[0.35, 0.65]),
            "tenure_years": rng.integers(0, 30, n),
            "manager_id": managers,
            "phone": [f"+1 ({a}) 555-{b}" for a, b in zip(areas, lines, strict=True)],
        }
    ).to_csv(path, index=False)
    return path


def test_references_yes_no_flags_and_us_phones_come_back_as_a_user_expects(work):
    staff = ingested(_staff_csv(work / "staff.csv"), work)
    real = staff.frame
    # SDV takes only True/False as booleans: a Y/N column failed every SDV engine.
    trained = train(staff, "gaussian_copula", work)
    synthetic = _read(sample(trained, 600, work))
    assert set(synthetic["remote"]) == {"Y", "N"}
    # The manager's code repeats as the real one does, is sometimes empty, and is not the
    # employee's own code (each id column had the same ids, row for row).
    managers = synthetic["manager_id"]
    assert (managers == synthetic["emp_id"]).mean() < 0.05
    assert managers.nunique() <= real["manager_id"].nunique()
    assert managers.value_counts().max() > 5
    assert abs(managers.isna().mean() - real["manager_id"].isna().mean()) < 0.05
    assert synthetic["emp_id"].is_unique and synthetic["emp_id"].str.fullmatch(r"E\d{6}").all()
    # +1 numbers: the fake phones are American (ten digits after the country code, no
    # leading 0), not German or French.
    digits = synthetic["phone"].str.split("x").str[0].str.replace(r"\D", "", regex=True)
    national = digits.str.replace(r"^(001|1)(?=\d{10}$)", "", regex=True)
    assert (national.str.fullmatch(r"[1-9]\d{9}")).mean() > 0.9


# --- 4. PII ------------------------------------------------------------------------------------


def test_pii_is_never_learned_and_comes_back_as_realistic_fakes(customers, work):
    trained = train(customers, "gaussian_copula", work)
    real = customers.frame
    # Nothing of a real person is in the model file.
    with tarfile.open(trained.artifact) as tar:
        stored = b"".join(
            tar.extractfile(m).read()
            for m in tar.getmembers()
            if m.isfile()  # type: ignore[union-attr]
        )
    for value in [*real["email"].head(20), *real["ssn"].head(20), *real["name"].head(20)]:
        assert value.encode() not in stored
    synthetic = _read(sample(trained, 1_000, work))
    for column in ("name", "email", "phone", "ssn"):
        assert not synthetic[column].isin(real[column]).any(), column
    assert synthetic["phone"].str.match(PHONE).all()
    assert synthetic["ssn"].str.match(SSN).all()
    # One fake person per row: the email is made from the name.
    first = synthetic["name"].str.split().str[0].str.lower()
    assert (synthetic["email"].str.split(".").str[0] == first).mean() > 0.95
    report = _report(customers, synthetic)
    assert report.privacy.pii_replay_share == 0.0
    assert report.privacy.verdict != "fail"
    # Synthetic rows that replay real people fail the privacy verdict.
    leaked = synthetic.assign(email=real["email"].to_numpy())
    report = _report(customers, leaked)
    # (70 % of the real rows are the report's training rows.)
    assert report.privacy.pii_replay["email"] == pytest.approx(0.7, abs=0.01)
    assert report.privacy.verdict == "fail"
    assert any("PII" in reason for reason in report.privacy.reasons)


def test_street_addresses_and_first_names_with_initials_come_back_fake(work):
    # vega-datasets' LA riots table writes streets only ("2009 W. 6th St."): the fakes read
    # "916 Diana Row, Chelseamouth, Kentucky 18840", a town and state the column never had.
    from vega_datasets import local_data

    local_data.la_riots().to_csv(work / "la-riots.csv", index=False)
    riots = ingested(work / "la-riots.csv", work)
    assert riots.metadata["columns"]["address"]["sdtype"] == "address"
    synthetic = _read(sample(train(riots, "gaussian_copula", work), 300, work))
    addresses = synthetic["address"]
    assert not addresses.str.contains(",").any()
    assert addresses.str.fullmatch(r"\d+ [A-Z][\w .'-]+").all(), addresses.head().tolist()
    assert not addresses.isin(riots.frame["address"]).any()
    # Its first names carry initials ("Cesar A."): they are names, faked like the surnames.
    assert riots.metadata["columns"]["first_name"]["sdtype"] == "first_name"
    assert not synthetic["first_name"].str.contains(r" [A-Z]\.$").any()
    # And each fake first name agrees with the row's gender (it read "Kathy, Male").
    vocab = get_vocabulary("en_US")
    for gender, names in (("Female", vocab.first_names_female), ("Male", vocab.first_names_male)):
        rows = synthetic["gender"] == gender
        assert rows.any() and synthetic.loc[rows, "first_name"].isin(names.to_pylist()).all()


# --- 5. integer-coded categories ------------------------------------------------------------


def test_integer_codes_never_get_invented_values(work):
    glass = ingested(shared_tables()["glass"], work)
    synthetic = _read(sample(train(glass, "gaussian_copula", work), 2_000, work))
    assert set(synthetic["column_10"]) <= set(glass.frame["column_10"])
    assert synthetic["column_10"].dtype == np.int64


# --- 6. bounds, precision, missing values --------------------------------------------------


def test_bounds_precision_and_missing_values(cars, customers, work):
    synthetic = _read(sample(train(cars, "gaussian_copula", work), 3_000, work))
    real = cars.frame
    for column in ("Miles_per_Gallon", "Displacement", "Horsepower", "Weight_in_lbs"):
        present = synthetic[column].dropna()
        assert present.min() >= real[column].min() and present.max() <= real[column].max()
        # Whole numbers in the real column stay whole.
        if (real[column].dropna() % 1 == 0).all():
            assert (present % 1 == 0).all(), column
    for column in ("Miles_per_Gallon", "Horsepower"):
        assert synthetic[column].isna().mean() >= 0.8 * real[column].isna().mean() > 0
    assert synthetic["Year"].min() >= real["Year"].min()
    assert synthetic["Year"].max() <= real["Year"].max()
    # The model years are 1 January of each year, and stay so.
    assert set(synthetic["Year"].dt.dayofyear) == {1}

    # Gapminder's years are every fifth from 1952: no 1953 in the synthetic rows either.
    gapminder = ingested(gapminder_csv(work / "gapminder.csv"), work)
    years = _read(sample(train(gapminder, "gaussian_copula", work), 2_000, work))["year"]
    assert set(years) <= set(range(1952, 2008, 5)) and years.nunique() == 12

    spend = _read(sample(train(customers, "gaussian_copula", work), 500, work))["monthly_spend"]
    assert (spend.round(2) == spend).all()
    # Bounds can be turned off per job: then the engine's own range shows.
    unbounded = _read(
        sample(train(cars, "gaussian_copula", work), 3_000, work, enforce_bounds=False)
    )
    assert len(unbounded) == 3_000


# --- 10. time budgets ------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["ctgan", "tabular_argn"])
def test_a_budget_too_short_for_one_epoch_trains_one_and_says_so(engine, work):
    haberman = ingested(shared_tables()["haberman"], work)
    trained = train(haberman, engine, work, epochs=50, time_budget_seconds=0.2)
    assert trained.metrics["epochs_run"] >= 1
    # The job's budget as the user set it, not what was left of it once the engine's
    # process had started and read the data.
    assert "the time budget of 0.2 s did not fit one epoch" in trained.metrics["note"]
    assert trained.metrics["stopped_by_budget"]
    synthetic = _read(sample(trained, 300, work))
    assert set(synthetic["column_4"]) <= {1, 2}


# --- every engine (slow) ---------------------------------------------------------------------

EPOCHS = {"ctgan": 30, "tvae": 30, "copulagan": 30, "tabular_argn": 3}


@pytest.mark.slow
@pytest.mark.parametrize(
    "engine", ["gaussian_copula", "ctgan", "tvae", "copulagan", "tabular_argn"]
)
def test_every_engine_gives_rows_a_user_can_trust(engine, customers, cars, work):
    for table in (customers, cars):
        # Trained on the rows the report calls training rows, as a model of the platform
        # is: a category or a bound seen only in the holdout is not the engine's to learn.
        learned, holdout = _split(table, work)
        epochs = {"epochs": EPOCHS[engine]} if engine in EPOCHS else {}
        synthetic = _read(sample(train(learned, engine, work, **epochs), 1_000, work))
        real = learned.frame
        assert list(synthetic.columns) == list(real.columns)
        assert synthetic.dtypes.to_dict() == real.dtypes.to_dict()
        assert _placeholders(synthetic) == 0
        for name, spec in table.metadata["columns"].items():
            if spec["sdtype"] in ("categorical", "boolean"):
                assert set(synthetic[name].dropna()) <= set(real[name].dropna()), name
            if spec["sdtype"] in ("numerical", "datetime"):
                present = synthetic[name].dropna()
                assert present.min() >= real[name].min(), name
                assert present.max() <= real[name].max(), name
        if table is customers:
            assert synthetic["customer_id"].is_unique
            assert not synthetic["email"].isin(table.frame["email"]).any()
        options = ReportOptions(sample_rows=2_000, privacy_sample_rows=2_000)
        report = build_report(real, holdout, synthetic, table.metadata, options)
        assert report.quality.diagnostic_score == 1.0, engine


def _split(table: Ingested, work: Path) -> tuple[Ingested, pd.DataFrame]:
    """The table's training part, stored as its own file with the same schema, and the
    holdout rows (30 %)."""
    holdout = table.frame.sample(frac=0.3, random_state=0)
    rows = np.sort(table.frame.index.difference(holdout.index).to_numpy())
    path = work / f"{table.parquet.stem}-train.parquet"
    pq.write_table(pq.read_table(table.parquet).take(rows), path)
    learned = table.frame.loc[rows].reset_index(drop=True)
    return Ingested(learned, table.metadata, path), holdout
