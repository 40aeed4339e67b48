"""Minneapolis police stops (carData's MplsStops): a case number written `17-000224` and
missing values written `NA` beside a date column.

Before: `idNum` was taken for a phone number (its shape fits one), so every synthetic stop
had a fake phone, `(838) 659-2757`, where the real ones have case numbers; and a table with
a date column lost the upload's `NA` on the way to the CSV (the date formatting rebuilt the
schema without it), so its missing values were empty cells again.
"""

from __future__ import annotations

import io

import pandas as pd
import pytest

from services.datasets.ingest import infer_metadata
from tests.corpus import customers_frame
from tests.services.training.faithful_world import FIXTURES, exported, ingested, sample, train


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_case_numbers_stay_case_numbers_and_na_stays_na(engine, work):
    stops = ingested(FIXTURES / "mpls_stops.csv", work)
    assert stops.metadata["columns"]["idNum"] == {"sdtype": "id"}
    assert stops.metadata["missing_value"] == "NA"
    csv_text = exported(sample(train(stops, engine, work), 300, work), "csv")
    rows = pd.read_csv(io.StringIO(csv_text), dtype=str, keep_default_na=False)
    assert rows["idNum"].str.fullmatch(r"17-\d{6}").all(), rows["idNum"].head().tolist()
    assert rows["idNum"].is_unique
    assert rows["date"].str.fullmatch(r"2017-\d\d-\d\dT\d\d:\d\d:\d\dZ").all()
    assert (rows["race"] == "NA").any() and not (rows == "").any().any()


def test_phone_numbers_in_any_order_are_still_phone_numbers():
    customers = customers_frame(rows=300)
    found = infer_metadata(customers, row_count=len(customers)).columns["phone"]
    assert (found.sdtype, found.pii) == ("phone_number", True)
    # Sorted, they are still phones by their column's name.
    ordered = customers.sort_values("phone").reset_index(drop=True)
    assert infer_metadata(ordered, row_count=300).columns["phone"].sdtype == "phone_number"
    # A column of them named otherwise, in file order: phones, not a running number.
    renamed = customers.rename(columns={"phone": "contact"})
    assert infer_metadata(renamed, row_count=300).columns["contact"].sdtype == "phone_number"
