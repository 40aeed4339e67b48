"""The asynchronous client: every operation, once. The synchronous ``Client`` runs this one
on an event loop of its own (``_sync.py``), so both have the same surface."""

from __future__ import annotations

import asyncio
import contextlib
import enum
import io
import logging
import os
import time
import uuid
import webbrowser
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urljoin

import anyio
import httpx
import websockets
from pydantic import PrivateAttr

from synthetica_client import config
from synthetica_client._generated import enums
from synthetica_client._generated.base_model import BaseModel
from synthetica_client._generated.exceptions import GraphQLClientError
from synthetica_client._generated.fragments import (
    BatchFields,
    DatasetFields,
    JobFields,
    ModelFields,
    ProjectFields,
    ReportFields,
    TemplateFields,
    UserFields,
)
from synthetica_client._generated.input_types import (
    AnomaliesInput,
    ColumnMetadataInput,
    CreateProjectInput,
    EvaluateOptionsInput,
    GenerateFromTemplateInput,
    GenerateInput,
    LoginInput,
    TrainModelInput,
)
from synthetica_client._transport import Transport
from synthetica_client.errors import (
    BadUserInput,
    JobCancelled,
    JobFailed,
    NotFound,
    SyntheticaError,
)
from synthetica_client.progress import Bars, ProgressOption, console_for, job_detail

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("synthetica_client")

JobStatus = enums.JobStatus
TERMINAL = frozenset({JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED})
POLL_SECONDS = 1.0
# A live subscription this long without news is checked with a query.
QUIET_SECONDS = 20.0
PAGE = 100
# Query parameters of POST /upload/datasets: the fields of IngestOptionsInput in the schema
# (tests/sdk/test_sdk_operations.py checks that they are the same).
UPLOAD_OPTIONS = (
    "format",
    "delimiter",
    "hasHeader",
    "encoding",
    "columnNames",
    "missingValues",
    "holdoutFraction",
    "seed",
)
DOWNLOAD_FORMATS = {
    ".csv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".sql": "sql",
}
UPLOAD_CHUNK = 1024 * 1024
# How long the upload route may hold the request waiting for ingestion to finish.
UPLOAD_WAIT_SECONDS = 30
# The websocket could not be used: refused, blocked by a proxy, closed early, timed out.
WEBSOCKET_TROUBLE = (
    OSError,
    websockets.exceptions.WebSocketException,
    TimeoutError,
    GraphQLClientError,
)

E = TypeVar("E", bound=enum.Enum)


def _id(obj: Any) -> str:
    return obj if isinstance(obj, str) else str(obj.id)


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def upload_params(options: dict[str, Any] | None) -> dict[str, str]:
    """Ingest options as the upload route's query parameters; snake_case keys are accepted.
    An unknown option is refused here, naming it (the route would ignore it)."""
    params: dict[str, str] = {}
    for key, value in (options or {}).items():
        name = _camel(key)
        if name not in UPLOAD_OPTIONS:
            raise BadUserInput(
                f"unknown upload option {key!r}",
                extensions={
                    "fields": [
                        {
                            "field": f"options.{key}",
                            "message": "one of " + ", ".join(UPLOAD_OPTIONS),
                        }
                    ]
                },
            )
        if isinstance(value, bool):
            params[name] = "true" if value else "false"
        elif isinstance(value, list | tuple):
            params[name] = ",".join(str(v) for v in value)
        else:
            params[name] = str(value)
    return params


def _enum(kind: type[E], value: Any, field: str) -> E:
    try:
        return kind(str(value).upper())
    except ValueError:
        allowed = ", ".join(str(m.value) for m in kind)
        raise BadUserInput(
            f"{field} must be one of {allowed}",
            extensions={"fields": [{"field": field, "message": f"unknown value {value!r}"}]},
        ) from None


class _Bound(BaseModel):
    """What every object shares: the client it came from."""

    _client: Any = PrivateAttr(default=None)

    def _absorb(self, fresh: Any) -> Any:
        """Takes the fields of a newer copy of this object: objects stay current."""
        self.__dict__.update({name: getattr(fresh, name) for name in type(self).model_fields})
        return self

    @classmethod
    def bind(cls: Any, data: Any, client: AsyncClient) -> Any:
        obj = cls.model_validate(data.model_dump(by_alias=True))
        obj._client = client
        return obj


