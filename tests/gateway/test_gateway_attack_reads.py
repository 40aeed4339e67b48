"""The reads added for the dashboard's charts and previews, tried by every caller and with
hostile arguments: a dataset's previewRows and statistics, a model's metrics (the loss curve
of the job page's ``JobModelLoss``) and a batch's previewRows. Members read them; an
outsider, an outsider's API key and a caller without a token get a clear error and nothing
of the project; ids that do not exist or are malformed, and arguments out of bounds, are
refused as such, never as an internal error."""

from __future__ import annotations

import grpc
import httpx
import pytest

from synthetica.datasets.v1 import datasets_pb2
from tests.gateway.team import Team
from tests.support import error_code, graphql

pytestmark = pytest.mark.usefixtures("training_worker")

DATASET = """
query($id: ID!, $n: Int!) {
  dataset(id: $id) { id status stats previewRows(n: $n) tables { name stats previewRows(n: 2) } }
}"""
MODEL_LOSS = "query($id: ID!) { model(id: $id) { id metrics } }"
BATCH_PREVIEW = """
query($id: ID!, $table: String!) { batch(id: $id) { id status previewRows(n: 3, table: $table) } }
"""
API_KEY = 'mutation { createApiKey(input: {name: "attack"}) { secret } }'
MALFORMED_IDS = ["", "no-such-id", "00000000-0000-0000-0000-000000000000", "../../etc/passwd",
                 "' OR 1=1 --", "x" * 10_000, "\u0000", "%00", "1e309"]  # fmt: skip


@pytest.fixture(scope="module")
async def batch_id(gateway_url, team: Team) -> str:
    async with httpx.AsyncClient(base_url=gateway_url, timeout=180) as client:
        made = await team.generate(client, "owner", count=20)
        await team.wait_batch(client, made["batch"]["id"], status="READY")
    return made["batch"]["id"]


async def _api_key(client: httpx.AsyncClient, token: str) -> str:
    result = await graphql(client, API_KEY, token=token)
    return result["data"]["createApiKey"]["secret"]


def _reads(team: Team, batch: str) -> list[tuple[str, dict]]:
    return [
        (DATASET, {"id": team.dataset_id, "n": 3}),
        (MODEL_LOSS, {"id": team.model_id}),
        (BATCH_PREVIEW, {"id": batch, "table": ""}),
    ]


async def test_every_member_reads_the_previews_statistics_and_loss_curve(
    client, team: Team, batch_id: str
) -> None:
    owner_key = await _api_key(client, team.tokens["owner"])
    callers = [{"token": team.tokens[role]} for role in ("owner", "editor", "viewer")]
    for caller in [*callers, {"api_key": owner_key}]:
        dataset, model, batch = [
            await graphql(client, query, variables, **caller)
            for query, variables in _reads(team, batch_id)
        ]
        assert "errors" not in dataset and "errors" not in model and "errors" not in batch
        assert len(dataset["data"]["dataset"]["previewRows"]) == 3
        assert dataset["data"]["dataset"]["stats"]["columns"]
        assert dataset["data"]["dataset"]["tables"][0]["previewRows"]
        assert model["data"]["model"]["metrics"] is not None
        assert len(batch["data"]["batch"]["previewRows"]) == 3


async def test_a_preview_of_no_rows_is_empty_and_of_too_many_refused(
    client, team: Team, batch_id: str
) -> None:
    # `previewRows(n: 0)` gave 20 rows: the services read a limit of 0 as their default.
    token = {"token": team.tokens["viewer"]}
    dataset = await graphql(client, DATASET, {"id": team.dataset_id, "n": 0}, **token)
    assert dataset["data"]["dataset"]["previewRows"] == [], dataset
    empty = BATCH_PREVIEW.replace("n: 3", "n: 0")
    batch = await graphql(client, empty, {"id": batch_id, "table": ""}, **token)
    assert batch["data"]["batch"]["previewRows"] == [], batch
    for n in (-1, 1001):
        many = BATCH_PREVIEW.replace("n: 3", f"n: {n}")
        refused = await graphql(client, many, {"id": batch_id, "table": ""}, **token)
        assert error_code(refused) == "BAD_USER_INPUT", refused


