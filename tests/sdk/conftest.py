"""The whole platform behind one gateway for the SDK and CLI tests: auth, datasets, training
(API and a worker), evaluation, and NATS for live job updates; the SDK talks to it over real
HTTP and websockets, as a user's notebook would."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

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


__all__ = ["PASSWORD", "Account", "Ran", "Stack", "cli", "in_thread"]
