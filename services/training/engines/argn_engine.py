"""`tabular_argn`: MOSTLY AI's TabularARGN via mostlyai-engine (Apache-2.0).

mostlyai-engine works in a workspace directory (split -> analyze -> encode -> train ->
generate). The saved model is the workspace's `ModelStore` only: `OriginalData` holds
the training rows and never leaves the worker.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import time
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from importlib.metadata import version
from pathlib import Path
from typing import Any, Self

import pandas as pd
import torch
from mostlyai import engine as mostly
from mostlyai.engine._encoding_types.tabular import numeric as mostly_numeric
from mostlyai.engine._tabular import argn as mostly_argn
from mostlyai.engine.domain import DifferentialPrivacyConfig

from services.training.engines.base import (
    FitReport,
    Progress,
    ProgressUpdate,
    TrainParams,
    one_epoch_note,
)
from services.training.engines.capabilities import Engine
from services.training.engines.dp import PrivacyLedger, dp_config
from services.training.engines.profile import column_kind, columns_metadata

_MODEL_STORE = "ModelStore"
# How the model samples (the `sampling_*` options), saved beside the model store: they act
# when rows are generated, so a generate job reads them from the model.
_SAMPLING = "sampling.json"
_MODELS = {"small": "MOSTLY_AI/Small", "medium": "MOSTLY_AI/Medium", "large": "MOSTLY_AI/Large"}
_ENCODINGS = {
    "numeric": "TABULAR_NUMERIC_AUTO",
    "categorical": "TABULAR_CATEGORICAL",
    "datetime": "TABULAR_DATETIME",
    "other": "TABULAR_CATEGORICAL",
}
# ARGN calls its progress hook after every training step; forward at most this often.
_PROGRESS_INTERVAL_SECONDS = 1.0
# Training stops early enough that the step under way, the checkpoint and writing the model
# (back in the runner) fit in the budget: it keeps this share of the budget, at least
# `_RESERVE_MIN_SECONDS`, for what follows the last step, and stops before a step that
# would end past that point (a step is predicted to take as long as the slowest of the
# last few: a machine that gets busier slows the next step, not the mean).
_RESERVE_SHARE = 0.03
_RESERVE_MIN_SECONDS = 2.0
_RECENT_STEPS = 8
# Below this many rows ARGN trains on one thread, whatever the worker allows: mostlyai picks
# batches of 8-64 rows for such tables, too little work per operation to share, and on a
# busy machine threads that wait for each other at every operation are far slower than one
# (ecoli, 277 rows, load 14 on 2 cores: the first epoch took 75 s on 2 threads, 2.8 s on 1).
# Generation too, where a step works on one row per sequence (or per parent) being made.
_ONE_THREAD_ROWS = 5_000
# mostlyai cuts a number it encodes as *binned* into up to 100 quantile bins whatever the
# table's size: on a small table that is a row or two a bin (glass trains on 140 rows), a
# 100-way choice with a row or two behind each answer, and the model learns little of how
# the bins go with the other columns. Keyed on the training rows (the share of the table
# that mostlyai's split keeps for training, 80 %, its default): at least `_ROWS_PER_BIN`
# rows a bin, never fewer than `_MIN_BINS` bins nor more than mostlyai's own cap, so tables
# of 1,250 rows and more are cut as before. On the corpus' five smallest tables (72-327
# training rows), seeds 1-3: glass and housing gained in every seed (+0.009 to +0.044), the
# mean of the five rose 0.011 (0.800 -> 0.811), no privacy verdict got worse (README, "The
# five small tables, one experiment at a time").
_ROWS_PER_BIN = 10
_MIN_BINS = 10
_TRAINING_SHARE = 0.8


@contextmanager
def threads_for(rows: int) -> Iterator[None]:
    """Torch on one thread while ARGN works on fewer than `_ONE_THREAD_ROWS` rows at a
    time, on as many as the worker allows otherwise."""
    threads = torch.get_num_threads()
    if rows < _ONE_THREAD_ROWS:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def train_within(
    params: TrainParams,
    progress: Progress,
    workspace: Path,
    rows: int,
    started: float,
    budget: float | None,
    *,
    privacy: DifferentialPrivacyConfig | None = None,
) -> _TrainingProgress:
    """Trains the model whose data ``workspace`` holds (split, analyzed and encoded) on
    ``rows`` rows, and returns the hook that followed it (losses, epochs, whether it stopped).

    Training stops ``budget`` seconds after ``started`` (less a margin for the last step and
    the checkpoint) but never before one whole epoch: the hook stops it, not ARGN's own time
    cap, which can stop at 0 epochs."""
    deadline = None
    if budget is not None:
        deadline = started + budget - max(_RESERVE_MIN_SECONDS, _RESERVE_SHARE * budget)
    hook = _TrainingProgress(progress, params.epochs or 100, deadline)
    order_share = float(params.options.get("natural_order_share", 0.0))
    with threads_for(rows), _natural_order_share(order_share):
        mostly.train(
            model=_MODELS[params.options["model_size"]],
            max_epochs=params.epochs,
            batch_size=params.batch_size,
            differential_privacy=privacy,
            workspace_dir=workspace,
            update_progress=hook,
        )
    return hook


def sampling_options(options: Mapping[str, Any]) -> dict[str, float]:
    """How a model's rows are drawn (its options `sampling_temperature`, `sampling_top_p`),
    as `generate` takes them: kept with the model, used by every generate job."""
    return {
        name: float(options[name])
        for name in ("sampling_temperature", "sampling_top_p")
        if isinstance(options.get(name), int | float) and not isinstance(options[name], bool)
    }


def generate(workspace: Path, **kwargs: Any) -> pd.DataFrame:
    """The rows mostlyai generates from the model in ``workspace``; ``kwargs`` say which
    (``sample_size``, ``seed_data`` or ``ctx_data``) and how (``sampling_temperature``,
    ``sampling_top_p``)."""
    out = workspace / "SyntheticData"
    shutil.rmtree(out, ignore_errors=True)
    mostly.generate(
        # Rare (protected) categories are replaced by frequent ones, not a "_RARE_" token.
        rare_category_replacement_method="sample",
        workspace_dir=workspace,
        **kwargs,
    )
    rows = pd.read_parquet(out)
    shutil.rmtree(out)
    return rows


class TabularARGNEngine(Engine):
    name = "tabular_argn"

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="argn-")
        self._workspace = Path(self._tmp.name) / "ws"
        self._sampling: dict[str, float] = {}

    def fit(
        self,
        table: pd.DataFrame,
        metadata: Mapping[str, Any],
        params: TrainParams,
        progress: Progress,
    ) -> FitReport:
        started = time.monotonic()
        phases = _Phases(started)
        mostly.set_random_state(params.seed)
        self._sampling = sampling_options(params.options)
        primary_key = metadata.get("primary_key")
        # Only each column's kind: the runner has profiled the table already (a whole profile
        # again took 1.3 s of adult's budget at load 20).
        columns = columns_metadata(metadata)
        encodings = {
            name: _ENCODINGS[column_kind(table[name], columns.get(name))]
            for name in table.columns
            if name != primary_key
        }
        phases.mark("profile")
        progress(ProgressUpdate(percent=0.0, message="analyzing and encoding the table"))
        mostly.split(
            tgt_data=table,
            tgt_primary_key=primary_key,
            tgt_encoding_types=encodings,
            trn_val_split=_TRAINING_SHARE,
            workspace_dir=self._workspace,
        )
        phases.mark("split")
        dp = dp_config(params)
        with _binned_max_bins(_max_bins(len(table))):
            mostly.analyze(
                value_protection=params.options["value_protection"],
                differential_privacy=dp,
                workspace_dir=self._workspace,
            )
        phases.mark("analyze")
        mostly.encode(workspace_dir=self._workspace)
        phases.mark("encode")
        budget = params.time_budget_seconds
        hook = train_within(
            params, progress, self._workspace, len(table), started, budget, privacy=dp
        )
        phases.training(hook)
        privacy_spent = hook.privacy.spent(params.differential_privacy)
        elapsed = time.monotonic() - started
        note = None
        if hook.first_epoch_at is not None:
            note = one_epoch_note(params, hook.first_epoch_at - started, hook.first_epoch_seconds)
        if privacy_spent is not None and params.differential_privacy is not None:
            spent = (
                f"differential privacy: epsilon {privacy_spent['epsilon']:.2f} of "
                f"{params.differential_privacy.epsilon:g} spent"
            )
            note = f"{note}; {spent}" if note else spent
        return FitReport(
            loss_curve=hook.loss_curve,
            epochs_run=int(hook.last_epoch),
            stopped_by_budget=hook.stopped or (budget is not None and elapsed >= budget),
            note=note,
            privacy_spent=privacy_spent,
            phase_seconds=phases.seconds,
        )

    def save(self, directory: Path) -> None:
        link_tree(self._workspace / _MODEL_STORE, directory / _MODEL_STORE)
        (directory / _SAMPLING).write_text(json.dumps(self._sampling))

    @classmethod
    def load(cls, directory: Path) -> Self:
        engine = cls()
        link_tree(directory / _MODEL_STORE, engine._workspace / _MODEL_STORE)
        settings = directory / _SAMPLING
        # A model saved before the options existed samples as mostlyai's defaults (1.0).
        if settings.exists():
            saved = json.loads(settings.read_text())
            engine._sampling = sampling_options(saved)
        return engine

    def sample(
        self, n: int, seed: int, conditions: Mapping[str, Any] | None = None
    ) -> pd.DataFrame:
        mostly.set_random_state(seed)
        seed_data = (
            pd.DataFrame({k: [v] * n for k, v in conditions.items()}) if conditions else None
        )
        return generate(
            self._workspace,
            seed_data=seed_data,
            sample_size=None if seed_data is not None else n,
            **self._sampling,
        )

    @staticmethod
    def library_versions() -> dict[str, str]:
        return {lib: version(lib) for lib in ("mostlyai-engine", "torch")}


def _max_bins(rows: int) -> int:
    training_rows = round(_TRAINING_SHARE * rows)
    cap = mostly_numeric.NUMERIC_BINNED_MAX_BINS
    return min(cap, max(_MIN_BINS, training_rows // _ROWS_PER_BIN))


@contextmanager
def _binned_max_bins(bins: int) -> Iterator[None]:
    """mostlyai takes no argument for its bin cap: it reads a module constant when it analyzes
    the table (the bins are then saved with the model, so generating needs no such patch).
    The engine runs in a job's own child process; the constant is restored all the same."""
    cap = mostly_numeric.NUMERIC_BINNED_MAX_BINS
    mostly_numeric.NUMERIC_BINNED_MAX_BINS = bins
    try:
        yield
    finally:
        mostly_numeric.NUMERIC_BINNED_MAX_BINS = cap


