"""Python client for Synthetica: ``Client`` (synchronous) and ``AsyncClient`` (asyncio), with
the same surface, and the ``synthetica`` command line (``synthetica_client.cli``)."""

from synthetica_client._async import (
    AsyncBatch,
    AsyncClient,
    AsyncDataset,
    AsyncJob,
    AsyncModel,
    AsyncProject,
    AsyncReport,
    Template,
    User,
)
from synthetica_client._sync import Batch, Client, Dataset, Job, Model, Project, Report
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
    "AsyncDataset",
    "AsyncJob",
    "AsyncModel",
    "AsyncProject",
    "AsyncReport",
    "BadUserInput",
    "Batch",
    "Client",
    "Conflict",
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
