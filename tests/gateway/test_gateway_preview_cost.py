"""Preview rows count toward a query's cost, through the GraphQL gateway over real HTTP.

``previewRows(n: 50)`` cost 1 whatever ``n`` asked for, so 30 aliases of ``datasets(first:
100) { nodes { previewRows(n: 50) stats } }`` (cost 9,030, within 20,000) read 3,000
previews in one request; with 14 small datasets that was 5.5 s and a 3.9 MB answer, and a
preview may hold 1,000 rows of up to 1,000 columns. Each row asked for now counts one."""

from __future__ import annotations

import pytest

from tests.support import PASSWORD, graphql, unique_email

PAGE = "datasets(projectId: $p, first: 100) { nodes { previewRows(n: 50) stats } }"


@pytest.fixture
async def uploaded(client) -> tuple[str, str]:
    """A new account with one small dataset: (token, project id)."""
    registered = await graphql(
        client,
        "mutation($input: RegisterInput!) { register(input: $input) { tokens { accessToken } } }",
        {"input": {"email": unique_email("preview-cost"), "password": PASSWORD}},
    )
    token = registered["data"]["register"]["tokens"]["accessToken"]
    created = await graphql(
        client,
        "mutation($input: CreateProjectInput!) { createProject(input: $input) { id } }",
        {"input": {"name": "previews"}},
        token=token,
    )
    project_id = created["data"]["createProject"]["id"]
    rows = "".join(f"{i},{i % 7},c{i % 3}\n" for i in range(200))
    response = await client.post(
        "/upload/datasets",
        params={"projectId": project_id, "name": "small", "fileName": "small.csv"},
        headers={"Authorization": f"Bearer {token}"},
        content=("x,y,z\n" + rows).encode(),
    )
    assert response.status_code == 201, response.text
    return token, project_id


async def test_many_previews_in_one_query_are_too_costly(client, uploaded):
    token, project_id = uploaded
    aliased = " ".join(f"a{i}: {PAGE}" for i in range(30))
    answer = await graphql(
        client, f"query($p: ID!) {{ {aliased} }}", {"p": project_id}, token=token
    )

    assert answer.get("data") is None
    [error] = answer["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["cost"] > error["extensions"]["limit"] == 20_000


async def test_a_preview_size_as_a_variable_counts_as_the_largest(client, uploaded):
    token, project_id = uploaded
    answer = await graphql(
        client,
        "query($p: ID!, $n: Int!) { datasets(projectId: $p, first: 100)"
        " { nodes { previewRows(n: $n) } } }",
        {"p": project_id, "n": 1},
        token=token,
    )
    assert answer["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


async def test_previews_as_the_dashboard_and_sdk_ask_still_answer(client, uploaded):
    token, project_id = uploaded
    page = await graphql(client, f"query($p: ID!) {{ {PAGE} }}", {"p": project_id}, token=token)
    [dataset] = page["data"]["datasets"]["nodes"]
    assert dataset["previewRows"][:2] == [{"x": 0, "y": 0, "z": "c0"}, {"x": 1, "y": 1, "z": "c1"}]
    assert len(dataset["previewRows"]) == 50

    listed = await graphql(
        client,
        "query($p: ID!) { datasets(projectId: $p) { nodes { id } } }",
        {"p": project_id},
        token=token,
    )
    dataset_id = listed["data"]["datasets"]["nodes"][0]["id"]
    # The SDK's preview: the size a variable, up to the 1,000 rows a preview gives.
    one = await graphql(
        client,
        "query($id: ID!, $n: Int!, $offset: Int!) { dataset(id: $id)"
        " { previewRows(n: $n, offset: $offset) } }",
        {"id": dataset_id, "n": 1000, "offset": 150},
        token=token,
    )
    assert len(one["data"]["dataset"]["previewRows"]) == 50
