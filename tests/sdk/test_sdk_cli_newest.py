"""After `synthetica train adult -p Census` a user has a dataset's name and its project in
hand, not the model's id: `generate` and `report` take the dataset's name (or id) with `-p`
for its newest READY model and its newest batch, as `train` and `datasets show` take it.
Ids keep working; an ambiguous or unknown name is one line saying what to do."""

from __future__ import annotations

import io

import pandas as pd

from tests.sdk.conftest import adult_in_two_projects, cli
from tests.sdk.test_sdk_cli import json_of
from tests.services.training.training_world import small_adult_csv


async def test_generate_and_report_take_the_dataset_name_a_user_trained(stack, tmp_path):
    account = await stack.account()
    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(account)}
    ids = await adult_in_two_projects(stack, account)
    # Survey's adult has no model yet: said, with what to do.
    ran = await cli("generate", "adult", "-p", "Survey", "--rows", "10", env=env)
    assert ran.code == 1 and ran.err.count("\n") == 1, ran.err
    assert f"dataset 'adult' ({ids['Survey']}) has no model: train one first" in ran.err
    ran = await cli("report", "adult", "-p", "Survey", env=env)
    assert ran.code == 1 and f"no batch was generated from dataset 'adult' ({ids['Survey']})" in (
        ran.err
    )

    train = ("train", "adult", "-p", "Census", "--engine", "gaussian_copula", "--wait", "--json")
    first = json_of(await cli(*train, "--seed", "1", env=env))
    second = json_of(await cli(*train, "--seed", "2", env=env))
    assert first["status"] == second["status"] == "READY"

    out = tmp_path / "synthetic.csv"
    ran = await cli(
        "generate", "adult", "-p", "Census", "--rows", "50", "-o", str(out), "--json", env=env
    )
    batch = json_of(ran)
    # The newest of the two models, and the user is told which it took.
    assert batch["modelId"] == second["id"] and batch["datasetId"] == ids["Census"]
    assert f"Using model {second['id']}: the newest READY model of dataset 'adult'" in ran.err
    rows = pd.read_csv(out)
    real = pd.read_csv(io.BytesIO(small_adult_csv(120)))
    assert len(rows) == 50 and list(rows.columns) == list(real.columns)
    # ("?" in the real rows is read as a missing value: empty in the synthetic ones.)
    assert set(rows["workclass"].dropna()) <= set(real["workclass"])
    assert set(rows["income"]) <= set(real["income"]) and rows["age"].between(0, 120).all()

    # The report of that batch, by the dataset's name, and the same by the batch's id.
    by_name = await cli("report", "adult", "-p", "Census", "--json", env=env)
    report = json_of(by_name)
    assert report["batchId"] == batch["id"]
    assert f"Using batch {batch['id']}: the newest of dataset 'adult'" in by_name.err
    assert json_of(await cli("report", batch["id"], "--json", env=env))["batchId"] == batch["id"]

    # Ids keep working: a model's, and a dataset's (its newest model).
    older = json_of(
        await cli("generate", first["id"], "--rows", "5", "--json", env=env, cwd=tmp_path)
    )
    assert older["modelId"] == first["id"]
    by_id = json_of(
        await cli("generate", ids["Census"], "--rows", "5", "--json", env=env, cwd=tmp_path)
    )
    assert by_id["modelId"] == second["id"]

    ran = await cli("generate", ids["Survey"], "--rows", "5", env=env)
    assert ran.code == 1 and "dataset 'adult'" in ran.err and "has no model" in ran.err

    # Two datasets of that name and no project: one line naming both and what to do.
    ran = await cli("generate", "adult", "--rows", "10", env=env)
    assert ran.code == 1 and ran.err.count("\n") == 1
    assert ids["Census"] in ran.err and ids["Survey"] in ran.err and "its project" in ran.err
    ran = await cli("report", "adlt", "-p", "Census", env=env)
    assert ran.code == 1 and "no dataset named 'adlt' in project 'Census'" in ran.err
    unknown = "00000000-0000-4000-8000-000000000000"
    ran = await cli("report", unknown, env=env)
    assert ran.code == 1 and f"no batch or dataset with id {unknown}" in ran.err
