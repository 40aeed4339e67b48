"""The gateway's HTTP metrics name routes by template, so URLs cannot mint time series."""

from __future__ import annotations

import httpx
from fastapi import APIRouter, FastAPI
from prometheus_client import REGISTRY

from gateway.observability import ObservabilityMiddleware


def count(route: str, status: str) -> float:
    labels = {"method": "GET", "route": route, "status": status}
    return REGISTRY.get_sample_value("http_requests_total", labels) or 0.0


async def test_requests_are_counted_by_route_template_and_unknown_paths_together():
    app = FastAPI()
    router = APIRouter()

    @router.get("/{batch_id}/download")
    async def download(batch_id: str) -> dict[str, str]:
        return {"batch": batch_id}

    app.include_router(router, prefix="/batches")
    app.add_middleware(ObservabilityMiddleware)
    template = "/batches/{batch_id}/download"
    before, before_unmatched = count(template, "200"), count("unmatched", "404")

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway") as client:
        for batch in ("b-1", "b-2"):
            assert (await client.get(f"/batches/{batch}/download")).status_code == 200
        assert (await client.get("/wp-admin/setup.php")).status_code == 404

    assert count(template, "200") == before + 2
    assert count("unmatched", "404") == before_unmatched + 1
    assert (
        REGISTRY.get_sample_value(
            "http_requests_total",
            {"method": "GET", "route": "/batches/b-1/download", "status": "200"},
        )
        is None
    )
