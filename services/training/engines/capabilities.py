"""The engine contracts and what kind of dataset an engine learns (one table, linked tables,
sequences): `Engine` for one table, `RelationalEngine` for several linked tables or
sequences, what an engine reports (`ProgressUpdate`, `FitReport`), and what a dataset's
schema needs of an engine. Like ``base`` (the registry), this module imports no ML library.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import pandas as pd

from common.contracts.relational import RelationalSchema

if TYPE_CHECKING:
    from services.training.engines.base import TrainParams


class EngineCapability(StrEnum):
    """What kind of dataset an engine learns: one table, linked tables, sequences."""

    SINGLE_TABLE = "single_table"
    # Several tables linked by foreign keys: children are generated for generated parents.
    RELATIONAL = "relational"
    # Tables whose rows form ordered sequences per entity (`SequenceSpec`).
    SEQUENTIAL = "sequential"
    # Trains with DP-SGD within an (epsilon, delta) budget (`TrainParams.differential_privacy`).
    DIFFERENTIAL_PRIVACY = "differential_privacy"


_SINGLE = frozenset({EngineCapability.SINGLE_TABLE})


@dataclass(frozen=True)
class ProgressUpdate:
    percent: float
    message: str
    epoch: int | None = None
    total_epochs: int | None = None
    loss: float | None = None
    eta_seconds: float | None = None


Progress = Callable[[ProgressUpdate], None]


@dataclass
class FitReport:
    """What an engine tells about its training run (the runner adds timing and sizes)."""

    loss_curve: list[tuple[int, float]] = field(default_factory=list)
    epochs_run: int | None = None
    stopped_by_budget: bool = False
    # Said in the job's message, e.g. that the time budget did not fit one epoch.
    note: str | None = None
    # {"epsilon", "delta"} the saved model's training spent, when trained with DP.
    privacy_spent: dict[str, float] | None = None
    # Where the fit's seconds went, by phase (e.g. analyze, encode, first_epoch), for the
    # model's metrics: what a user reads to see why a budget bought so few epochs.
    phase_seconds: dict[str, float] = field(default_factory=dict)


def needed_capabilities(schema: RelationalSchema) -> frozenset[EngineCapability]:
    """What an engine must learn to learn ``schema``."""
    needed = set()
    if len(schema.tables) > 1:
        needed.add(EngineCapability.RELATIONAL)
    if any(table.sequence for table in schema.tables):
        needed.add(EngineCapability.SEQUENTIAL)
    return frozenset(needed or {EngineCapability.SINGLE_TABLE})


class Engine(ABC):
    """One generator. Instances are stateful: `fit` (or `load`) first, then `sample`."""

    name: str

    @abstractmethod
    def fit(
        self,
        table: pd.DataFrame,
        metadata: Mapping[str, Any],
        params: TrainParams,
        progress: Progress,
    ) -> FitReport:
        """Train on `table`; honour `params.time_budget_seconds` and report progress."""

    @abstractmethod
    def save(self, directory: Path) -> None:
        """Write everything `load` needs into the (existing, empty) `directory`."""

    @classmethod
    @abstractmethod
    def load(cls, directory: Path) -> Self:
        """Rebuild a fitted engine from what `save` wrote (possibly in another process)."""

    @abstractmethod
    def sample(
        self, n: int, seed: int, conditions: Mapping[str, Any] | None = None
    ) -> pd.DataFrame:
        """Return `n` rows; the same fitted model, `n`, `seed` and conditions give the same rows."""

    @staticmethod
    @abstractmethod
    def library_versions() -> dict[str, str]:
        """Versions of the libraries that produced the model, for the model's metrics."""


class RelationalEngine(ABC):
    """A generator of several linked tables or of sequences. It sees each table's learned
    columns plus its key columns (primary key, foreign key, entity key) as opaque codes; the
    caller (`relational.py`) makes the real keys and the real schema afterwards."""

    name: str

    @abstractmethod
    def fit(
        self,
        tables: Mapping[str, pd.DataFrame],
        schema: RelationalSchema,
        metadata: Mapping[str, Mapping[str, Any]],
        params: TrainParams,
        progress: Progress,
    ) -> FitReport:
        """Train on ``tables`` (keyed by table name) linked as ``schema`` says; ``metadata``
        holds each table's learned columns' metadata."""

    @abstractmethod
    def save(self, directory: Path) -> None: ...

    @classmethod
    @abstractmethod
    def load(cls, directory: Path) -> Self: ...

    @abstractmethod
    def sample(
        self, n: int, seed: int, conditions: Mapping[str, Any] | None = None
    ) -> dict[str, pd.DataFrame]:
        """``n`` rows of each root table (entities of a sequential root) and, for them, their
        children; ``conditions`` fix columns of the first root table."""

    @staticmethod
    @abstractmethod
    def library_versions() -> dict[str, str]: ...