@contextmanager
def _natural_order_share(share: float) -> Iterator[None]:
    """mostlyai trains every batch in a random column order, so that rows can be generated
    given any columns (a generate job's conditions); the option `natural_order_share` puts
    that share of the batches in the table's own order instead, the order rows are generated
    in when nothing is given. Trained in random orders only, ARGN learns each column's own
    distribution but little of how they go together on a small table: on housing (327
    training rows) its rows kept 0.31 of the real correlations between the strongly
    correlated numbers (GaussianCopula's 0.79), with half the batches in order 0.58 (README,
    "The five small tables, one experiment at a time"). mostlyai takes no argument for it:
    its mask function is swapped while the model trains (in a job's own child process)."""
    if share <= 0:
        yield
        return
    random_order = mostly_argn._make_permutation_mask

    def mask(
        col_embedding_dims: list[int],
        columns: list[str],
        column_order: list[str] | None,
        is_sequential: bool,
        device: torch.device,
    ) -> torch.Tensor:
        if column_order is None and not is_sequential and torch.rand(1).item() < share:
            column_order = list(columns)
        return random_order(col_embedding_dims, columns, column_order, is_sequential, device)

    mostly_argn._make_permutation_mask = mask
    try:
        yield
    finally:
        mostly_argn._make_permutation_mask = random_order


