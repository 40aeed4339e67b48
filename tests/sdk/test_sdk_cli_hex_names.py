"""A dataset named by a hash of its file (32 hex digits, as `md5sum` writes it) is found by
that name: only an id as the server writes it (8-4-4-4-12 hex digits) is taken for an id.

Before, Python's UUID parser read the hash as an id too ("d41d8cd9…" without hyphens, or in
braces), so `datasets show`, `train`, `generate` and `report` looked for a dataset of that id
and said there was none."""

from __future__ import annotations

import io

import pandas as pd

from synthetica_client import Client
from synthetica_client._base import is_uuid
from tests.sdk.conftest import cli, in_thread
from tests.sdk.test_sdk_cli import json_of
from tests.services.training.training_world import small_adult_csv

HASH = "d41d8cd98f00b204e9800998ecf8427e"


def test_only_an_id_as_the_server_writes_it_is_an_id():
    assert is_uuid("0b6f3a52-61d5-4e6f-9a51-1f0a3c2b7d4e")
    assert is_uuid("0B6F3A52-61D5-4E6F-9A51-1F0A3C2B7D4E")  # pasted in capitals
    for name in (HASH, "{0b6f3a52-61d5-4e6f-9a51-1f0a3c2b7d4e}", "urn:uuid:" + HASH, "adult"):
        assert not is_uuid(name), name


async def test_a_dataset_named_by_its_file_hash_is_found_by_it(stack):
    account = await stack.account()
    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": await stack.api_key(account)}

    def upload() -> str:
        with Client(stack.url, token=account.token) as c:
            frame = pd.read_csv(io.BytesIO(small_adult_csv(120)))
            project = c.projects.create("Hashed")
            return c.datasets.upload(frame, project=project, name=HASH, progress=False).id

    dataset_id = await in_thread(upload)
    shown = json_of(await cli("datasets", "show", HASH, "-p", "Hashed", "--json", env=env))
    assert shown["id"] == dataset_id
    ran = await cli("report", HASH, "-p", "Hashed", env=env)
    assert ran.code == 1
    assert f"no batch was generated from dataset '{HASH}' ({dataset_id})" in ran.err, ran.err
    ran = await cli("generate", HASH, "--rows", "5", env=env)
    assert ran.code == 1 and f"dataset '{HASH}' ({dataset_id}) has no model" in ran.err, ran.err
