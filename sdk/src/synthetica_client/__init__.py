"""Python client for Synthetica: ``Client`` (synchronous) and ``AsyncClient`` (asyncio), with
the same surface, and the ``synthetica`` command line (``synthetica_client.cli``)."""

from synthetica_client._async import AsyncClient, User
from synthetica_client._batches import AsyncBatch, Batch
from synthetica_client._connections import AsyncConnection, Connection, ConnectionTest
from synthetica_client._datasets import AsyncDataset, Dataset
from synthetica_client._jobs import AsyncJob, Job
from synthetica_client._models import AsyncModel, Model
from synthetica_client._projects import AsyncProject, Project
from synthetica_client._reports import AsyncReport, Report
from synthetica_client._sync import Client
from synthetica_client._templates import Template
from synthetica_client.errors import (
    BadUserInput,
    Conflict,
    FailedPrecondition,
    Forbidden,
    InternalError,
    JobCancelled,
    JobFailed,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    ServiceUnavailable,
    SyntheticaError,
    Unauthenticated,
)

__version__ = "0.1.0"
__all__ = [
    "AsyncBatch",
    "AsyncClient",
    "AsyncConnection",
    "AsyncDataset",
    "AsyncJob",
    "AsyncModel",
    "AsyncProject",
    "AsyncReport",
    "BadUserInput",
    "Batch",
    "Client",
    "Conflict",
    "Connection",
    "ConnectionTest",
    "Dataset",
    "FailedPrecondition",
    "Forbidden",
    "InternalError",
    "Job",
    "JobCancelled",
    "JobFailed",
    "Model",
    "NotFound",
    "PayloadTooLarge",
    "Project",
    "RateLimited",
    "Report",
    "ServiceUnavailable",
    "SyntheticaError",
    "Template",
    "Unauthenticated",
    "User",
]
