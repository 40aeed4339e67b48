"""Conditions on a pair that fixes a column (nycflights13: a route fixes its distance), from a
notebook and from the shell: a route the training rows never fly is refused at once, naming
the pair; a list that allows a real route gives that route only, at its real distance.

Before, `{"origin": "EWR", "dest": "BGR"}` (EWR never flies to Bangor) gave 200 flights on
that route with whatever distance the engine drew (187, 2,475, 762 miles), and a list
allowing BGR and LAX gave a few EWR → BGR flights among the EWR → LAX ones."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from synthetica_client import Client
from synthetica_client.errors import BadUserInput
from tests.sdk.conftest import cli, in_thread

ROUTES = Path(__file__).resolve().parents[1] / "fixtures" / "faithful" / "flights_routes.csv"


async def test_a_route_never_flown_is_refused_and_a_list_keeps_to_real_routes(stack):
    real = pd.read_csv(ROUTES)
    assert not ((real["origin"] == "EWR") & (real["dest"] == "BGR")).any()
    account = await stack.account()

    def notebook() -> dict:
        with Client(stack.url, token=account.token) as c:
            ds = c.datasets.upload(ROUTES, project=c.projects.create("Flights"), progress=False)
            model = c.train(ds, engine="gaussian_copula", seed=1).wait(progress=False)
            with pytest.raises(BadUserInput) as refused:
                model.generate(
                    rows=50, seed=5, conditions={"origin": "EWR", "dest": "BGR"}, progress=False
                )
            either = model.generate(
                rows=300,
                seed=3,
                conditions={"origin": "EWR", "dest": ["BGR", "LAX"]},
                progress=False,
            )
            return {"model": model.id, "refused": refused.value, "rows": either.to_pandas()}

    result = await in_thread(notebook)
    assert "conditions.dest" in str(result["refused"].extensions)
    message = "origin 'EWR' and dest 'BGR' never occur together in the training rows"
    assert message in str(result["refused"])
    rows = result["rows"]
    assert len(rows) == 300
    assert set(zip(rows["origin"], rows["dest"], rows["distance"], strict=True)) == {
        ("EWR", "LAX", 2454)
    }

    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(account)}
    route = '{"origin": "EWR", "dest": "BGR"}'
    ran = await cli("generate", result["model"], "--rows", "50", "--conditions", route, env=env)
    assert ran.code == 1 and ran.err.startswith("error: BAD_USER_INPUT: "), ran.err
    assert message in ran.err, ran.err
