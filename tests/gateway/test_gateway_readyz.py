"""/readyz says ready only when every service the gateway calls answers SERVING: a gateway
in front of all five is ready; one whose training service is not listening is not, and
names it (the dev stack used to report up before training listened)."""

from __future__ import annotations

import httpx

from tests.support import start_gateway
from tools.embedded import free_port

SERVICES = ("auth", "datasets", "training", "evaluation", "notify")


async def readyz(url: str) -> httpx.Response:
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        return await client.get("/readyz")


async def test_ready_only_when_every_service_answers(
    auth_server, datasets_server, training_api, evaluation_server, notify_server, service_token
):
    servers = (auth_server, datasets_server, training_api, evaluation_server, notify_server)
    async with start_gateway(*servers, service_token=service_token) as url:
        ready = await readyz(url)
    assert ready.status_code == 200, ready.text
    assert ready.json() == {"ready": True, "services": dict.fromkeys(SERVICES, True)}

    silent = f"127.0.0.1:{free_port()}"  # nothing listens there yet
    others = (auth_server, datasets_server, evaluation_server, notify_server)
    async with start_gateway(*others, service_token=service_token, training_addr=silent) as url:
        ready = await readyz(url)
    assert ready.status_code == 503
    assert ready.json()["services"] == {**dict.fromkeys(SERVICES, True), "training": False}
