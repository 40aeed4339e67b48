"""What the gateway tests share: a gateway over auth, datasets and training (a new one for
each test module), an HTTP client of it, a training world with a worker (users, datasets
and jobs made through the services), and a team of every role around a ready batch."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.gateway.team import Team, build_team
from tests.services.training.training_world import opened_world
from tests.support import start_gateway


@pytest.fixture(scope="module")
async def gateway_url(
    auth_server, datasets_server, training_api, service_token, nats_url
) -> AsyncIterator[str]:
    # With the session's NATS: its read cache follows the datasets service's events.
    async with start_gateway(
        auth_server, training_api, datasets_server, service_token=service_token, nats_url=nats_url
    ) as url:
        yield url


@pytest.fixture
async def client(gateway_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gateway_url, timeout=180) as c:
        yield c


@pytest.fixture
async def world(training_api, training_worker, datasets_server, auth_server, service_token):
    async with opened_world(training_api, datasets_server, auth_server, service_token) as world:
        yield world


@pytest.fixture(scope="module")
async def team(
    training_api, datasets_server, auth_server, service_token, training_worker
) -> AsyncIterator[Team]:
    """One project per test module with a member of each role, an outsider and an admin."""
    async with opened_world(training_api, datasets_server, auth_server, service_token) as world:
        yield await build_team(world.auth, world)