class User(UserFields):
    """The signed-in user."""


class AsyncProject(_Bound, ProjectFields):
    async def refresh(self) -> AsyncProject:
        """Reloads this object (in place) and returns it."""
        return self._absorb(await self._client.projects.get(self.id))

    async def datasets(self) -> list[AsyncDataset]:
        return await self._client.datasets.list(self)


class AsyncDataset(_Bound, DatasetFields):
    """A dataset: ``columns`` and ``stats`` (``None`` in lists: ``refresh()`` loads them)."""

    stats: Any = None

    async def refresh(self) -> AsyncDataset:
        """Reloads this object (in place) and returns it."""
        return self._absorb(await self._client.datasets.get(self.id))

    async def preview(self, n: int = 10, *, offset: int = 0) -> list[dict[str, Any]]:
        result = await self._client._t.dataset_preview(id=self.id, n=n, offset=offset)
        return list(result.dataset.preview_rows)

    async def set_types(self, types: dict[str, str]) -> AsyncDataset:
        """Corrects columns' sdtypes, e.g. ``{"column_5": "categorical"}``; the dataset
        (updated in place) is returned."""
        columns = [ColumnMetadataInput(name=name, sdtype=sdtype) for name, sdtype in types.items()]
        result = await self._client._t.update_dataset_metadata(dataset_id=self.id, columns=columns)
        return self._absorb(AsyncDataset.bind(result.update_dataset_metadata, self._client))

    async def delete(self) -> bool:
        return (await self._client._t.delete_dataset(id=self.id)).delete_dataset

    async def train(self, **kwargs: Any) -> AsyncJob:
        return await self._client.train(self, **kwargs)


class AsyncJob(_Bound, JobFields):
    async def refresh(self) -> AsyncJob:
        """Reloads this object (in place) and returns it."""
        return self._absorb(await self._client.jobs.get(self.id))

    async def cancel(self) -> AsyncJob:
        return await self._client.jobs.cancel(self.id)

    async def wait(
        self, *, progress: ProgressOption = True, timeout: float | None = None
    ) -> AsyncModel | AsyncBatch:
        """Follows the job until it ends (the ``jobUpdates`` subscription, or polling when
        websockets are blocked) and returns what it made: the model of a training job, the
        batch of a generate job. Raises JobFailed or JobCancelled, and TimeoutError after
        ``timeout`` seconds (the job goes on)."""
        final = await self._client._follow(self, progress=progress, timeout=timeout)
        if final.kind == enums.JobKind.TRAIN:
            return await self._client.models.get(final.model_id or "")
        return await self._client.batches.get(final.batch_id or "")


class AsyncModel(_Bound, ModelFields):
    async def refresh(self) -> AsyncModel:
        """Reloads this object (in place) and returns it."""
        return self._absorb(await self._client.models.get(self.id))

    async def generate(
        self,
        rows: int,
        *,
        seed: int | None = None,
        conditions: dict[str, Any] | None = None,
        anomalies: float | None = None,
        mark_anomalies: str = "",
        enforce_bounds: bool = True,
        format: str = "parquet",
        wait: bool = True,
        progress: ProgressOption = True,
    ) -> AsyncBatch:
        """Generates ``rows`` synthetic rows. ``conditions`` fixes column values
        (``{"sex": "Female"}``), ``anomalies`` perturbs that share of rows (marked in the
        column ``mark_anomalies`` when given). Waits for the batch unless ``wait=False``."""
        request = GenerateInput(
            model_id=self.id,
            count=rows,
            seed=seed,
            conditions=conditions,
            anomalies=AnomaliesInput(ratio=anomalies, mark_column=mark_anomalies)
            if anomalies is not None
            else None,
            enforce_bounds=enforce_bounds,
            format=_enum(enums.ExportFormat, format, "format"),
        )
        payload = (await self._client._t.generate(input=request)).generate
        batch = AsyncBatch.bind(payload.batch, self._client)
        return await batch.wait(progress=progress) if wait else batch


