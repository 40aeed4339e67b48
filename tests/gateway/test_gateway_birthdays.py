"""Birthdays written with two-digit years, end to end through GraphQL: uploaded, trained,
generated with a condition on the date and downloaded as the file wrote them.

Before: `3/14/55` was stored as 2055, a condition fixing a date failed the job with SDV's
'Sampling terminated', and a date that is none (`garbage`) was taken."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tests.gateway.test_gateway_rules import _generated_rows, _trained, client  # noqa: F401
from tests.support import graphql

pytestmark = pytest.mark.usefixtures("training_worker")

GENERATE = """
mutation($m: ID!, $conditions: JSON) {
  generate(input: {modelId: $m, count: 50, seed: 3, conditions: $conditions}) { batch { id } }
}"""


def _people() -> bytes:
    rng = np.random.default_rng(0)
    years = rng.integers(1955, 1986, 400)
    dob = [f"{rng.integers(1, 13)}/{rng.integers(1, 29)}/{y % 100:02d}" for y in years]
    income = rng.normal(5e4, 9e3, 400).round(2)
    return pd.DataFrame({"dob": dob, "income": income}).to_csv(index=False).encode()


async def test_birthdays_with_two_digit_years_end_to_end(client, world):  # noqa: F811
    owner, _, model_id = await _trained(client, world, _people())
    for bogus, says in (
        ("garbage", "ISO 8601"),
        ("3/14/55", "ISO 8601"),
        ("2055-03-14", "outside"),
    ):
        refused = await graphql(
            client, GENERATE, {"m": model_id, "conditions": {"dob": bogus}}, token=owner.token
        )
        assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", refused
        field = refused["errors"][0]["extensions"]["fields"][0]
        assert field["field"] == "conditions.dob" and says in field["message"], refused

    _, rows = await _generated_rows(client, owner.token, model_id, {"dob": "1970-05-05"})
    assert (rows["dob"] == "5/5/70").all(), rows["dob"].head()
    _, rows = await _generated_rows(client, owner.token, model_id)
    years = pd.to_datetime(rows["dob"], format="%m/%d/%y").dt.year % 100
    assert years.between(55, 85).all(), sorted(set(years))
