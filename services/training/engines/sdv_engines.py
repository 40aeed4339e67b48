"""SDV 2.0 single-table synthesizers: gaussian_copula, ctgan, tvae, copulagan."""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Iterable, Iterator, Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any, ClassVar, Self

import ctgan.synthesizers.ctgan as ctgan_module
import ctgan.synthesizers.tvae as tvae_module
import numpy as np
import pandas as pd
from sdv.metadata import Metadata
from sdv.sampling import Condition
from sdv.single_table import (
    CopulaGANSynthesizer,
    CTGANSynthesizer,
    GaussianCopulaSynthesizer,
    TVAESynthesizer,
)
from sdv.single_table.base import BaseSingleTableSynthesizer
from sdv.utils import load_synthesizer

from common.contracts.rules import parse_datetime
from common.date_formats import parsing_format
from services.training.engines.base import (
    FitReport,
    InvalidConditionError,
    Progress,
    ProgressUpdate,
    TrainParams,
    one_epoch_note,
)
from services.training.engines.capabilities import Engine
from services.training.engines.marginals import EmpiricalUnivariate
from services.training.engines.profile import columns_metadata
from services.training.engines.sdv_pickle import save_synthesizer
from services.training.engines.sdv_rules import add_rules, categorical_combinations
from services.training.engines.seeding import seed_everything

_TABLE = "table"
_MODEL_FILE = "synthesizer.pkl"
# SDV column attributes we pass through from our metadata.
_COLUMN_KEYS = ("sdtype", "datetime_format", "computer_representation", "order")


def to_sdv_metadata(table: pd.DataFrame, metadata: Mapping[str, Any]) -> Metadata:
    """SDV Metadata for `table`: detected by SDV, then overridden by our metadata."""
    sdv_metadata = Metadata.detect_from_dataframes({_TABLE: table})
    detected_pk = sdv_metadata.tables[_TABLE].primary_key
    if detected_pk is not None:
        # Detection guesses keys from unique columns; only the user's metadata names keys.
        sdv_metadata.remove_primary_key(_TABLE)
    for column, attrs in columns_metadata(metadata).items():
        if column in table.columns and "sdtype" in attrs:
            known = {k: attrs[k] for k in _COLUMN_KEYS if attrs.get(k) is not None}
            if "datetime_format" in known:  # SDV parses with it: "%-d" is no strptime code
                known["datetime_format"] = parsing_format(known["datetime_format"])
            if known["sdtype"] == "boolean" and not pd.api.types.is_bool_dtype(table[column]):
                # Text such as Y/N or yes/no: SDV's booleans take True/False only, and as
                # categories the values come back as the file wrote them.
                known["sdtype"] = "categorical"
            sdv_metadata.update_column(column, _TABLE, **known)
    for column, attrs in sdv_metadata.tables[_TABLE].columns.items():
        if attrs.get("sdtype") == "id" and column != metadata.get("primary_key"):
            # SDV detects unique columns as ids and would replace them with random keys.
            numeric = pd.api.types.is_numeric_dtype(table[column])
            sdtype = "numerical" if numeric else "categorical"
            sdv_metadata.update_column(column, _TABLE, sdtype=sdtype)
    if metadata.get("primary_key"):
        sdv_metadata.update_column(metadata["primary_key"], _TABLE, sdtype="id")
        sdv_metadata.set_primary_key(metadata["primary_key"], _TABLE)
    return sdv_metadata


class _SDVEngine(Engine):
    def __init__(self) -> None:
        self._synthesizer: BaseSingleTableSynthesizer | None = None

    def _create(self, metadata: Metadata, params: TrainParams) -> BaseSingleTableSynthesizer:
        raise NotImplementedError

    def fit(
        self,
        table: pd.DataFrame,
        metadata: Mapping[str, Any],
        params: TrainParams,
        progress: Progress,
    ) -> FitReport:
        seed_everything(params.seed)
        sdv_metadata = to_sdv_metadata(table, metadata)
        categorical_combinations(sdv_metadata, _TABLE, metadata.get("rules") or [])
        synthesizer = self._create(sdv_metadata, params)
        add_rules(synthesizer, metadata.get("rules") or [], table.columns)
        report = self._fit(synthesizer, table, params, progress)
        self._synthesizer = synthesizer
        return report

    def _fit(
        self,
        synthesizer: BaseSingleTableSynthesizer,
        table: pd.DataFrame,
        params: TrainParams,
        progress: Progress,
    ) -> FitReport:
        progress(ProgressUpdate(percent=0.0, message="fitting marginals and copula"))
        synthesizer.fit({_TABLE: table})
        return FitReport()

    def save(self, directory: Path) -> None:
        save_synthesizer(self._fitted(), directory / _MODEL_FILE)

    @classmethod
    def load(cls, directory: Path) -> Self:
        engine = cls()
        engine._synthesizer = load_synthesizer(str(directory / _MODEL_FILE))
        return engine

    def sample(
        self, n: int, seed: int, conditions: Mapping[str, Any] | None = None
    ) -> pd.DataFrame:
        synthesizer = self._fitted()
        _seed_sampling(synthesizer, seed)
        dates = _fixed_dates(synthesizer, conditions or {})
        conditions = {k: v for k, v in (conditions or {}).items() if k not in dates}
        if not conditions:
            rows = synthesizer.sample(num_rows=n)[_TABLE]
        else:
            rows = synthesizer.sample_from_conditions(
                [Condition(column_values=dict(conditions), num_rows=n, table_name=_TABLE)]
            )[_TABLE]
        if len(rows) < n:
            raise InvalidConditionError(
                ", ".join(conditions),
                f"the model produced only {len(rows)} of {n} rows matching these values",
            )
        rows = rows.reset_index(drop=True)
        for name, stamp in dates.items():
            rows[name] = stamp
        return rows

    @staticmethod
    def library_versions() -> dict[str, str]:
        return {lib: version(lib) for lib in ("sdv", "ctgan", "copulas", "rdt", "torch")}

    def _fitted(self) -> BaseSingleTableSynthesizer:
        if self._synthesizer is None:
            raise RuntimeError("the engine is not fitted")
        return self._synthesizer


