"""Synthetic-data engines behind one interface, with no gRPC, DB or NATS.

Importing this package is cheap: torch, SDV and mostlyai-engine load only when an
engine runs (normally in the child process started by `supervisor`).
"""

from services.training.engines.artifact import InvalidArtifactError, LoadedModel, read_manifest
from services.training.engines.base import (
    ENGINES,
    EngineError,
    EngineSpec,
    FitReport,
    InvalidConditionError,
    InvalidParamsError,
    ParamSpec,
    Progress,
    ProgressUpdate,
    TrainParams,
    UnknownEngineError,
    get_engine,
)
from services.training.engines.capabilities import Engine
from services.training.engines.runner import FitResult, SampleResult, run_sampling, run_training
from services.training.engines.sampling import ANOMALY_COLUMN, sample_chunks
from services.training.engines.supervisor import EngineCancelled, EngineCrashed

__all__ = [
    "ANOMALY_COLUMN",
    "ENGINES",
    "Engine",
    "EngineCancelled",
    "EngineCrashed",
    "EngineError",
    "EngineSpec",
    "FitReport",
    "FitResult",
    "InvalidArtifactError",
    "InvalidConditionError",
    "InvalidParamsError",
    "LoadedModel",
    "ParamSpec",
    "Progress",
    "ProgressUpdate",
    "SampleResult",
    "TrainParams",
    "UnknownEngineError",
    "get_engine",
    "read_manifest",
    "run_sampling",
    "run_training",
    "sample_chunks",
]