class AsyncBatch(_Bound, BatchFields):
    async def refresh(self) -> AsyncBatch:
        """Reloads this object (in place) and returns it."""
        return self._absorb(await self._client.batches.get(self.id))

    async def wait(
        self, *, progress: ProgressOption = True, timeout: float | None = None
    ) -> AsyncBatch:
        """The batch once its job has ended: READY, or JobFailed / JobCancelled."""
        if self.status == enums.BatchStatus.GENERATING:
            job = await self._client.jobs.get(self.job_id)
            await self._client._follow(job, progress=progress, timeout=timeout)
        return await self.refresh()

    async def preview(self, n: int = 10, *, table: str = "") -> list[dict[str, Any]]:
        result = await self._client._t.batch_preview(id=self.id, n=n, table=table)
        return list(result.batch.preview_rows)

    async def to_pandas(self, *, table: str = "", progress: ProgressOption = False) -> pd.DataFrame:
        """The rows as a DataFrame (streamed as Parquet, read with pyarrow; needs the
        ``pandas`` extra). Waits for a batch that is still generating."""
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise ImportError(
                "to_pandas needs pandas and pyarrow: pip install 'synthetica-client[pandas]'"
            ) from None
        ready = (
            await self.wait(progress=progress)
            if self.status == enums.BatchStatus.GENERATING
            else self
        )
        data = bytearray()
        async for chunk in ready._stream("parquet", table, progress, "fetching"):
            data += chunk
        arrow = pq.read_table(pa.BufferReader(pa.py_buffer(data)))
        del data
        # self_destruct frees each Arrow column as soon as pandas has it: memory stays near
        # one copy of the table instead of two.
        return arrow.to_pandas(split_blocks=True, self_destruct=True)

    async def download(
        self,
        path: str | os.PathLike[str],
        *,
        format: str | None = None,
        table: str = "",
        progress: ProgressOption = True,
    ) -> Path:
        """Streams the rows to ``path`` (csv, jsonl, parquet or sql: from ``format`` or the
        file's suffix, csv otherwise); the file appears whole or not at all."""
        target = Path(path)
        fmt = (format or DOWNLOAD_FORMATS.get(target.suffix.lower(), "csv")).lower()
        ready = (
            await self.wait(progress=progress)
            if self.status == enums.BatchStatus.GENERATING
            else self
        )
        partial = target.with_name(f".{target.name}.part")
        try:
            async with await anyio.open_file(partial, "wb") as out:
                async for chunk in ready._stream(
                    fmt, table, progress, f"downloading {target.name}"
                ):
                    await out.write(chunk)
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        return target

    async def _stream(
        self, fmt: str, table: str, progress: ProgressOption, label: str
    ) -> AsyncIterator[bytes]:
        params = {"format": fmt}
        if table:
            params["table"] = table
        async with self._client._t.stream(
            "GET", f"/downloads/batches/{self.id}", params=params
        ) as response:
            total = response.headers.get("content-length")
            with Bars.transfer(console_for(progress)) as bars:
                bar = bars.add(label, total=int(total) if total else None)
                async for chunk in response.aiter_raw():
                    bar.advance(len(chunk))
                    yield chunk

    async def report(
        self, *, wait: bool = True, timeout: float = 600.0, progress: ProgressOption = False
    ) -> AsyncReport:
        """The batch's newest evaluation report. Reports are made by themselves after a batch
        is generated; with ``wait`` this waits until it is READY (or FAILED)."""
        ready = (
            await self.wait(progress=progress)
            if self.status == enums.BatchStatus.GENERATING
            else self
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                report = await self._client._report(ready.id)
            except NotFound:
                if not wait or time.monotonic() > deadline:
                    raise
            else:
                if not wait or report.status in (
                    enums.ReportStatus.READY,
                    enums.ReportStatus.FAILED,
                ):
                    return report
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"the report of batch {ready.id} is still {report.status.value}"
                    )
            await asyncio.sleep(POLL_SECONDS)

    async def evaluate(
        self,
        *,
        target_column: str | None = None,
        sample_rows: int | None = None,
        seed: int | None = None,
    ) -> AsyncReport:
        """Evaluates the batch again (another ML-utility target, another sample size); the
        new report starts PENDING: ``await batch.report()`` waits for it."""
        options = EvaluateOptionsInput(
            target_column=target_column, sample_rows=sample_rows, seed=seed
        )
        result = await self._client._t.evaluate(batch_id=self.id, options=options)
        return AsyncReport.bind(result.evaluate, self._client)