def link_tree(source: Path, target: Path) -> None:
    """`target` made a copy of the model folder `source` by hard links where the file system
    allows (a byte copy elsewhere). A model of ~17 MB was copied twice per job: into the
    archive's folder when saved, and out of the unpacked archive into the workspace when
    loaded (0.25 s a copy on a busy machine, a sub-second job's whole overhead). Sharing the
    files is safe: mostlyai writes a model store while training only, never when it
    generates, and either side's folder may go first (a link outlives the other name)."""
    shutil.copytree(source, target, copy_function=_link_or_copy)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:  # another file system, or one without hard links
        shutil.copy2(source, target)


class _Phases:
    """Seconds per phase of a fit, for `FitReport.phase_seconds`."""

    def __init__(self, started: float) -> None:
        self._last = started
        self.seconds: dict[str, float] = {}

    def mark(self, name: str) -> None:
        now = time.monotonic()
        self.seconds[name] = round(now - self._last, 2)
        self._last = now

    def training(self, hook: _TrainingProgress) -> None:
        """Splits `mostly.train` into its first epoch (with the model's and data loaders'
        setup), the later epochs, and what followed the last step (checkpoint, clean-up)."""
        started, now = self._last, time.monotonic()
        if hook.first_epoch_at is not None:
            self.seconds["first_epoch"] = round(hook.first_epoch_at - started, 2)
            self.seconds["later_epochs"] = round(hook.last_step_at - hook.first_epoch_at, 2)
        self.seconds["after_training"] = round(now - hook.last_step_at, 2)
        self._last = now


