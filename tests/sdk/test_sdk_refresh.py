"""``refresh()`` reloads an object from the gateway (it did before the SDK was split into a
module per resource; ``Bound.refresh`` now hands the object itself to ``projects.get``, which
returns an ``AsyncProject`` as it is, so a project's refresh reloads nothing)."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

from synthetica_client._projects import AsyncProject, AsyncProjects

PROJECT_ID = str(uuid.uuid4())


def _project(name: str) -> dict:
    return {
        "id": PROJECT_ID,
        "name": name,
        "description": "",
        "ownerId": str(uuid.uuid4()),
        "myRole": "OWNER",
        "privacyGate": "OFF",
        "approvalRequired": False,
        "createdAt": None,
    }


class _Transport:
    """The generated GraphQL client's one query a project's refresh needs."""

    def __init__(self) -> None:
        self.calls = 0

    async def project(self, id: str):
        self.calls += 1
        return SimpleNamespace(project=AsyncProject.model_validate(_project("renamed")))

    async def aclose(self) -> None:
        pass


async def test_async_project_refresh_reloads_it():
    transport = _Transport()
    client = SimpleNamespace(_t=transport)
    client.projects = AsyncProjects(client)
    project = AsyncProject.bind(AsyncProject.model_validate(_project("old name")), client)

    fresh = await project.refresh()

    assert transport.calls == 1, "refresh() did not ask the gateway"
    assert fresh.name == "renamed"


def test_sync_project_refresh_reloads_it():
    """The synchronous mirror refreshes through its asynchronous twin: the same bug."""
    from synthetica_client import Client

    transport = _Transport()
    with Client("http://127.0.0.1:9", api_key="sk_test") as client:
        client._async._t = transport
        project = client._sync(
            AsyncProject.bind(AsyncProject.model_validate(_project("old name")), client._async)
        )

        fresh = project.refresh()

    assert transport.calls == 1, "refresh() did not ask the gateway"
    assert fresh.name == "renamed"
