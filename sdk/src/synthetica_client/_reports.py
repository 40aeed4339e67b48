"""Evaluation reports: ``Report`` objects, asynchronous and synchronous."""

from __future__ import annotations

import os
import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin

import anyio

from synthetica_client._base import Bound
from synthetica_client._generated.fragments import ReportFields
from synthetica_client._mirror import Mirror, blocking, mirrors
from synthetica_client.errors import SyntheticaError

if TYPE_CHECKING:
    from synthetica_client._async import AsyncClient


async def latest_report(client: AsyncClient, batch_id: str) -> AsyncReport:
    """The batch's newest report (NotFound while it has none)."""
    return AsyncReport.bind((await client._t.report(batch_id=batch_id)).report, client)


class AsyncReport(Bound, ReportFields):
    @classmethod
    def bind(cls: Any, data: Any, client: AsyncClient) -> Any:
        # A gateway without a public base URL gives links relative to itself: made absolute
        # here, so they open in a browser and work when printed.
        obj = super().bind(data, client)
        for name in ("html_url", "json_url"):
            link = getattr(obj, name)
            if link:
                setattr(obj, name, urljoin(client.url + "/", link))
        return obj

    async def refresh(self) -> AsyncReport:
        """The batch's newest report (a new object: after ``evaluate`` it is another one)."""
        return await latest_report(self._client, self.batch_id)

    async def save(self, path: str | os.PathLike[str]) -> Path:
        """Saves the report as one HTML page with its charts, or as JSON for ``*.json``."""
        target = Path(path)
        fmt = "json" if target.suffix.lower() == ".json" else "html"
        async with self._client._t.stream(
            "GET", f"/reports/{self.batch_id}/report.{fmt}"
        ) as response:
            await anyio.Path(target).write_bytes(await response.aread())
        return target

    async def open(self) -> bool:
        """Opens the HTML report in a browser (a signed link, valid an hour)."""
        fresh = await self.refresh()
        if not fresh.html_url:
            raise SyntheticaError(
                f"report of batch {self.batch_id} has no page ({fresh.status.value})"
            )
        return webbrowser.open(fresh.html_url)


@mirrors(AsyncReport)
class Report(Mirror, ReportFields):
    def refresh(self) -> Report:
        """The batch's newest report (a new object: after ``evaluate`` it is another one)."""
        return self._client._run(self._twin().refresh)

    save = blocking(AsyncReport.save, Path)
    open = blocking(AsyncReport.open, bool)
