"""The synchronous ``Client``: the asynchronous one, run on an event loop in a thread of its
own (an anyio blocking portal), so it works the same in scripts, in a terminal and in
notebooks that already run a loop. Its objects mirror the asynchronous ones, method for
method, with results instead of coroutines (``_base.blocking``)."""

from __future__ import annotations

import atexit
import contextlib
import functools
import sys
import weakref
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from anyio.from_thread import start_blocking_portal
from rich.console import Console
from rich.prompt import Confirm

from synthetica_client import progress as progress_bars
from synthetica_client._async import AsyncClient, StorageUsage, User
from synthetica_client._batches import Batch, Batches
from synthetica_client._connections import Connections
from synthetica_client._datasets import Dataset, Datasets
from synthetica_client._jobs import Job, Jobs
from synthetica_client._mirror import SYNC_OF, Blocking, blocking
from synthetica_client._models import Models
from synthetica_client._projects import Projects
from synthetica_client._templates import Templates
from synthetica_client.config import Credentials
from synthetica_client.errors import JobCancelled


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stderr.isatty()


class Client(Blocking):
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
        _OPEN.add(self)
        self._async = AsyncClient(url, api_key=api_key, token=token, timeout=timeout)
        self.projects = Projects(self, self._async.projects)
        self.datasets = Datasets(self, self._async.datasets)
        self.jobs = Jobs(self, self._async.jobs)
        self.models = Models(self, self._async.models)
        self.batches = Batches(self, self._async.batches)
        self.templates = Templates(self, self._async.templates)
        self.connections = Connections(self, self._async.connections)

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
        _OPEN.discard(self)
        try:
            self._portal.call(self._async.close)
        finally:
            self._portal_context.__exit__(None, None, None)
            self._portal_context = None

    def __del__(self) -> None:
        # A client left open must not keep its loop thread alive forever. Once the
        # interpreter is finalizing, that (daemon) thread no longer runs: waiting on it
        # would hang the exit for ever, so a client still open then was closed at exit.
        if getattr(self, "_portal_context", None) is not None and not sys.is_finalizing():
            with contextlib.suppress(Exception):
                self.close()

    login = blocking(AsyncClient.login, User)
    register = blocking(AsyncClient.register, User)
    logout = blocking(AsyncClient.logout, type(None))
    me = blocking(AsyncClient.me, User)
    storage_usage = blocking(AsyncClient.storage_usage, StorageUsage)
    engines = blocking(AsyncClient.engines, list[dict[str, Any]])
    train = blocking(AsyncClient.train, Job)
    upload_tables = blocking(AsyncClient.upload_tables, Dataset)
    generate_from_template = blocking(AsyncClient.generate_from_template, Batch, then_wait=True)

    # --- running the asynchronous client --------------------------------------------------

    def _twin(self) -> AsyncClient:
        return self._async

    def _runner(self) -> Client:
        return self

    def _run(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        future = self._portal.start_task_soon(functools.partial(fn, *args, **kwargs))
        try:
            return self._sync(future.result())
        except KeyboardInterrupt:
            future.cancel()
            raise

    def _wait(self, job_id: str, fn: Callable[..., Any], **kwargs: Any) -> Any:
        """Runs a wait for the job. Ctrl-C in a terminal asks whether to cancel the job (and
        raises JobCancelled, ``interrupted``, if so); otherwise the job goes on and
        KeyboardInterrupt rises."""
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
                    message = f"job {job_id} was cancelled"
                    raise JobCancelled(message, job=job, interrupted=True) from None

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
        mirror = SYNC_OF.get(type(value))
        if mirror is None:
            return value
        obj = mirror.model_validate(value.model_dump(by_alias=True))
        obj._client = self
        return obj


# Clients a script left open, closed at exit while their loop threads still run (atexit
# handlers run before the interpreter stops daemon threads; ``__del__`` may run after).
_OPEN: weakref.WeakSet[Client] = weakref.WeakSet()


@atexit.register
def _close_open_clients() -> None:
    for client in list(_OPEN):
        with contextlib.suppress(Exception):
            client.close()
