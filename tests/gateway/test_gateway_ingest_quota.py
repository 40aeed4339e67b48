"""An account has at most a few files ingesting at once, however it sends them.

The gateway counts uploads per account while their bytes stream (``test_gateway_upload_slots``),
but ingestion goes on after the call answers: with ``waitSeconds=0`` an upload answers 202
INGESTING as soon as its bytes are stored and gives its slot back. The datasets service
ingests in a pool of two processes, first come first served, so one account posting files
without waiting queued as many ingestions as it liked, and everybody's uploads after them
waited behind the whole queue. Now a file is refused (429 ``RATE_LIMITED``,
``TOO_MANY_UPLOADS``) while the account has ``DATASETS_MAX_INGESTING_PER_USER`` (3) files
ingesting; other accounts are not affected, and the account uploads again once one is done.
"""

from __future__ import annotations

import asyncio

import httpx

from tests.gateway.test_gateway_datasets import create_project, new_user
from tests.support import graphql

# ~4 MB: a second or more of ingestion, against milliseconds to post on loopback.
BIG_CSV = b"id,amount,city,day,code\n" + b"".join(
    b"%d,%d.%d,city%d,2024-01-%02d,C%05d\n" % (i, i % 997, i % 10, i % 50, 1 + i % 28, i % 4093)
    for i in range(120_000)
)
SMALL_CSV = b"id,amount\n1,2.5\n2,3.5\n3,4.5\n"
STATUSES = """query($p: ID!) { datasets(projectId: $p, first: 50) { nodes { status } } }"""


async def post(client: httpx.AsyncClient, token: str, project_id: str, body: bytes, wait: int):
    return await client.post(
        "/upload/datasets",
        params={"projectId": project_id, "fileName": "data.csv", "waitSeconds": str(wait)},
        content=body,
        headers={"Authorization": f"Bearer {token}"},
    )


async def ingesting(client: httpx.AsyncClient, token: str, project_id: str) -> int:
    listed = await graphql(client, STATUSES, {"p": project_id}, token=token)
    nodes = listed["data"]["datasets"]["nodes"]
    return sum(node["status"] == "INGESTING" for node in nodes)


async def test_an_account_cannot_queue_ingestions_without_limit(client):
    greedy, other = await new_user(client), await new_user(client)
    greedy_project = await create_project(client, greedy)
    other_project = await create_project(client, other)

    answers, most = [], 0
    for _ in range(10):
        answers.append(await post(client, greedy["token"], greedy_project, BIG_CSV, wait=0))
        most = max(most, await ingesting(client, greedy["token"], greedy_project))

    accepted = [a for a in answers if a.status_code in (201, 202)]
    refused = [a for a in answers if a.status_code == 429]
    assert most <= 3, f"{most} of one account's files ingesting at once"
    others = [a.text for a in answers if a not in accepted and a not in refused]
    assert not others, others
    assert refused, "ten files posted without waiting were all queued"
    error = refused[0].json()["error"]
    assert error["code"] == "RATE_LIMITED" and error["reason"] == "TOO_MANY_UPLOADS"
    assert "still ingesting" in error["message"]

    # Another account uploads meanwhile.
    response = await post(client, other["token"], other_project, SMALL_CSV, wait=60)
    assert response.status_code == 201, response.text

    # Once the queue drains, the account uploads again.
    for _ in range(300):
        if await ingesting(client, greedy["token"], greedy_project) == 0:
            break
        await asyncio.sleep(0.5)
    response = await post(client, greedy["token"], greedy_project, SMALL_CSV, wait=60)
    assert response.status_code == 201, response.text
