"""A dataset named by its name on the command line and in Python, looked up in the project
given or in every project of the caller's."""

from __future__ import annotations

from synthetica_client import Client
from tests.sdk.conftest import adult_in_two_projects, cli, in_thread
from tests.sdk.test_sdk_cli import json_of


async def test_a_dataset_is_named_by_its_name_and_project(stack):
    # Copying a UUID from `datasets ls` for every command: a user types the name instead.
    account = await stack.account()
    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(account)}
    ids = await adult_in_two_projects(stack, account)
    shown = json_of(await cli("datasets", "show", "adult", "-p", "Survey", "--json", env=env))
    assert shown["id"] == ids["Survey"]
    queued = json_of(
        await cli(
            "train", "adult", "--project", "Census", "--engine", "gaussian_copula", "--json",
            env=env,
        )
    )  # fmt: skip
    models = json_of(await cli("models", "ls", "-p", "Census", "--json", env=env))
    assert [(m["id"], m["datasetId"]) for m in models] == [(queued["modelId"], ids["Census"])]
    # Two of that name: one line that names both and what to do.
    ran = await cli("datasets", "show", "adult", env=env)
    assert ran.code == 1 and ran.err.count("\n") == 1
    assert ids["Census"] in ran.err and ids["Survey"] in ran.err and "its project" in ran.err
    ran = await cli("train", "adlt", "-p", "Census", "--engine", "gaussian_copula", env=env)
    assert ran.code == 1 and "no dataset named 'adlt' in project 'Census'" in ran.err

    def from_python() -> tuple[str, str]:
        with Client(stack.url, token=account.token) as c:
            found = c.datasets.get("adult", project="Survey")
            job = c.train("adult", project="Census", engine="gaussian_copula")
            return found.id, c.models.get(job.model_id).dataset_id

    assert await in_thread(from_python) == (ids["Survey"], ids["Census"])
