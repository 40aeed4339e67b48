"""``batches(datasetId: ...)``: a project's batches generated from one dataset's models, newest
first, as the SDK's ``batches.newest`` asks for them (first: 1) instead of paging through
every batch of the project. Every member gets them; the filter narrows what a caller may
already list, so an outsider gets what ``batches`` gives them without it: the project's
NOT_FOUND, or none of their own."""

from __future__ import annotations

import pytest

from tests.gateway.team import Team
from tests.support import error_code, graphql

pytestmark = pytest.mark.usefixtures("training_worker")

BATCHES = """
query($projectId: ID, $datasetId: ID, $first: Int!) {
  batches(projectId: $projectId, datasetId: $datasetId, first: $first) {
    nodes { id datasetId modelId }
    pageInfo { hasNextPage }
  }
}"""
GENERATE = """
mutation($input: GenerateInput!) { generate(input: $input) { batch { id } } }"""


async def _generate(client, team: Team, model_id: str) -> str:
    result = await graphql(
        client,
        GENERATE,
        {"input": {"modelId": model_id, "count": 20, "seed": 1}},
        token=team.tokens["owner"],
    )
    assert "errors" not in result, result
    batch_id = result["data"]["generate"]["batch"]["id"]
    await team.wait_batch(client, batch_id, status="READY")
    return batch_id


async def _listed(client, team: Team, role: str, **variables) -> dict:
    return await graphql(client, BATCHES, {"first": 50, **variables}, token=team.tokens[role])


async def test_batches_of_one_dataset_newest_first_for_members_only(client, team: Team) -> None:
    # Two batches of the team's dataset, then one of another dataset of the same project: the
    # project's newest batch is not the team dataset's.
    first = await _generate(client, team, team.model_id)
    second = await _generate(client, team, team.model_id)
    owner = team.users["owner"]
    other_dataset = await team.world.dataset(owner, project_id=team.project_id)
    other_model = await team.world.trained_model(owner, other_dataset, seed=1)
    other = await _generate(client, team, other_model)

    everything = await _listed(client, team, "owner", projectId=team.project_id)
    assert everything["data"]["batches"]["nodes"][0]["id"] == other

    for role in ("owner", "editor", "viewer"):
        mine = await _listed(
            client, team, role, projectId=team.project_id, datasetId=team.dataset_id
        )
        assert "errors" not in mine, (role, mine)
        nodes = mine["data"]["batches"]["nodes"]
        assert [n["id"] for n in nodes] == [second, first], (role, mine)
        assert {(n["datasetId"], n["modelId"]) for n in nodes} == {(team.dataset_id, team.model_id)}
        newest = await _listed(
            client, team, role, projectId=team.project_id, datasetId=team.dataset_id, first=1
        )
        assert newest["data"]["batches"] == {
            "nodes": [{"id": second, "datasetId": team.dataset_id, "modelId": team.model_id}],
            "pageInfo": {"hasNextPage": True},
        }, role
        theirs = await _listed(
            client, team, role, projectId=team.project_id, datasetId=other_dataset
        )
        assert [n["id"] for n in theirs["data"]["batches"]["nodes"]] == [other], role

    # An outsider: the project is NOT_FOUND with the filter as without it, and their own
    # batches (no projectId) of that dataset are none: nothing says the dataset has batches.
    unfiltered = await _listed(client, team, "outsider", projectId=team.project_id)
    filtered = await _listed(
        client, team, "outsider", projectId=team.project_id, datasetId=team.dataset_id
    )
    assert error_code(filtered) == error_code(unfiltered) == "NOT_FOUND"
    assert (
        filtered["data"] is None
        and filtered["errors"][0]["message"] == (unfiltered["errors"][0]["message"])
    )
    own = await _listed(client, team, "outsider", datasetId=team.dataset_id)
    assert own["data"]["batches"] == {"nodes": [], "pageInfo": {"hasNextPage": False}}


async def test_a_malformed_dataset_id_is_refused_as_such(client, team: Team) -> None:
    for bogus in ("no-such-id", "' OR 1=1 --", "x" * 10_000):
        refused = await _listed(client, team, "viewer", projectId=team.project_id, datasetId=bogus)
        assert error_code(refused) == "BAD_USER_INPUT", refused
        assert refused["data"] is None
    unknown = "00000000-0000-0000-0000-000000000000"
    none = await _listed(client, team, "viewer", projectId=team.project_id, datasetId=unknown)
    assert none["data"]["batches"]["nodes"] == []