def _fixed_dates(
    synthesizer: BaseSingleTableSynthesizer, conditions: Mapping[str, Any]
) -> dict[str, pd.Timestamp]:
    """The conditions fixing a datetime column (ISO 8601, UTC without a zone), as naive UTC
    times. SDV's reject sampling never draws one exact time, so every such condition failed
    ('Sampling terminated'): the column is set after sampling the others."""
    columns = synthesizer.get_metadata().tables[_TABLE].columns
    return {
        name: pd.Timestamp(parse_datetime(str(value))).tz_convert("UTC").tz_localize(None)
        for name, value in conditions.items()
        if columns.get(name, {}).get("sdtype") == "datetime"
    }


def _seed_sampling(synthesizer: BaseSingleTableSynthesizer, seed: int) -> None:
    """Make the next `sample` call a pure function of `seed`.

    SDV seeds the model's own generators; rdt's reverse transforms (missing values,
    category decoding) have their own generators, reseeded here so that two chunks with
    different seeds do not repeat the same noise.
    """
    synthesizer.reset_sampling()
    # SDV has no public per-call seed; `_set_random_state` is what its own sample() uses.
    synthesizer._set_random_state(seed)
    for offset, transformer in enumerate(synthesizer.get_transformers().values()):
        if transformer is not None:
            state = np.random.RandomState((seed + 7919 * (offset + 1)) % 2**32)
            transformer.set_random_state(state, "reverse_transform")


class _GaussianCopula(GaussianCopulaSynthesizer):
    _DISTRIBUTIONS = {**GaussianCopulaSynthesizer._DISTRIBUTIONS, "empirical": EmpiricalUnivariate}


class GaussianCopulaEngine(_SDVEngine):
    name = "gaussian_copula"

    def _create(self, metadata: Metadata, params: TrainParams) -> BaseSingleTableSynthesizer:
        # Bounds are our own sampling option, so SDV's clipping is switched off.
        return _GaussianCopula(
            metadata,
            enforce_min_max_values=False,
            default_distribution=params.options["default_distribution"],
        )


class _EpochEngine(_SDVEngine):
    """An SDV synthesizer whose ctgan training loop reports epochs and honours a budget."""

    loop_module: ClassVar[Any] = ctgan_module

    def _fit(
        self,
        synthesizer: BaseSingleTableSynthesizer,
        table: pd.DataFrame,
        params: TrainParams,
        progress: Progress,
    ) -> FitReport:
        tracker = _EpochTracker(synthesizer, params.epochs or 1, params, progress, self._epoch_loss)
        progress(
            ProgressUpdate(percent=0.0, message="preparing data (mode-specific normalization)")
        )
        with tracker.installed(self.loop_module):
            synthesizer.fit({_TABLE: table})
        return FitReport(
            loss_curve=tracker.loss_curve,
            epochs_run=tracker.epochs_run,
            stopped_by_budget=tracker.stopped_by_budget,
            note=tracker.note,
        )

    @staticmethod
    def _epoch_loss(loss_values: pd.DataFrame, epoch: int) -> float:
        return float(loss_values["Generator Loss"].iloc[-1])


class CTGANEngine(_EpochEngine):
    name = "ctgan"

    def _create(self, metadata: Metadata, params: TrainParams) -> BaseSingleTableSynthesizer:
        return CTGANSynthesizer(metadata, **_gan_kwargs(params))


