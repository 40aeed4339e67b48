"""The whole platform behind one gateway for the SDK and CLI tests: auth, datasets, training
(API and a worker), evaluation, and NATS for live job updates; the SDK talks to it over real
HTTP and websockets, as a user's notebook would."""

from __future__ import annotations

import asyncio
import io
import os
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pandas as pd
import pytest

from synthetica_client import Client
from tests.services.training.training_world import small_adult_csv
from tests.support import PASSWORD, AuthCaller, graphql, start_gateway, unique_email

REPO = Path(__file__).resolve().parents[2]
SDK_SRC = REPO / "sdk" / "src"


@dataclass(frozen=True)
class Account:
    email: str
    token: str
    refresh_token: str
    user_id: str


@dataclass
class Stack:
    url: str
    auth: AuthCaller

    async def account(self) -> Account:
        email = unique_email("sdk")
        registered = await self.auth.register(email)
        return Account(
            email,
            registered.tokens.access_token,
            registered.tokens.refresh_token,
            registered.user.id,
        )

    async def api_key(self, account: Account) -> str:
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as http:
            result = await graphql(
                http,
                'mutation { createApiKey(input: {name: "sdk"}) { secret } }',
                token=account.token,
            )
        return result["data"]["createApiKey"]["secret"]

    async def add_member(self, owner: Account, project_id: str, email: str, role: str) -> None:
        async with httpx.AsyncClient(base_url=self.url, timeout=30) as http:
            result = await graphql(
                http,
                "mutation($p: ID!, $e: String!, $r: ProjectRole!) "
                "{ addProjectMember(projectId: $p, email: $e, role: $r) { role } }",
                {"p": project_id, "e": email, "r": role},
                token=owner.token,
            )
        assert "errors" not in result, result


@pytest.fixture(scope="session")
async def stack(
    auth_server,
    datasets_server,
    training_api,
    training_worker,
    evaluation_server,
    nats_url,
    service_token,
) -> AsyncIterator[Stack]:
    async with start_gateway(
        auth_server,
        datasets_server,
        training_api,
        evaluation_server,
        service_token=service_token,
        nats_url=nats_url,
    ) as url:
        auth = AuthCaller(auth_server.address, service_token)
        yield Stack(url, auth)
        await auth.close()


@dataclass(frozen=True)
class TwoBatches:
    """One model's batch as generated (500 rows, seed 4) and an anomalous one (200 rows,
    seed 5, 30 % of the rows perturbed): their rows and reports, by "free" and "odd"."""

    account: Account
    odd_id: str
    rows: dict[str, pd.DataFrame]
    reports: dict[str, Any]


@pytest.fixture
def two_batches(stack: Stack) -> Callable[[Path, str], Awaitable[TwoBatches]]:
    """``await two_batches(table, project)``: a new account uploads ``table`` to a new
    ``project``, trains gaussian_copula (seed 1) and generates both batches from it, as a
    notebook does. (A function: each test brings its own table, so nothing is shared.)"""

    async def make(table: Path, project: str) -> TwoBatches:
        account = await stack.account()

        def notebook() -> TwoBatches:
            with Client(stack.url, token=account.token) as c:
                ds = c.datasets.upload(table, project=c.projects.create(project), progress=False)
                model = c.train(ds, engine="gaussian_copula", seed=1).wait(progress=False)
                free = model.generate(rows=500, seed=4, progress=False)
                # Anomalies, asked for: a perturbed row may break what the real rows obey.
                odd = model.generate(rows=200, seed=5, anomalies=0.3, progress=False)
                batches = {"free": free, "odd": odd}
                return TwoBatches(
                    account,
                    odd.id,
                    {name: batch.to_pandas() for name, batch in batches.items()},
                    {name: batch.report() for name, batch in batches.items()},
                )

        return await in_thread(notebook)

    return make


@pytest.fixture(autouse=True)
def sdk_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test starts signed out: its own config folder, no credentials in the
    environment."""
    config_dir = tmp_path / "config"
    monkeypatch.setenv("SYNTHETICA_CONFIG_DIR", str(config_dir))
    monkeypatch.delenv("SYNTHETICA_URL", raising=False)
    monkeypatch.delenv("SYNTHETICA_API_KEY", raising=False)
    return config_dir


def in_thread(fn, *args, **kwargs):
    """The synchronous client blocks: run it beside the event loop that serves the stack."""
    return asyncio.to_thread(fn, *args, **kwargs)


async def adult_in_two_projects(stack: Stack, account: Account) -> dict[str, str]:
    """A dataset named "adult" uploaded into two new projects, "Census" and "Survey": the
    ids by project, for the tests of names that two projects share."""

    def upload_twice() -> dict[str, str]:
        with Client(stack.url, token=account.token) as c:
            frame = pd.read_csv(io.BytesIO(small_adult_csv(120)))
            return {
                name: c.datasets.upload(
                    frame, project=c.projects.create(name), name="adult", progress=False
                ).id
                for name in ("Census", "Survey")
            }

    return await in_thread(upload_twice)


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


async def cli(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> Ran:
    """Runs the ``synthetica`` command line in a child process, as a shell would."""
    child_env = {**os.environ, **(env or {})}
    child_env["PYTHONPATH"] = os.pathsep.join([str(SDK_SRC), child_env.get("PYTHONPATH", "")])
    child_env.setdefault("COLUMNS", "200")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "synthetica_client",
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=child_env,
        cwd=cwd,
    )
    out, err = await asyncio.wait_for(process.communicate(), 300)
    return Ran(process.returncode or 0, out.decode(), err.decode())


__all__ = ["PASSWORD", "Account", "Ran", "Stack", "TwoBatches", "cli", "in_thread"]
