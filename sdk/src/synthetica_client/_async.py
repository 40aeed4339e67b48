"""The asynchronous client: every operation, once. The synchronous ``Client`` runs this one
on an event loop of its own (``_sync.py``), so both have the same surface. The resources
live in a module each (``_projects.py``, ``_datasets.py``, ``_jobs.py``, ``_models.py``,
``_batches.py``, ``_reports.py``, ``_templates.py``), with their synchronous mirrors."""

from __future__ import annotations

import time
from typing import Any

from synthetica_client import config
from synthetica_client._base import enum_of, forward, id_of
from synthetica_client._batches import AsyncBatch, AsyncBatches
from synthetica_client._connections import AsyncConnections
from synthetica_client._datasets import AsyncDatasets, DatasetRef
from synthetica_client._generated import enums
from synthetica_client._generated.fragments import TemplateFields, UserFields
from synthetica_client._generated.input_types import (
    DifferentialPrivacyInput,
    GenerateFromTemplateInput,
    LoginInput,
    RegisterInput,
    TrainModelInput,
)
from synthetica_client._generated.storage_usage import StorageUsageStorageUsage
from synthetica_client._jobs import AsyncJob, AsyncJobs
from synthetica_client._models import AsyncModels
from synthetica_client._projects import AsyncProjects, ProjectRef
from synthetica_client._templates import AsyncTemplates
from synthetica_client._transport import Transport
from synthetica_client.progress import ProgressOption


class User(UserFields):
    """The signed-in user."""


class StorageUsage(StorageUsageStorageUsage):
    """The signed-in account's storage: ``used_bytes`` across the datasets of the projects
    it owns (a shared project counts against its owner), ``quota_bytes`` the most it may
    store (None: no quota)."""


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
        self.connections = AsyncConnections(self)

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
        return self._signed_in(result, save)

    async def register(
        self,
        email: str,
        password: str,
        *,
        display_name: str = "",
        organization: str = "",
        save: bool = False,
    ) -> User:
        """Creates an account and signs in with it (``save=True``: as ``login`` does). The
        password needs 10 characters or more, with a letter and a digit."""
        request = RegisterInput(
            email=email, password=password, display_name=display_name, organization=organization
        )
        with self._t.anonymous():
            result = (await self._t.register(input=request)).sign_up
        return self._signed_in(result, save)

    def _signed_in(self, result: Any, save: bool) -> User:
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

    # Several files as the tables of one dataset, in one call.
    upload_tables = forward("datasets", AsyncDatasets.upload_tables)

    async def me(self) -> User:
        return User.model_validate((await self._t.me()).me.model_dump(by_alias=True))

    async def storage_usage(self) -> StorageUsage:
        """Your storage used (datasets and generated batches) and your quota (uploads and
        generate requests past it are refused: QuotaExceeded)."""
        found = (await self._t.storage_usage()).storage_usage
        return StorageUsage.model_validate(found.model_dump(by_alias=True))

    async def engines(self) -> list[dict[str, Any]]:
        """The engines with their parameters and defaults."""
        return [e.model_dump() for e in (await self._t.engines()).engines]

    async def train(
        self,
        dataset: DatasetRef,
        *,
        engine: str,
        time_budget: int | None = None,
        epochs: int | None = None,
        batch_size: int | None = None,
        seed: int | None = None,
        name: str = "",
        options: dict[str, Any] | None = None,
        differential_privacy: dict[str, float] | None = None,
        project: ProjectRef | None = None,
    ) -> AsyncJob:
        """Queues the training of a model on the dataset (its id, object, or name: in
        ``project`` when given); the job's ``wait()`` returns the model.
        ``differential_privacy`` (``{"epsilon": 5}``, optionally ``delta``,
        ``max_grad_norm``, ``noise_multiplier``) trains with DP-SGD (``tabular_argn``); the
        model's ``privacy_spent`` then says what it spent."""
        request = TrainModelInput(
            dataset_id=await self.datasets._id(dataset, project),
            engine=engine,
            name=name,
            epochs=epochs,
            batch_size=batch_size,
            time_budget_seconds=time_budget,
            seed=seed,
            options=options,
            differential_privacy=(
                DifferentialPrivacyInput(**differential_privacy) if differential_privacy else None
            ),
        )
        return AsyncJob.bind((await self._t.train_model(input=request)).train_model.job, self)

    async def generate_from_template(
        self,
        template: str | TemplateFields,
        *,
        rows: int,
        seed: int | None = None,
        locale: str = "en_US",
        format: str = "parquet",
        options: dict[str, Any] | None = None,
        project: ProjectRef | None = None,
        wait: bool = True,
        progress: ProgressOption = True,
    ) -> AsyncBatch:
        """Generates ``rows`` rows from a built-in template (``"user"``, ...) or a saved one.
        The batch belongs to ``project``; without it, to your only project."""
        found = await self.templates.get(id_of(template))
        project_id = (
            (await self.projects.get(project)).id if project else (await self.projects._only()).id
        )
        request = GenerateFromTemplateInput(
            project_id=project_id,
            count=rows,
            builtin=found.id if found.builtin else None,
            template_id=None if found.builtin else found.id,
            seed=seed,
            locale=locale,
            format=enum_of(enums.ExportFormat, format, "format"),
            options=options,
        )
        payload = (await self._t.generate_from_template(input=request)).generate_from_template
        batch = AsyncBatch.bind(payload.batch, self)
        return await batch.wait(progress=progress) if wait else batch
