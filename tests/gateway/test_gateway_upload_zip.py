"""Several tables in one upload: a zip posted to /upload/datasets becomes one dataset with a
table per CSV member (folders, hidden files and __MACOSX skipped) and its links detected;
hostile zips (a path out of the folder, an absolute path, two members making one table, too
many members, a member that inflates past what it declares, a member declaring more than
the limit, a broken directory, a member that cannot be ingested) are refused with a reason
and create nothing."""

from __future__ import annotations

import io
import struct
import zipfile

import httpx
import pytest

from gateway.zip_uploads import ZipRefused, plan
from tests.gateway.test_gateway_dataset_tables import FIXTURES, TABLES
from tests.gateway.test_gateway_datasets import create_project, new_user
from tests.support import graphql

DATASETS = """query($p: ID!) { datasets(projectId: $p, first: 50) { nodes { id } } }"""


def zipped(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def fixture(name: str) -> bytes:
    return (FIXTURES / f"{name}.csv").read_bytes()


async def post(client: httpx.AsyncClient, token: str, body: bytes, **params: str):
    return await client.post(
        "/upload/datasets",
        params=params,
        content=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=300,
    )


async def test_a_zip_of_tables_becomes_one_linked_dataset(client):
    owner = await new_user(client)
    project_id = await create_project(client, owner)
    body = zipped(
        {
            "flights/flights.csv": fixture("flights"),
            "airlines.csv": fixture("airlines"),
            "__MACOSX/._airlines.csv": b"\x00\x05\x16\x07",
            ".DS_Store": b"\x00\x00\x00\x01Bud1",
            "flights/.hidden.csv": b"a\n1\n",
        }
    )

    response = await post(client, owner["token"], body, projectId=project_id, name="flights")

    assert response.status_code == 201, response.text
    dataset_id = response.json()["id"]
    got = (await graphql(client, TABLES, {"id": dataset_id}, token=owner["token"]))["data"]
    tables = {t["name"]: t for t in got["dataset"]["tables"]}
    assert list(tables) == ["flights", "airlines"]
    assert tables["flights"]["rowCount"] == 842 and tables["airlines"]["rowCount"] == 14
    assert {(k["parentTable"], k["childTable"]) for k in got["dataset"]["foreignKeys"]} == {
        ("airlines", "flights")
    }


async def test_a_zip_adds_tables_to_an_existing_dataset(client):
    owner = await new_user(client)
    project_id = await create_project(client, owner)
    first = await post(
        client, owner["token"], fixture("flights"), projectId=project_id, fileName="flights.csv"
    )
    assert first.status_code == 201, first.text
    dataset_id = first.json()["id"]
    body = zipped({"airlines.csv": fixture("airlines"), "planes.csv": fixture("planes")})

    response = await post(client, owner["token"], body, datasetId=dataset_id)

    assert response.status_code == 201, response.text
    got = (await graphql(client, TABLES, {"id": dataset_id}, token=owner["token"]))["data"]
    assert [t["name"] for t in got["dataset"]["tables"]] == ["flights", "airlines", "planes"]


def lying_member() -> bytes:
    """A member declaring 10 bytes that inflates to 4 MiB (sizes patched in both headers)."""
    body = bytearray(zipped({"bomb.csv": b"a\n" + b"1\n" * 2 * 1024 * 1024}))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = body.index(signature)
        body[at + offset : at + offset + 4] = struct.pack("<I", 10)
    return bytes(body)


HOSTILE = {
    "a parent path": (zipped({"../../etc/orders.csv": b"a\n1\n"}), 400, "INVALID_ARCHIVE"),
    "an absolute path": (zipped({"/tmp/orders.csv": b"a\n1\n"}), 400, "INVALID_ARCHIVE"),
    "two members, one table": (
        zipped({"a/orders.csv": b"a\n1\n", "b/orders.csv": b"a\n2\n"}),
        400,
        "DUPLICATE_TABLE",
    ),
    "21 tables": (
        zipped({f"t{i}.csv": b"a\n1\n" for i in range(21)}),
        400,
        "TOO_MANY_TABLES",
    ),
    "not a table": (zipped({"run.sh": b"rm -rf /"}), 400, "INVALID_ARCHIVE"),
    "nothing in it": (zipped({"__MACOSX/._a.csv": b"x"}), 400, "EMPTY_ARCHIVE"),
    "a member inflating past its size": (lying_member(), 400, "INVALID_ARCHIVE"),
    "a broken directory": (b"PK\x03\x04" + b"\x00" * 64, 400, "INVALID_ARCHIVE"),
    # The first table is created, the second cannot be read: the first goes again.
    "a second member that cannot be ingested": (
        zipped({"a.csv": b"a,b\n1,2\n", "b.csv": b"a,b\n1,2\n3\n4,5\n"}),
        400,
        "INCONSISTENT_COLUMNS",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE))
async def test_hostile_zips_are_refused_and_create_nothing(client, case):
    body, status, reason = HOSTILE[case]
    owner = await new_user(client)
    project_id = await create_project(client, owner)

    response = await post(client, owner["token"], body, projectId=project_id)

    assert response.status_code == status, response.text
    assert response.json()["error"]["reason"] == reason
    listed = await graphql(client, DATASETS, {"p": project_id}, token=owner["token"])
    assert listed["data"]["datasets"]["nodes"] == []


def test_sizes_are_bounded_by_what_members_declare():
    archive = zipfile.ZipFile(io.BytesIO(zipped({"a.csv": b"x" * 600, "b.csv": b"y" * 600})))
    with pytest.raises(ZipRefused) as one:
        plan(archive, member_limit=500, total_limit=10_000)
    assert one.value.reason == "TOO_LARGE" and "'a.csv'" in str(one.value)
    with pytest.raises(ZipRefused) as total:
        plan(archive, member_limit=1_000, total_limit=1_000)
    assert total.value.reason == "TOO_LARGE" and "together" in str(total.value)
    assert [m.table_name for m in plan(archive, member_limit=1_000, total_limit=1_200)] == [
        "a",
        "b",
    ]