class AsyncReport(_Bound, ReportFields):
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
        return await self._client._report(self.batch_id)

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


class Template(TemplateFields):
    """A built-in template (``id`` is its name) or a saved schema."""


async def _pages(fetch: Callable[[str | None], Awaitable[Any]], limit: int | None) -> list[Any]:
    found: list[Any] = []
    after: str | None = None
    while limit is None or len(found) < limit:
        page = await fetch(after)
        found.extend(page.nodes)
        if not page.page_info.has_next_page or not page.nodes:
            break
        after = page.page_info.end_cursor
    return found[:limit] if limit is not None else found


class AsyncProjects:
    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def create(self, name: str, *, description: str = "") -> AsyncProject:
        result = await self._c._t.create_project(
            input=CreateProjectInput(name=name, description=description)
        )
        return AsyncProject.bind(result.create_project, self._c)

    async def list(self, *, limit: int | None = None) -> list[AsyncProject]:
        async def fetch(after: str | None) -> Any:
            return (await self._c._t.projects(first=PAGE, after=after)).projects

        return [AsyncProject.bind(p, self._c) for p in await _pages(fetch, limit)]

    async def get(self, project: str | AsyncProject) -> AsyncProject:
        """By id, or by its exact name among your projects."""
        return await self._c._project(project)


class AsyncDatasets:
    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def get(self, dataset: str | AsyncDataset) -> AsyncDataset:
        return AsyncDataset.bind((await self._c._t.dataset(id=_id(dataset))).dataset, self._c)

    async def list(
        self, project: str | AsyncProject, *, limit: int | None = None
    ) -> list[AsyncDataset]:
        project_id = (await self._c._project(project)).id

        async def fetch(after: str | None) -> Any:
            return (
                await self._c._t.datasets(project_id=project_id, first=PAGE, after=after)
            ).datasets

        return [AsyncDataset.bind(d, self._c) for d in await _pages(fetch, limit)]

    async def upload(
        self,
        source: str | os.PathLike[str] | pd.DataFrame,
        *,
        project: str | AsyncProject,
        name: str | None = None,
        options: dict[str, Any] | None = None,
        progress: ProgressOption = True,
    ) -> AsyncDataset:
        """Uploads a file (CSV, TSV, Parquet, JSON, JSON Lines, gzip of any) or a pandas
        DataFrame, streamed, and returns the dataset once ingested (READY). ``options`` are
        the ingest options: format, delimiter, has_header, encoding, column_names,
        missing_values, holdout_fraction, seed."""
        project_id = (await self._c._project(project)).id
        params = upload_params(options)
        if isinstance(source, str | os.PathLike):
            path = anyio.Path(source)
            size = (await path.stat()).st_size
            file_name = path.name
            opened = await anyio.open_file(path, "rb")
            default_name = path.name.split(".")[0]
        elif hasattr(source, "to_parquet"):
            buffer = io.BytesIO()
            source.to_parquet(buffer, index=False)
            size = buffer.tell()
            buffer.seek(0)
            opened = anyio.wrap_file(buffer)
            file_name = f"{name or 'dataframe'}.parquet"
            params.setdefault("format", "parquet")
            default_name = "dataframe"
        else:
            raise TypeError("upload takes a path or a pandas DataFrame")
        params.update(
            projectId=project_id,
            name=name or default_name,
            fileName=file_name,
            waitSeconds=str(UPLOAD_WAIT_SECONDS),
        )
        console = console_for(progress)
        try:
            with Bars.transfer(console) as bars:
                bar = bars.add(f"uploading {file_name}", total=size)

                async def body() -> AsyncIterator[bytes]:
                    while chunk := await opened.read(UPLOAD_CHUNK):
                        bar.advance(len(chunk))
                        yield chunk

                async with self._c._t.stream(
                    "POST",
                    "/upload/datasets",
                    params=params,
                    content=body(),
                    headers={"Content-Length": str(size)},
                    # The route answers after ingestion or UPLOAD_WAIT_SECONDS, whichever
                    # comes first (then the dataset is polled).
                    timeout=httpx.Timeout(UPLOAD_WAIT_SECONDS + 120.0, connect=10.0),
                ) as response:
                    created = (await response.aread()) and response.json()
        finally:
            await opened.aclose()
        dataset = await self.get(created["id"])
        if dataset.status == enums.DatasetStatus.INGESTING:
            dataset = await self._ingested(dataset, console)
        if dataset.status == enums.DatasetStatus.FAILED:
            raise BadUserInput(dataset.error or "ingestion failed", reason=dataset.error_code or "")
        return dataset

    async def _ingested(self, dataset: AsyncDataset, console: Any) -> AsyncDataset:
        with Bars.job(console) as bars:
            bar = bars.add(f"ingesting {dataset.name}", total=None, detail="")
            while dataset.status == enums.DatasetStatus.INGESTING:
                await asyncio.sleep(POLL_SECONDS)
                dataset = await self.get(dataset.id)
            bar.update(total=1, completed=1, detail=dataset.status.value.lower())
        return dataset


