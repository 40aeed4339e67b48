"""The synchronous ``Client``: the asynchronous one, run on an event loop in a thread of its
own (an anyio blocking portal), so it works the same in scripts, in a terminal and in
notebooks that already run a loop. Its objects mirror the asynchronous ones, method for
method, with results instead of coroutines."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from anyio.from_thread import start_blocking_portal
from pydantic import PrivateAttr
from rich.console import Console
from rich.prompt import Confirm

from synthetica_client import _async as a
from synthetica_client import progress as progress_bars
from synthetica_client._generated.base_model import BaseModel
from synthetica_client._generated.fragments import (
    BatchFields,
    DatasetFields,
    JobFields,
    ModelFields,
    ProjectFields,
    ReportFields,
)
from synthetica_client.config import Credentials
from synthetica_client.errors import JobCancelled
from synthetica_client.progress import ProgressOption

if TYPE_CHECKING:
    import pandas as pd

T = TypeVar("T")


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


class _Mirror(BaseModel):
    """The data of an asynchronous object, with the sync client that made it."""

    _client: Any = PrivateAttr(default=None)

    def _absorb(self, fresh: Any) -> Any:
        """Takes the fields of a newer copy of this object: objects stay current."""
        self.__dict__.update({name: getattr(fresh, name) for name in type(self).model_fields})
        return self

    def _twin(self) -> Any:
        """The asynchronous object with the same data."""
        return _ASYNC_OF[type(self)].bind(self, self._client._async)


class Project(_Mirror, ProjectFields):
    def refresh(self) -> Project:
        """Reloads this object (in place) and returns it."""
        return self._absorb(self._client._run(self._twin().refresh))

    def datasets(self) -> list[Dataset]:
        return self._client._run(self._twin().datasets)


class Dataset(_Mirror, DatasetFields):
    """A dataset: ``columns`` and ``stats`` (``None`` in lists: ``refresh()`` loads them)."""

    stats: Any = None

    def refresh(self) -> Dataset:
        """Reloads this object (in place) and returns it."""
        return self._absorb(self._client._run(self._twin().refresh))

    def preview(self, n: int = 10, *, offset: int = 0) -> list[dict[str, Any]]:
        return self._client._run(self._twin().preview, n, offset=offset)

    def set_types(self, types: dict[str, str]) -> Dataset:
        """Corrects columns' sdtypes, e.g. ``{"column_5": "categorical"}``; the dataset
        (updated in place) is returned."""
        return self._absorb(self._client._run(self._twin().set_types, types))

    def delete(self) -> bool:
        return self._client._run(self._twin().delete)

    def train(self, **kwargs: Any) -> Job:
        return self._client.train(self, **kwargs)


class Job(_Mirror, JobFields):
    def refresh(self) -> Job:
        """Reloads this object (in place) and returns it."""
        return self._absorb(self._client._run(self._twin().refresh))

    def cancel(self) -> Job:
        return self._client._run(self._twin().cancel)

    def wait(
        self, *, progress: ProgressOption = True, timeout: float | None = None
    ) -> Model | Batch:
        """Follows the job until it ends and returns its model (training) or batch
        (generating). Ctrl-C in a terminal asks whether to cancel the job."""
        return self._client._wait(self.id, self._twin().wait, progress=progress, timeout=timeout)


class Model(_Mirror, ModelFields):
    def refresh(self) -> Model:
        """Reloads this object (in place) and returns it."""
        return self._absorb(self._client._run(self._twin().refresh))

    def generate(
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
    ) -> Batch:
        """Generates ``rows`` synthetic rows; waits for the batch unless ``wait=False``."""
        batch: Batch = self._client._run(
            self._twin().generate,
            rows,
            seed=seed,
            conditions=conditions,
            anomalies=anomalies,
            mark_anomalies=mark_anomalies,
            enforce_bounds=enforce_bounds,
            format=format,
            wait=False,
        )
        return batch.wait(progress=progress) if wait else batch


class Batch(_Mirror, BatchFields):
    def refresh(self) -> Batch:
        """Reloads this object (in place) and returns it."""
        return self._absorb(self._client._run(self._twin().refresh))

    def wait(self, *, progress: ProgressOption = True, timeout: float | None = None) -> Batch:
        """The batch once its job has ended (READY). Ctrl-C in a terminal asks whether to
        cancel the job."""
        return self._client._wait(
            self.job_id, self._twin().wait, progress=progress, timeout=timeout
        )

    def preview(self, n: int = 10, *, table: str = "") -> list[dict[str, Any]]:
        return self._client._run(self._twin().preview, n, table=table)

    def to_pandas(self, *, table: str = "", progress: ProgressOption = False) -> pd.DataFrame:
        """The rows as a DataFrame (needs the ``pandas`` extra)."""
        ready = (
            self.wait(progress=progress) if self.status == a.enums.BatchStatus.GENERATING else self
        )
        return self._client._run(ready._twin().to_pandas, table=table, progress=progress)

    def download(
        self,
        path: str | os.PathLike[str],
        *,
        format: str | None = None,
        table: str = "",
        progress: ProgressOption = True,
    ) -> Path:
        """Streams the rows to ``path`` (format from ``format`` or the suffix)."""
        ready = (
            self.wait(progress=progress) if self.status == a.enums.BatchStatus.GENERATING else self
        )
        return self._client._run(
            ready._twin().download, path, format=format, table=table, progress=progress
        )

    def report(
        self, *, wait: bool = True, timeout: float = 600.0, progress: ProgressOption = False
    ) -> Report:
        """The newest evaluation report; with ``wait``, once it is READY (or FAILED)."""
        ready = (
            self.wait(progress=progress) if self.status == a.enums.BatchStatus.GENERATING else self
        )
        return self._client._run(ready._twin().report, wait=wait, timeout=timeout)

    def evaluate(
        self,
        *,
        target_column: str | None = None,
        sample_rows: int | None = None,
        seed: int | None = None,
    ) -> Report:
        return self._client._run(
            self._twin().evaluate, target_column=target_column, sample_rows=sample_rows, seed=seed
        )


class Report(_Mirror, ReportFields):
    def refresh(self) -> Report:
        """The batch's newest report (a new object: after ``evaluate`` it is another one)."""
        return self._client._run(self._twin().refresh)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Saves the report as an HTML page, or as JSON for ``*.json``."""
        return self._client._run(self._twin().save, path)

    def open(self) -> bool:
        """Opens the HTML report in a browser."""
        return self._client._run(self._twin().open)


_ASYNC_OF: dict[type, Any] = {
    Project: a.AsyncProject,
    Dataset: a.AsyncDataset,
    Job: a.AsyncJob,
    Model: a.AsyncModel,
    Batch: a.AsyncBatch,
    Report: a.AsyncReport,
}
_SYNC_OF: dict[type, type[_Mirror]] = {v: k for k, v in _ASYNC_OF.items()}


class _Namespace:
    def __init__(self, client: Client, target: Any) -> None:
        self._c = client
        self._target = target


class Projects(_Namespace):
    def create(self, name: str, *, description: str = "") -> Project:
        return self._c._run(self._target.create, name, description=description)

    def list(self, *, limit: int | None = None) -> list[Project]:
        return self._c._run(self._target.list, limit=limit)

    def get(self, project: str | Project) -> Project:
        """By id, or by its exact name among your projects."""
        return self._c._run(
            self._target.get, a._id(project) if isinstance(project, Project) else project
        )


class Datasets(_Namespace):
    def get(self, dataset: str | Dataset) -> Dataset:
        return self._c._run(self._target.get, a._id(dataset))

    def list(self, project: str | Project, *, limit: int | None = None) -> list[Dataset]:
        return self._c._run(self._target.list, a._id(project), limit=limit)

    def upload(
        self,
        source: str | os.PathLike[str] | pd.DataFrame,
        *,
        project: str | Project,
        name: str | None = None,
        options: dict[str, Any] | None = None,
        progress: ProgressOption = True,
    ) -> Dataset:
        """Uploads a file or a DataFrame, streamed, and returns the dataset once READY."""
        return self._c._run(
            self._target.upload,
            source,
            project=a._id(project),
            name=name,
            options=options,
            progress=progress,
        )


class Jobs(_Namespace):
    def get(self, job: str | Job) -> Job:
        return self._c._run(self._target.get, a._id(job))

    def list(
        self,
        *,
        status: str | None = None,
        kind: str | None = None,
        project: str | Project | None = None,
        limit: int | None = None,
    ) -> list[Job]:
        """Your jobs (or a project's), newest first; ``status`` e.g. "RUNNING"."""
        return self._c._run(
            self._target.list,
            status=status,
            kind=kind,
            project=a._id(project) if project else None,
            limit=limit,
        )

    def cancel(self, job: str | Job) -> Job:
        return self._c._run(self._target.cancel, a._id(job))


class Models(_Namespace):
    def get(self, model: str | Model) -> Model:
        return self._c._run(self._target.get, a._id(model))

    def list(
        self,
        *,
        project: str | Project | None = None,
        status: str | None = None,
        limit: int | None = None,
    ) -> list[Model]:
        return self._c._run(
            self._target.list,
            project=a._id(project) if project else None,
            status=status,
            limit=limit,
        )


class Batches(_Namespace):
    def get(self, batch: str | Batch) -> Batch:
        return self._c._run(self._target.get, a._id(batch))

    def list(
        self,
        *,
        project: str | Project | None = None,
        model: str | Model | None = None,
        limit: int | None = None,
    ) -> list[Batch]:
        return self._c._run(
            self._target.list,
            project=a._id(project) if project else None,
            model=a._id(model) if model else None,
            limit=limit,
        )


class Templates(_Namespace):
    def list(
        self, *, project: str | Project | None = None, limit: int | None = None
    ) -> list[a.Template]:
        """The built-in templates, then your saved ones (or a project's)."""
        return self._c._run(
            self._target.list, project=a._id(project) if project else None, limit=limit
        )

    def get(self, template: str) -> a.Template:
        return self._c._run(self._target.get, template)

    def preview(
        self,
        template: str | a.Template | None = None,
        *,
        schema: dict[str, Any] | None = None,
        rows: int = 10,
        seed: int | None = None,
        locale: str = "en_US",
        options: dict[str, Any] | None = None,
    ) -> dict[str, list[dict[str, Any]]]:
        """``rows`` rows (1..50) of every table of a template or an unsaved
        ``schema``, without a job: ``{table: [row, ...]}``."""
        return self._c._run(
            self._target.preview,
            template,
            schema=schema,
            rows=rows,
            seed=seed,
            locale=locale,
            options=options,
        )


class Client:
    """The Synthetica platform from Python::

        c = Client("http://127.0.0.1:8000")          # or api_key=..., or token=...
        p = c.projects.create("Census")
        ds = c.datasets.upload("adult-train.csv", project=p)
        model = c.train(ds, engine="tabular_argn", time_budget=60).wait()
        df = model.generate(rows=10_000).to_pandas()

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
        self._portal_context = start_blocking_portal()
        self._portal = self._portal_context.__enter__()
        self._async = a.AsyncClient(url, api_key=api_key, token=token, timeout=timeout)
        self.projects = Projects(self, self._async.projects)
        self.datasets = Datasets(self, self._async.datasets)
        self.jobs = Jobs(self, self._async.jobs)
        self.models = Models(self, self._async.models)
        self.batches = Batches(self, self._async.batches)
        self.templates = Templates(self, self._async.templates)

    @property
    def url(self) -> str:
        return self._async.url

    @property
    def credentials(self) -> Credentials:
        return self._async.credentials

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._portal_context is None:
            return
        try:
            self._portal.call(self._async.close)
        finally:
            self._portal_context.__exit__(None, None, None)
            self._portal_context = None

    def __del__(self) -> None:
        # A client left open must not keep its loop thread alive forever.
        if getattr(self, "_portal_context", None) is not None:
            with contextlib.suppress(Exception):  # interpreter shutdown: nothing left to tell
                self.close()

    def login(self, email: str, password: str, *, save: bool = False) -> a.User:
        """Signs in with email and password; ``save=True`` keeps the login for later."""
        return self._run(self._async.login, email, password, save=save)

    def logout(self) -> None:
        self._run(self._async.logout)

    def me(self) -> a.User:
        return self._run(self._async.me)

    def engines(self) -> list[dict[str, Any]]:
        return self._run(self._async.engines)

    def train(
        self,
        dataset: str | Dataset,
        *,
        engine: str,
        time_budget: int | None = None,
        epochs: int | None = None,
        batch_size: int | None = None,
        seed: int | None = None,
        name: str = "",
        options: dict[str, Any] | None = None,
    ) -> Job:
        """Queues the training of a model on the dataset; ``job.wait()`` returns it."""
        return self._run(
            self._async.train,
            a._id(dataset),
            engine=engine,
            time_budget=time_budget,
            epochs=epochs,
            batch_size=batch_size,
            seed=seed,
            name=name,
            options=options,
        )

    def generate_from_template(
        self,
        template: str | a.Template,
        *,
        rows: int,
        seed: int | None = None,
        locale: str = "en_US",
        format: str = "parquet",
        options: dict[str, Any] | None = None,
        project: str | Project | None = None,
        wait: bool = True,
        progress: ProgressOption = True,
    ) -> Batch:
        """Generates ``rows`` rows from a built-in or saved template; the batch belongs to
        ``project`` (without it, to your only project)."""
        batch: Batch = self._run(
            self._async.generate_from_template,
            a._id(template),
            rows=rows,
            seed=seed,
            locale=locale,
            format=format,
            options=options,
            project=a._id(project) if project else None,
            wait=False,
        )
        return batch.wait(progress=progress) if wait else batch

    # --- running the asynchronous client --------------------------------------------------

    def _run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        future = self._portal.start_task_soon(functools.partial(fn, *args, **kwargs))
        try:
            return self._sync(future.result())
        except KeyboardInterrupt:
            future.cancel()
            raise

    def _wait(self, job_id: str, fn: Callable[..., Any], **kwargs: Any) -> Any:
        """Runs a wait for the job. Ctrl-C in a terminal asks whether to cancel the job (and
        raises JobCancelled if so); otherwise the job goes on and KeyboardInterrupt rises."""
        future: Future[Any] = self._portal.start_task_soon(functools.partial(fn, **kwargs))
        while True:
            try:
                return self._sync(future.result())
            except KeyboardInterrupt:
                answer = self._ask_to_cancel(job_id) if _interactive() else None
                if answer is None:  # not a terminal, or Ctrl-C again: the job goes on
                    future.cancel()
                    raise
                if answer:
                    future.cancel()
                    job = self._run(self._async.jobs.cancel, job_id)
                    raise JobCancelled(f"job {job_id} was cancelled", job=job) from None

    @staticmethod
    def _ask_to_cancel(job_id: str) -> bool | None:
        """True: cancel it; False: keep waiting; None: stop waiting, leave it running."""
        progress_bars.pause_all()
        try:
            return Confirm.ask(
                f"\nCancel job {job_id}? (no: keep waiting)",
                console=Console(stderr=True),
                default=False,
            )
        except (KeyboardInterrupt, EOFError):
            return None
        finally:
            progress_bars.resume_all()

    def _sync(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self._sync(v) for v in value]
        mirror = _SYNC_OF.get(type(value))
        if mirror is None:
            return value
        obj = mirror.model_validate(value.model_dump(by_alias=True))
        obj._client = self
        return obj
