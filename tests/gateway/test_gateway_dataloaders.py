"""No N+1: 50 datasets with their project cost one batched project look-up, counted as the
gRPC calls the datasets service really receives (its Prometheus counters)."""

from __future__ import annotations

import uuid

import httpx
from prometheus_client import REGISTRY

from common.db import Database
from services.datasets import service as datasets_service
from services.datasets.ingest import IngestOptions
from tests.support import PASSWORD, graphql, unique_email

DATASETS_SERVICE = "synthetica.datasets.v1.DatasetsService"
QUERY = """query($projectId: ID!) {
  datasets(projectId: $projectId, first: 50) {
    nodes { id name project { id name myRole } }
  }
}"""


def calls(method: str) -> float:
    total = 0.0
    for code in ("OK", "NOT_FOUND", "PERMISSION_DENIED", "INVALID_ARGUMENT"):
        value = REGISTRY.get_sample_value(
            "grpc_server_handled_total",
            {"service": DATASETS_SERVICE, "method": method, "code": code},
        )
        total += value or 0.0
    return total


async def test_fifty_datasets_with_their_project_take_one_project_lookup(gateway_url, database_url):
    async with httpx.AsyncClient(base_url=gateway_url, timeout=60) as client:
        registered = await graphql(
            client,
            "mutation($e: String!, $p: String!) { register(input: {email: $e, password: $p}) "
            "{ user { id email } tokens { accessToken } } }",
            {"e": unique_email("loader"), "p": PASSWORD},
        )
        user = registered["data"]["register"]["user"]
        token = registered["data"]["register"]["tokens"]["accessToken"]
        project = await graphql(
            client, 'mutation { createProject(input: {name: "many"}) { id name } }', token=token
        )
        project_id = project["data"]["createProject"]["id"]

        # Fifty dataset rows, made by the datasets service's own domain function (their
        # ingestion is beside the point here).
        db = Database(database_url)
        for i in range(50):
            db.run(
                datasets_service.create_dataset,
                user_id=user["id"],
                project_id=project_id,
                dataset_id=str(uuid.uuid4()),
                name=f"table-{i}",
                file_name=f"table-{i}.csv",
                options=IngestOptions(),
                size_bytes=10,
            )
        db.dispose()

        before = {m: calls(m) for m in ("ListDatasets", "BatchGetProjects", "GetProject")}
        result = await graphql(client, QUERY, {"projectId": project_id}, token=token)
        after = {m: calls(m) for m in before}

    nodes = result["data"]["datasets"]["nodes"]
    assert len(nodes) == 50
    assert {n["project"]["id"] for n in nodes} == {project_id}
    assert all(n["project"]["myRole"] == "OWNER" for n in nodes)
    assert {m: after[m] - before[m] for m in before} == {
        "ListDatasets": 1,
        "BatchGetProjects": 1,
        "GetProject": 0,
    }