class AsyncJobs:
    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def get(self, job: str | AsyncJob) -> AsyncJob:
        return AsyncJob.bind((await self._c._t.job(id=_id(job))).job, self._c)

    async def list(
        self,
        *,
        status: str | None = None,
        kind: str | None = None,
        project: str | AsyncProject | None = None,
        limit: int | None = None,
    ) -> list[AsyncJob]:
        """Your jobs (or a project's), newest first; ``status`` e.g. "RUNNING"."""
        status_value = _enum(enums.JobStatus, status, "status") if status else None
        kind_value = _enum(enums.JobKind, kind, "kind") if kind else None
        project_id = (await self._c._project(project)).id if project else None

        async def fetch(after: str | None) -> Any:
            result = await self._c._t.jobs(
                first=PAGE, after=after, status=status_value, kind=kind_value, project_id=project_id
            )
            return result.jobs

        return [AsyncJob.bind(j, self._c) for j in await _pages(fetch, limit)]

    async def cancel(self, job: str | AsyncJob) -> AsyncJob:
        return AsyncJob.bind((await self._c._t.cancel_job(id=_id(job))).cancel_job, self._c)


class AsyncModels:
    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def get(self, model: str | AsyncModel) -> AsyncModel:
        return AsyncModel.bind((await self._c._t.model(id=_id(model))).model, self._c)

    async def list(
        self,
        *,
        project: str | AsyncProject | None = None,
        status: str | None = None,
        limit: int | None = None,
    ) -> list[AsyncModel]:
        status_value = _enum(enums.ModelStatus, status, "status") if status else None
        project_id = (await self._c._project(project)).id if project else None

        async def fetch(after: str | None) -> Any:
            return (
                await self._c._t.models(
                    first=PAGE, after=after, project_id=project_id, status=status_value
                )
            ).models

        return [AsyncModel.bind(m, self._c) for m in await _pages(fetch, limit)]


class AsyncBatches:
    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def get(self, batch: str | AsyncBatch) -> AsyncBatch:
        return AsyncBatch.bind((await self._c._t.batch(id=_id(batch))).batch, self._c)

    async def list(
        self,
        *,
        project: str | AsyncProject | None = None,
        model: str | AsyncModel | None = None,
        limit: int | None = None,
    ) -> list[AsyncBatch]:
        project_id = (await self._c._project(project)).id if project else None
        model_id = _id(model) if model else None

        async def fetch(after: str | None) -> Any:
            return (
                await self._c._t.batches(
                    first=PAGE, after=after, project_id=project_id, model_id=model_id
                )
            ).batches

        return [AsyncBatch.bind(b, self._c) for b in await _pages(fetch, limit)]


class AsyncTemplates:
    def __init__(self, client: AsyncClient) -> None:
        self._c = client

    async def list(
        self, *, project: str | AsyncProject | None = None, limit: int | None = None
    ) -> list[Template]:
        """The built-in templates, then your saved ones (or a project's)."""
        project_id = (await self._c._project(project)).id if project else None

        async def fetch(after: str | None) -> Any:
            return (
                await self._c._t.templates(first=PAGE, after=after, project_id=project_id)
            ).templates

        return [
            Template.model_validate(t.model_dump(by_alias=True)) for t in await _pages(fetch, limit)
        ]

    async def get(self, template: str) -> Template:
        """A built-in by name, or a saved template by id."""
        return Template.model_validate(
            (await self._c._t.template(id=template)).template.model_dump(by_alias=True)
        )