class _TrainingProgress:
    """Adapts mostlyai-engine's `update_progress(completed, total, message)` hook, and stops
    training (`stopExecution`) at `deadline` once one epoch is done."""

    def __init__(self, progress: Progress, max_epochs: int, deadline: float | None) -> None:
        self._progress = progress
        self._max_epochs = max_epochs
        self._deadline = deadline
        self._started = time.monotonic()
        self._last_sent = 0.0
        self.loss_curve: list[tuple[int, float]] = []
        self.last_epoch = 0.0
        self._loss: float | None = None
        self.stopped = False
        self.first_epoch_at: float | None = None
        self.first_epoch_seconds = 0.0
        self._last_call = self.last_step_at = self._started
        self._steps: deque[float] = deque(maxlen=_RECENT_STEPS)
        self.privacy = PrivacyLedger()

    def __call__(
        self,
        total: int | None = None,
        completed: int | None = None,
        message: dict | None = None,
        **_: Any,
    ) -> dict | None:
        if message:
            self._record(message)
        now = time.monotonic()
        self._steps.append(now - self._last_call)
        self._last_call = self.last_step_at = now
        if self.first_epoch_at is None and self.last_epoch >= 1:
            self.first_epoch_at, self.first_epoch_seconds = now, now - self._started
        if self._next_step_overruns(now) and self.last_epoch >= 1:
            self.stopped = True
            return {"stopExecution": True}
        if not message and now - self._last_sent < _PROGRESS_INTERVAL_SECONDS:
            return None
        self._last_sent = now
        percent = 100.0 * (completed or 0) / total if total else 0.0
        self._progress(
            ProgressUpdate(
                percent=min(percent, 100.0),
                message=f"training, epoch {self.last_epoch:.2f}",
                epoch=int(self.last_epoch),
                total_epochs=self._max_epochs,
                loss=self._loss,
                eta_seconds=self._eta(percent),
            )
        )
        return None

    def _next_step_overruns(self, now: float) -> bool:
        if self._deadline is None:
            return False
        return now + max(self._steps, default=0.0) >= self._deadline

    def _record(self, message: dict) -> None:
        self.privacy.record(message)
        self.last_epoch = float(message.get("epoch") or self.last_epoch)
        loss = message.get("val_loss")
        if loss is None or pd.isna(loss):
            loss = message.get("trn_loss")
        # Finite only: JSON (the stored metrics, GraphQL's Float) has no NaN or infinity.
        if loss is not None and not pd.isna(loss) and math.isfinite(float(loss)):
            self._loss = float(loss)
            if float(self.last_epoch).is_integer():
                self.loss_curve.append((int(self.last_epoch), self._loss))

    def _eta(self, percent: float) -> float | None:
        if percent <= 0:
            return None
        return (time.monotonic() - self._started) * (100.0 - percent) / percent
