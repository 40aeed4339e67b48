"""The command line against hostile input: table names from the server become file names
that stay in the chosen folder and apart from each other, and a gateway address that is not
one (another scheme, credentials in it) is refused in one line, before anything is sent,
printed or saved."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pandas as pd
import pytest

from synthetica_client.cli._app import table_files
from synthetica_client.errors import BadUserInput
from tests.sdk.conftest import cli
from tests.support import graphql

HOSTILE_NAMES = [
    "../../etc/x", "/abs/path", "a/b", "..", ".", "CON", "a\\b", "c:evil", "x" * 300,
    "orders", "Orders", "ORDERS", "orders-2", "caf\u00e9", "nul\x00byte",
]  # fmt: skip


def test_table_files_stay_in_the_folder_and_never_meet(tmp_path: Path) -> None:
    target = tmp_path / "out" / "batch.csv"
    files = table_files(target, HOSTILE_NAMES)
    assert len(files) == len(HOSTILE_NAMES)
    for path in files:
        assert path.parent == target.parent, path
        assert path.name.startswith("batch.") and path.suffix == ".csv", path
        assert "/" not in path.name and "\\" not in path.name and ".." not in path.name
        assert len(path.name.encode()) <= 255
    # Not even on a case-insensitive file system (macOS, Windows) do two tables share a file.
    assert len({p.name.casefold() for p in files}) == len(files)
    # Plain names (what the server allows today) are kept as they are.
    assert files[HOSTILE_NAMES.index("orders")].name == "batch.orders.csv"
    assert files[HOSTILE_NAMES.index("Orders")].name != "batch.Orders.csv".lower()


def test_a_table_without_a_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(BadUserInput, match="without a name"):
        table_files(tmp_path / "batch.csv", ["customers", ""])


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "javascript:alert(1)", "ftp://example.com", "http://:80", "http://h:x"],
)
async def test_login_refuses_an_address_that_is_not_a_gateway(url, sdk_environment) -> None:
    ran = await cli("login", "--url", url, "--api-key", "key")
    assert ran.code == 1
    assert ran.err.startswith("error: BAD_USER_INPUT: ") and ran.err.count("\n") == 1
    assert "Traceback" not in ran.err and not sdk_environment.exists()


async def test_credentials_in_the_url_are_refused_and_never_printed(sdk_environment) -> None:
    ran = await cli("login", "--url", "http://bob:s3cret-pw@127.0.0.1:9", "--api-key", "key")
    assert ran.code == 1 and ran.err.startswith("error: BAD_USER_INPUT: ")
    assert "s3cret-pw" not in ran.out + ran.err and "bob" not in ran.out + ran.err
    assert not sdk_environment.exists()
    ran = await cli("whoami", env={"SYNTHETICA_URL": "https://bob:s3cret-pw@example.com"})
    assert ran.code == 1 and "s3cret-pw" not in ran.out + ran.err


CASE_TWINS = {
    "tables": [
        {"name": "orders", "count": 3, "fields": [{"name": "total", "type": "int"}]},
        {"name": "Orders", "count": 5, "fields": [{"name": "email", "type": "email"}]},
    ]
}


async def test_tables_named_alike_but_for_case_are_saved_to_files_apart(stack, tmp_path):
    """A saved template may name two tables ``orders`` and ``Orders``; on macOS or Windows
    ``out.orders.csv`` and ``out.Orders.csv`` are one file, and the second table overwrote
    the first."""
    account = await stack.account()
    key = await stack.api_key(account)
    async with httpx.AsyncClient(base_url=stack.url, timeout=60) as http:
        created = await graphql(
            http,
            'mutation { createProject(input: {name: "twins"}) { id } }',
            token=account.token,
        )
        project_id = created["data"]["createProject"]["id"]
        saved = await graphql(
            http,
            "mutation($input: CreateTemplateInput!) { createTemplate(input: $input) { id } }",
            {"input": {"name": "twins", "schema": CASE_TWINS, "projectId": project_id}},
            token=account.token,
        )
    template_id = saved["data"]["createTemplate"]["id"]
    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": key}
    ran = await cli(
        "templates", "generate", template_id, "-p", project_id, "--rows", "3",
        "-o", str(tmp_path / "out.csv"), "--json", env=env,
    )  # fmt: skip
    assert ran.code == 0, ran.err
    files = [Path(f) for f in json.loads(ran.out)["files"]]
    assert len(files) == 2 and len({f.name.casefold() for f in files}) == 2
    assert all(f.parent == tmp_path for f in files)
    orders, twins = (pd.read_csv(f) for f in files)
    assert list(orders.columns) == ["total"] and len(orders) == 3
    assert list(twins.columns) == ["email"] and len(twins) == 5


async def test_names_with_markup_are_printed_as_they_are(stack, tmp_path):
    """Dataset and column names are a teammate's choice: "[/x]" ended `datasets show` in a
    MarkupError, and "[link=…]…[/link]" printed a hidden hyperlink to where it pointed."""
    account = await stack.account()
    key = await stack.api_key(account)
    env = {"SYNTHETICA_URL": stack.url, "SYNTHETICA_API_KEY": key}
    async with httpx.AsyncClient(base_url=stack.url, timeout=60) as http:
        created = await graphql(
            http, 'mutation { createProject(input: {name: "marks"}) { id } }', token=account.token
        )
    project_id = created["data"]["createProject"]["id"]
    data = tmp_path / "marks.csv"
    data.write_text(
        '"[/x]","[link=http://evil.example]click[/link]"\n'
        + "".join(f"{i},v{i % 3}\n" for i in range(30))
    )
    name = "[red]shown as typed[/red]"
    ran = await cli("datasets", "upload", str(data), "-p", project_id, "--name", name, env=env)
    assert ran.code == 0, ran.err
    dataset_id = ran.out.split("(", 1)[1].split(")", 1)[0]
    for shown in (ran, await cli("datasets", "show", dataset_id, env=env)):
        assert shown.code == 0, shown.err
        assert name in shown.out and "[/x]" in shown.out
        assert "[link=http://evil.example]click[/link]" in shown.out