class AsyncClient:
    """The Synthetica platform from asyncio code::

        async with AsyncClient("http://127.0.0.1:8000") as c:
            p = await c.projects.create("Census")
            ds = await c.datasets.upload("adult-train.csv", project=p)
            model = await (await c.train(ds, engine="gaussian_copula")).wait()

    Credentials: ``api_key=`` or ``token=``, else ``SYNTHETICA_URL`` / ``SYNTHETICA_API_KEY``,
    else what ``synthetica login`` saved. Access tokens renew themselves.
    """

    def __init__(
        self,
        url: str | None = None,
        *,
        api_key: str | None = None,
        token: str | None = None,
        timeout: float = 60.0,
    ) -> None:
        self._t = Transport(config.resolve(url, api_key=api_key, token=token), timeout=timeout)
        self.projects = AsyncProjects(self)
        self.datasets = AsyncDatasets(self)
        self.jobs = AsyncJobs(self)
        self.models = AsyncModels(self)
        self.batches = AsyncBatches(self)
        self.templates = AsyncTemplates(self)

    @property
    def url(self) -> str:
        return self._t.credentials.url

    @property
    def credentials(self) -> config.Credentials:
        return self._t.credentials

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self._t.aclose()

    async def login(self, email: str, password: str, *, save: bool = False) -> User:
        """Signs in with email and password; ``save=True`` keeps the login for later
        sessions (the file ``synthetica login`` writes)."""
        with self._t.anonymous():
            result = (await self._t.login(input=LoginInput(email=email, password=password))).login
        creds = self._t.credentials
        creds.api_key = None
        creds.access_token = result.tokens.access_token
        creds.refresh_token = result.tokens.refresh_token
        creds.expires_at = time.time() + result.tokens.expires_in
        creds.email = result.user.email
        if save:
            config.save(creds)
            creds.source = "file"
        return User.model_validate(result.user.model_dump(by_alias=True))

    async def logout(self) -> None:
        """Ends this login's session on the server (its refresh token stops working)."""
        if self._t.credentials.refresh_token:
            with self._t.anonymous():
                await self._t.logout(refresh_token=self._t.credentials.refresh_token)
        self._t.credentials.access_token = self._t.credentials.refresh_token = None

    async def me(self) -> User:
        return User.model_validate((await self._t.me()).me.model_dump(by_alias=True))

    async def engines(self) -> list[dict[str, Any]]:
        """The engines with their parameters and defaults."""
        return [e.model_dump() for e in (await self._t.engines()).engines]

    async def train(
        self,
        dataset: str | AsyncDataset,
        *,
        engine: str,
        time_budget: int | None = None,
        epochs: int | None = None,
        batch_size: int | None = None,
        seed: int | None = None,
        name: str = "",
        options: dict[str, Any] | None = None,
    ) -> AsyncJob:
        """Queues the training of a model on the dataset; ``await job.wait()`` returns it."""
        request = TrainModelInput(
            dataset_id=_id(dataset),
            engine=engine,
            name=name,
            epochs=epochs,
            batch_size=batch_size,
            time_budget_seconds=time_budget,
            seed=seed,
            options=options,
        )
        return AsyncJob.bind((await self._t.train_model(input=request)).train_model.job, self)

    async def generate_from_template(
        self,
        template: str | Template,
        *,
        rows: int,
        seed: int | None = None,
        locale: str = "en_US",
        format: str = "parquet",
        options: dict[str, Any] | None = None,
        project: str | AsyncProject | None = None,
        wait: bool = True,
        progress: ProgressOption = True,
    ) -> AsyncBatch:
        """Generates ``rows`` rows from a built-in template (``"user"``, ...) or a saved one.
        The batch belongs to ``project``; without it, to your only project."""
        found = await self.templates.get(_id(template))
        project_id = (
            (await self._project(project)).id if project else (await self._only_project()).id
        )
        request = GenerateFromTemplateInput(
            project_id=project_id,
            count=rows,
            builtin=found.id if found.builtin else None,
            template_id=None if found.builtin else found.id,
            seed=seed,
            locale=locale,
            format=_enum(enums.ExportFormat, format, "format"),
            options=options,
        )
        payload = (await self._t.generate_from_template(input=request)).generate_from_template
        batch = AsyncBatch.bind(payload.batch, self)
        return await batch.wait(progress=progress) if wait else batch

    # --- what the objects share -----------------------------------------------------------

    async def _project(self, project: str | AsyncProject) -> AsyncProject:
        if isinstance(project, AsyncProject):
            return project
        if not isinstance(project, str) and hasattr(project, "id"):
            project = str(project.id)
        if _is_uuid(project):
            return AsyncProject.bind((await self._t.project(id=project)).project, self)
        named = [p for p in await self.projects.list() if p.name == project]
        if len(named) != 1:
            problem = "no project" if not named else f"{len(named)} projects"
            raise NotFound(f"{problem} named {project!r}: use the project's id")
        return named[0]

    async def _only_project(self) -> AsyncProject:
        projects = await self.projects.list(limit=2)
        if len(projects) != 1:
            why = "you have no project yet" if not projects else "you are in several projects"
            raise BadUserInput(
                f"{why}: pass project=",
                extensions={"fields": [{"field": "project", "message": "required"}]},
            )
        return projects[0]

    async def _report(self, batch_id: str) -> AsyncReport:
        return AsyncReport.bind((await self._t.report(batch_id=batch_id)).report, self)

    async def _follow(
        self, job: JobFields, *, progress: ProgressOption, timeout: float | None
    ) -> AsyncJob:
        """Shows the job's progress until it ends; its final state, or JobFailed /
        JobCancelled."""
        label = f"{job.kind.value.lower() if job.kind else 'job'} {job.id[:8]}"
        with Bars.job(console_for(progress)) as bars:
            bar = bars.add(label, total=100, detail=job.status.value.lower() if job.status else "")

            def show(
                status: Any,
                percent: float,
                epoch: int,
                total_epochs: int,
                loss: Any,
                eta: Any,
                message: str,
            ) -> None:
                detail = job_detail(
                    status=status.value,
                    epoch=epoch,
                    total_epochs=total_epochs,
                    loss=loss,
                    eta=eta,
                    message=message,
                )
                bar.update(completed=percent, detail=detail)

            await asyncio.wait_for(self._until_done(job.id, show), timeout)
        final = await self.jobs.get(job.id)
        if final.status == JobStatus.FAILED:
            raise JobFailed(f"job {final.id} failed: {final.error or 'no reason given'}", job=final)
        if final.status == JobStatus.CANCELLED:
            raise JobCancelled(f"job {final.id} was cancelled", job=final)
        return final

    async def _until_done(self, job_id: str, show: Callable[..., None]) -> None:
        """Live updates from the subscription; polling when websockets cannot be used.
        A subscription silent for QUIET_SECONDS is double-checked with a query, so a lost
        update never leaves a wait hanging."""
        updates = self._t.job_updates(job_id=job_id)
        pending: asyncio.Future[Any] | None = None
        try:
            while True:
                pending = pending or asyncio.ensure_future(anext(updates))
                done, _ = await asyncio.wait({pending}, timeout=QUIET_SECONDS)
                if not done:
                    if await self._poll_once(job_id, show):
                        return
                    continue
                u = pending.result().job_updates
                pending = None
                show(u.status, u.percent, u.epoch, u.total_epochs, u.loss, u.eta_seconds, u.message)
                if u.status in TERMINAL:
                    return
        except StopAsyncIteration:
            log.info("job updates of %s ended early; polling", job_id)
        except WEBSOCKET_TROUBLE as exc:
            log.info("no live job updates (%s: %s); polling", type(exc).__name__, exc)
        finally:
            if pending is not None and not pending.done():
                pending.cancel()
                with contextlib.suppress(BaseException):
                    await pending
            await updates.aclose()
        while True:
            if await self._poll_once(job_id, show):
                return
            await asyncio.sleep(POLL_SECONDS)

    async def _poll_once(self, job_id: str, show: Callable[..., None]) -> bool:
        """Shows the job's state from a query; whether it has ended."""
        job = await self.jobs.get(job_id)
        p = job.progress
        show(job.status, p.percent, p.epoch, p.total_epochs, p.loss, p.eta_seconds, p.message)
        return job.status in TERMINAL