class CopulaGANEngine(_EpochEngine):
    name = "copulagan"

    def _create(self, metadata: Metadata, params: TrainParams) -> BaseSingleTableSynthesizer:
        return CopulaGANSynthesizer(
            metadata,
            default_distribution=params.options["default_distribution"],
            **_gan_kwargs(params),
        )


class TVAEEngine(_EpochEngine):
    name = "tvae"
    loop_module = tvae_module

    def _create(self, metadata: Metadata, params: TrainParams) -> BaseSingleTableSynthesizer:
        return TVAESynthesizer(
            metadata,
            enforce_min_max_values=False,
            epochs=params.epochs,
            batch_size=params.batch_size,
            embedding_dim=params.options["embedding_dim"],
            l2scale=params.options["l2scale"],
            loss_factor=params.options["loss_factor"],
            enable_gpu=False,
        )

    @staticmethod
    def _epoch_loss(loss_values: pd.DataFrame, epoch: int) -> float:
        return float(loss_values.loc[loss_values["Epoch"] == epoch, "Loss"].mean())


def _gan_kwargs(params: TrainParams) -> dict[str, Any]:
    options = params.options
    return {
        "enforce_min_max_values": False,
        "epochs": params.epochs,
        "batch_size": params.batch_size,
        "embedding_dim": options["embedding_dim"],
        "generator_lr": options["generator_lr"],
        "discriminator_lr": options["discriminator_lr"],
        "discriminator_steps": options["discriminator_steps"],
        "pac": options["pac"],
        # The CPU keeps results reproducible; GPU kernels are not bit-for-bit deterministic.
        "enable_gpu": False,
    }


class _EpochTracker:
    """Stands in for the `tqdm(range(epochs))` loop of ctgan's CTGAN/TVAE `fit`.

    ctgan offers no per-epoch callback, but both models iterate over
    `tqdm(range(epochs))`: the generator returned here runs code after every epoch
    (progress, loss, ETA) and simply ends the loop when the next epoch would overrun
    the time budget, which leaves a trained model exactly as after a shorter run.

    The next epoch is predicted to take as long as the slowest of the mean epoch and the
    last one (a machine that gets busier mid-run slows the next epoch, not the mean), so
    the budget holds within about one epoch's variation. One epoch always runs: a model of
    none is useless; when even that overran the budget, `note` says so.
    """

    def __init__(
        self,
        synthesizer: BaseSingleTableSynthesizer,
        total_epochs: int,
        params: TrainParams,
        progress: Progress,
        epoch_loss: Any,
    ) -> None:
        self._synthesizer = synthesizer
        self._total = total_epochs
        self._params = params
        self._budget = params.time_budget_seconds
        self._progress = progress
        self._epoch_loss = epoch_loss
        self._started = time.monotonic()
        self.loss_curve: list[tuple[int, float]] = []
        self.epochs_run = 0
        self.stopped_by_budget = False
        self.note: str | None = None

    @contextlib.contextmanager
    def installed(self, module: Any) -> Iterator[None]:
        original = module.tqdm
        module.tqdm = self._wrap
        try:
            yield
        finally:
            module.tqdm = original

    def _wrap(self, iterable: Iterable[int], **_: Any) -> Iterator[int]:
        return self._epochs(iterable)

    def _epochs(self, iterable: Iterable[int]) -> Iterator[int]:
        training_started = time.monotonic()
        for epoch in iterable:
            epoch_started = time.monotonic()
            yield epoch
            done = self.epochs_run = epoch + 1
            # The synthesizer's `_model` is the ctgan model being trained right now.
            loss: float | None = self._epoch_loss(self._synthesizer._model.loss_values, epoch)
            # A diverging GAN's loss may be NaN or infinite: JSON (the model's stored metrics,
            # GraphQL's Float) has neither, so that epoch has no point on the curve.
            if loss is not None and math.isfinite(loss):
                self.loss_curve.append((done, loss))
            else:
                loss = None
            now = time.monotonic()
            if done == 1:
                self.note = one_epoch_note(self._params, now - self._started, now - epoch_started)
            per_epoch = max((now - training_started) / done, now - epoch_started)
            if done < self._total and self._over_budget(per_epoch):
                self.stopped_by_budget = True
                self._report(done, loss, 0.0, "time budget reached: keeping the model")
                return
            self._report(done, loss, per_epoch * (self._total - done), f"epoch {done} done")

    def _over_budget(self, per_epoch: float) -> bool:
        if self._budget is None:
            return False
        return time.monotonic() - self._started + per_epoch > self._budget

    def _report(self, epoch: int, loss: float | None, eta: float, message: str) -> None:
        if self._budget is not None:
            eta = min(eta, max(0.0, self._budget - (time.monotonic() - self._started)))
        self._progress(
            ProgressUpdate(
                percent=100.0 * epoch / self._total,
                message=message,
                epoch=epoch,
                total_epochs=self._total,
                loss=loss,
                eta_seconds=eta,
            )
        )
