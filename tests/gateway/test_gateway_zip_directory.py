"""A zip's directory is bounded before the gateway reads it.

``zipfile.ZipFile`` reads the whole central directory into one ZipInfo per entry before a
member can be looked at. Entries cost 46 bytes plus a name in the file and ~400 bytes of
objects once read, so a directory of empty entries is an amplifier: 57 MB posted to
``/upload/datasets`` took 6 s of the gateway's CPU and ~450 MB of its memory, a 2 GiB one
(the upload limit) ~15 GB, three at once per account, before the answer "more than 20
tables". Now the end record (which says how big the directory is) is checked first.
"""

from __future__ import annotations

import struct
import tracemalloc
from collections.abc import AsyncIterator

from tests.gateway.test_gateway_datasets import create_project, new_user
from tests.gateway.test_gateway_upload_zip import DATASETS, post, zipped
from tests.support import graphql

MIB = 1024 * 1024


def directory_bomb(entries: int) -> bytes:
    """A zip whose central directory lists ``entries`` empty members (zip64 end records, as
    a real archiver writes past 65,535 entries); one local header, the magic at the start."""
    names = (b"%07d.csv" % i for i in range(entries))
    directory = b"".join(
        struct.pack("<4s4B4HL2L5H2L", b"PK\x01\x02", 20, 0, 20, 0, *[0] * 7, len(name), *[0] * 6)
        + name
        for name in names
    )
    start = 30  # after the one local header
    zip64_end = struct.pack(
        "<4sQ2H2L4Q", b"PK\x06\x06", 44, 45, 45, 0, 0, entries, entries, len(directory), start
    )
    locator = struct.pack("<4sLQL", b"PK\x06\x07", 0, start + len(directory), 1)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, 0xFFFF, 0xFFFF, *[0xFFFFFFFF] * 2, 0)
    return b"PK\x03\x04" + b"\0" * 26 + directory + zip64_end + locator + end


async def pieces(body: bytes) -> AsyncIterator[bytes]:
    """The body in 64 KiB pieces, so the client holds no copy of it while memory is traced."""
    view = memoryview(body)
    for at in range(0, len(body), 64 * 1024):
        yield bytes(view[at : at + 64 * 1024])


async def test_a_zip_directory_of_300000_entries_is_refused_without_reading_it(client):
    owner = await new_user(client)
    project_id = await create_project(client, owner)
    body = directory_bomb(300_000)  # 17 MB

    tracemalloc.start()
    try:
        response = await client.post(
            "/upload/datasets",
            params={"projectId": project_id},
            content=pieces(body),
            headers={"Authorization": f"Bearer {owner['token']}"},
            timeout=300,
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    # The gateway (in this process) read the body into its spool, not into objects: reading
    # the directory used to allocate ~120 MB here.
    assert peak < 24 * MIB, f"{peak / MIB:.0f} MiB allocated"
    assert response.status_code == 413, response.text
    error = response.json()["error"]
    assert error["reason"] == "TOO_LARGE"
    assert "directory" in error["message"]
    listed = await graphql(client, DATASETS, {"p": project_id}, token=owner["token"])
    assert listed["data"]["datasets"]["nodes"] == []


async def test_a_few_entries_with_long_names_are_refused_too(client):
    """The directory is bounded in bytes, not only in entries: a name may be 64 KiB."""
    owner = await new_user(client)
    project_id = await create_project(client, owner)
    body = zipped({f"{i:02d}{'x' * 60_000}.csv": b"a\n1\n" for i in range(20)})

    response = await post(client, owner["token"], body, projectId=project_id)

    assert response.status_code == 413, response.text
    assert response.json()["error"]["reason"] == "TOO_LARGE"


async def test_an_ordinary_zip_still_becomes_a_dataset(client):
    owner = await new_user(client)
    project_id = await create_project(client, owner)
    body = zipped({"people.csv": b"id,name\n1,a\n2,b\n", "__MACOSX/._people.csv": b"\0"})

    response = await post(client, owner["token"], body, projectId=project_id, name="people")

    assert response.status_code == 201, response.text
