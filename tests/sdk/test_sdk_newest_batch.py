"""``batches.newest(dataset)`` (what ``synthetica report adult -p P`` reads) asks the server
for the dataset's newest batch, not for every batch of the project: the project's newest
batch of another dataset is not it, every member of the project gets the same one, and an
outsider learns nothing of the dataset. ``batches.list(dataset=...)`` lists one dataset's."""

from __future__ import annotations

import pytest

from synthetica_client import Client
from synthetica_client.errors import NotFound
from tests.sdk.conftest import in_thread
from tests.services.training.training_world import small_adult_csv


async def test_newest_batch_of_a_dataset_beside_another_datasets_newer_one(
    stack, two_batches, tmp_path
):
    adult = tmp_path / "adult.csv"
    adult.write_bytes(small_adult_csv(120))
    made = await two_batches(adult, "Shop")
    owner = made.account
    viewer, outsider = await stack.account(), await stack.account()

    def other_dataset() -> tuple[str, str, str]:
        """A second dataset of the project, with the project's newest batch."""
        with Client(stack.url, token=owner.token) as c:
            project = c.projects.get("Shop")
            people = c.datasets.upload(adult, project=project, name="people", progress=False)
            model = c.train(people, engine="gaussian_copula", seed=2).wait(progress=False)
            batch = model.generate(rows=30, seed=1, progress=False)
            return project.id, people.id, batch.id

    project_id, people_id, people_batch = await in_thread(other_dataset)
    await stack.add_member(owner, project_id, viewer.email, "VIEWER")

    def newest_as(account) -> tuple[str, list[tuple[str, int]], str]:
        with Client(stack.url, token=account.token) as c:
            adult_ds = c.datasets.get("adult", project="Shop")
            # What newest asks the server: one query for one batch, whatever the project holds.
            asked: list[dict] = []
            query = c._async._t.batches

            async def spied(**variables):
                asked.append(variables)
                return await query(**variables)

            c._async._t.batches = spied
            c.batches.newest("adult", project="Shop")
            assert [(a["first"], a["dataset_id"]) for a in asked] == [(1, adult_ds.id)]
            c._async._t.batches = query
            assert c.batches.list(project="Shop", limit=1)[0].id == people_batch
            of_adult = c.batches.list(project="Shop", dataset=adult_ds)
            return (
                c.batches.newest("adult", project="Shop").id,
                [(b.id, b.row_count) for b in of_adult],
                c.batches.newest(people_id).id,
            )

    for account in (owner, viewer):
        newest, of_adult, of_people = await in_thread(newest_as, account)
        assert newest == made.odd_id
        # Both batches of adult, newest first (the anomalous 200 rows after the 500), and only
        # they: not the people dataset's.
        assert [rows for _, rows in of_adult] == [200, 500] and of_adult[0][0] == made.odd_id
        assert of_people == people_batch

    def as_outsider() -> None:
        with Client(stack.url, token=outsider.token) as c:
            with pytest.raises(NotFound):
                c.batches.newest("adult", project=project_id)
            with pytest.raises(NotFound):
                c.batches.newest(people_id)
            assert c.batches.list() == []

    await in_thread(as_outsider)