async def test_outsiders_and_anonymous_callers_read_nothing_of_the_project(
    client, team: Team, batch_id: str
) -> None:
    outsider_key = await _api_key(client, team.tokens["outsider"])
    outsiders = [
        ({"token": team.tokens["outsider"]}, "NOT_FOUND"),
        # An admin changes any project's settings, and reads no rows of one they are not in.
        ({"token": team.tokens["admin"]}, "NOT_FOUND"),
        ({"api_key": outsider_key}, "NOT_FOUND"),
        ({}, "UNAUTHENTICATED"),
        ({"token": "not.a.jwt"}, "UNAUTHENTICATED"),
        ({"api_key": "sk_not_a_key"}, "UNAUTHENTICATED"),
    ]
    for caller, code in outsiders:
        for query, variables in _reads(team, batch_id):
            result = await graphql(client, query, variables, **caller)
            assert error_code(result) == code, (caller, query, result)
            assert not (result.get("data") or {}).get(query.split("{")[1].split("(")[0].strip())


@pytest.mark.parametrize("bad_id", MALFORMED_IDS)
async def test_ids_that_do_not_exist_or_are_malformed_are_not_found(
    client, team: Team, bad_id: str
) -> None:
    for query, variables in [
        (DATASET, {"id": bad_id, "n": 3}),
        (MODEL_LOSS, {"id": bad_id}),
        (BATCH_PREVIEW, {"id": bad_id, "table": ""}),
    ]:
        result = await graphql(client, query, variables, token=team.tokens["owner"])
        assert error_code(result) in ("NOT_FOUND", "BAD_USER_INPUT"), (query, result)


async def test_preview_arguments_out_of_bounds_are_refused(
    client, team: Team, batch_id: str
) -> None:
    for n in (-1, 1001, 2**31 - 1):
        result = await graphql(
            client, DATASET, {"id": team.dataset_id, "n": n}, token=team.tokens["owner"]
        )
        assert error_code(result) == "BAD_USER_INPUT", (n, result)
    for table in ("../../etc/passwd", "no_such_table", "x" * 10_000):
        result = await graphql(
            client, BATCH_PREVIEW, {"id": batch_id, "table": table}, token=team.tokens["owner"]
        )
        assert error_code(result) in ("NOT_FOUND", "BAD_USER_INPUT"), (table, result)


async def test_a_failed_dataset_has_no_preview_and_no_statistics(client, team: Team) -> None:
    """An upload refused (rows of different lengths) stays listed as FAILED; its preview and
    statistics are empty for every member, not an error."""
    owner = team.users["owner"]
    header = datasets_pb2.UploadHeader(
        project_id=team.project_id, name="ragged", file_name="ragged.csv", wait_seconds=60
    )

    async def requests():
        yield datasets_pb2.UploadDatasetRequest(header=header)
        yield datasets_pb2.UploadDatasetRequest(chunk=b"a,b,c\n1,2,3\n4,5,6\n7,8\n9,10,11\n")

    with pytest.raises(grpc.aio.AioRpcError):
        await team.world.datasets.UploadDataset(requests(), metadata=owner.md, timeout=90)
    listed = await team.world.datasets.ListDatasets(
        datasets_pb2.ListDatasetsRequest(project_id=team.project_id), metadata=owner.md
    )
    (failed,) = [d for d in listed.datasets if d.name == "ragged"]
    assert failed.status == datasets_pb2.DATASET_STATUS_FAILED
    for role in ("owner", "viewer"):
        result = await graphql(client, DATASET, {"id": failed.id, "n": 5}, token=team.tokens[role])
        assert "errors" not in result, result
        dataset = result["data"]["dataset"]
        assert dataset["status"] == "FAILED"
        assert dataset["stats"] is None and dataset["previewRows"] == []
