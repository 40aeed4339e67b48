"""The engine registry and training parameters (the engine contracts and capabilities are
in ``capabilities``).

This module imports no ML library: the gRPC API role lists engines and validates
parameters without paying for torch/SDV imports. Engine classes are resolved lazily
from `EngineSpec.factory` ("module:Class") when a worker actually runs one.
"""

from __future__ import annotations

import importlib
import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from services.training.engines.capabilities import (
    _SINGLE,
    Engine,
    EngineCapability,
    RelationalEngine,
)
from services.training.engines.capabilities import FitReport as FitReport
from services.training.engines.capabilities import Progress as Progress
from services.training.engines.capabilities import ProgressUpdate as ProgressUpdate
from services.training.engines.dp import DifferentialPrivacy
from services.training.engines.errors import EngineError as EngineError
from services.training.engines.errors import InvalidConditionError as InvalidConditionError
from services.training.engines.errors import InvalidParamsError as InvalidParamsError

ParamType = Literal["int", "float", "bool", "str"]


class UnknownEngineError(EngineError):
    fields = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"unknown engine {name!r}; known engines: {', '.join(sorted(ENGINES))}")


@dataclass(frozen=True)
class ParamSpec:
    """One engine-specific option, as shown to users by the `engines` query."""

    name: str
    type: ParamType
    default: Any
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] | None = None

    def validate(self, value: Any) -> Any:
        """Return `value` converted to this option's type, or raise InvalidParamsError."""
        converted = self._convert(value)
        if self.choices is not None and converted not in self.choices:
            raise InvalidParamsError(self.name, f"must be one of {', '.join(self.choices)}")
        if self.minimum is not None and converted < self.minimum:
            raise InvalidParamsError(self.name, f"must be >= {self.minimum}")
        if self.maximum is not None and converted > self.maximum:
            raise InvalidParamsError(self.name, f"must be <= {self.maximum}")
        return converted

    def _convert(self, value: Any) -> Any:
        # bool is an int subclass: reject it explicitly for numeric options.
        if self.type == "bool":
            if not isinstance(value, bool):
                raise InvalidParamsError(self.name, "must be a boolean")
            return value
        if self.type == "str":
            if not isinstance(value, str):
                raise InvalidParamsError(self.name, "must be a string")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidParamsError(self.name, f"must be a number ({self.type})")
        if self.type == "int":
            if not float(value).is_integer():
                raise InvalidParamsError(self.name, "must be an integer")
            return int(value)
        if not math.isfinite(value):
            raise InvalidParamsError(self.name, "must be finite")
        return float(value)


@dataclass(frozen=True)
class EngineSpec:
    """What a user needs to know to pick an engine, and where its code lives."""

    name: str
    library: str
    license: str
    description: str
    # "module:Class" of the single-table `Engine` (None: the engine learns several tables only).
    factory: str | None
    epoch_based: bool
    default_epochs: int | None = None
    default_batch_size: int | None = None
    # Whether it takes batch_size (rows per training step); one that does not refuses it.
    batched: bool = False
    parameters: tuple[ParamSpec, ...] = ()
    # Engine-specific cross-field checks, e.g. CTGAN needs batch_size to be a multiple of pac.
    checks: tuple[Callable[[TrainParams], None], ...] = ()
    capabilities: frozenset[EngineCapability] = _SINGLE
    # "module:Class" of the engine that learns several tables or sequences (a
    # `RelationalEngine`), for engines with the relational or sequential capability.
    relational_factory: str | None = None
    # The most tables, and tables in one parent → child chain, the engine learns (None: no
    # limit of its own).
    max_tables: int | None = None
    max_depth: int | None = None

    def create(self) -> Engine:
        """Import the engine implementation (heavy: torch, SDV...) and instantiate it."""
        return self.engine_class()()

    def engine_class(self) -> type[Engine]:
        if self.factory is None:
            raise EngineError(
                f"{self.name} learns several linked tables or sequences, not a single table"
            )
        return _resolve(self.factory)

    def relational_class(self) -> type[RelationalEngine]:
        if self.relational_factory is None:
            raise EngineError(f"{self.name} learns single tables only")
        return _resolve(self.relational_factory)


def _resolve(factory: str) -> Any:
    module_name, _, attr = factory.partition(":")
    return getattr(importlib.import_module(module_name), attr)


@dataclass(frozen=True)
class TrainParams:
    """Validated training parameters; build them with `TrainParams.build`."""

    epochs: int | None = None
    batch_size: int | None = None
    time_budget_seconds: float | None = None
    seed: int = 0
    options: Mapping[str, Any] = field(default_factory=dict)
    differential_privacy: DifferentialPrivacy | None = None
    # Set by the runner, never stored: when `time_budget_seconds` is what is left of the
    # job's budget after starting the engine process and reading the data, the job's whole
    # budget and the seconds spent before the engine began (for the one-epoch note).
    job_budget_seconds: float | None = None
    budget_spent_seconds: float = 0.0

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TrainParams:
        """The parameters `to_dict` stored (on the model, in the job)."""
        dp = data.get("differential_privacy")
        return cls(
            **{k: v for k, v in data.items() if k != "differential_privacy"},
            differential_privacy=DifferentialPrivacy(**dp) if dp else None,
        )

    @classmethod
    def build(
        cls,
        spec: EngineSpec,
        *,
        epochs: int | None = None,
        batch_size: int | None = None,
        time_budget_seconds: float | None = None,
        seed: int = 0,
        options: Mapping[str, Any] | None = None,
        differential_privacy: Mapping[str, Any] | None = None,
    ) -> TrainParams:
        """Validate user input against `spec` and fill in the engine's defaults.

        Raises InvalidParamsError(field, message) on the first invalid value.
        """
        if epochs is not None and not spec.epoch_based:
            raise InvalidParamsError("epochs", f"{spec.name} is not trained in epochs")
        if batch_size is not None and not spec.batched:
            raise InvalidParamsError("batch_size", f"{spec.name} is not trained in batches")
        params = cls(
            epochs=_positive_int("epochs", epochs if epochs is not None else spec.default_epochs),
            batch_size=_positive_int(
                "batch_size", batch_size if batch_size is not None else spec.default_batch_size
            ),
            time_budget_seconds=_positive_budget(time_budget_seconds),
            seed=_seed(seed),
            options=_validate_options(spec, options or {}),
            differential_privacy=_differential_privacy(spec, differential_privacy),
        )
        for check in spec.checks:
            check(params)
        return params

    def to_dict(self) -> dict[str, Any]:
        return {
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "time_budget_seconds": self.time_budget_seconds,
            "seed": self.seed,
            "options": dict(self.options),
            "differential_privacy": (
                asdict(self.differential_privacy) if self.differential_privacy else None
            ),
        }


def _positive_int(name: str, value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise InvalidParamsError(name, "must be a positive integer")
    return value


def _positive_budget(value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise InvalidParamsError("time_budget_seconds", "must be a positive number of seconds")
    if not math.isfinite(value):
        raise InvalidParamsError("time_budget_seconds", "must be finite")
    return float(value)


def _seed(value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**32:
        raise InvalidParamsError("seed", "must be an integer in [0, 2**32)")
    return value


def _validate_options(spec: EngineSpec, options: Mapping[str, Any]) -> dict[str, Any]:
    known = {p.name: p for p in spec.parameters}
    for name in options:
        if name not in known:
            allowed = ", ".join(known) or "none"
            raise InvalidParamsError(f"options.{name}", f"unknown option (allowed: {allowed})")
    return {name: known[name].validate(options.get(name, p.default)) for name, p in known.items()}


def _differential_privacy(
    spec: EngineSpec, value: Mapping[str, Any] | None
) -> DifferentialPrivacy | None:
    if value is None:
        return None
    if EngineCapability.DIFFERENTIAL_PRIVACY not in spec.capabilities:
        dp = EngineCapability.DIFFERENTIAL_PRIVACY
        capable = [name for name, other in ENGINES.items() if dp in other.capabilities]
        raise InvalidParamsError(
            "differential_privacy",
            f"{spec.name} does not train with differential privacy; engines that do: "
            + ", ".join(capable),
        )
    return DifferentialPrivacy.build(value)


def one_epoch_note(params: TrainParams, elapsed: float, epoch_seconds: float) -> str | None:
    """What the job's message says when the time budget did not fit one epoch: in the
    job's terms (its whole budget, and the data's preparation counted from the job's
    start), not in those of what was left when the engine began."""
    budget = params.time_budget_seconds
    if budget is None or elapsed <= budget:
        return None
    whole = params.job_budget_seconds or budget
    preparing = params.budget_spent_seconds + elapsed - epoch_seconds
    return (
        f"the time budget of {whole:g} s did not fit one epoch: preparing the data took "
        f"{preparing:.0f} s and one epoch {epoch_seconds:.0f} s; one epoch was "
        "trained anyway (raise timeBudgetSeconds for a better model)"
    )


def _check_ctgan_batch(params: TrainParams) -> None:
    pac = params.options["pac"]
    if params.batch_size is not None and params.batch_size % (2 * pac) != 0:
        # CTGAN asserts both an even batch and packs of `pac` rows.
        raise InvalidParamsError("batch_size", f"must be a multiple of 2 * pac ({2 * pac})")


_SDV_LICENSE = (
    "SDV is BUSL-1.1: free inside an organization, not for a commercial service offered to "
    "third parties"
)
# SDV's parametric marginals (and its kernel density estimate) for numerical columns.
_DISTRIBUTIONS = ("norm", "beta", "truncnorm", "uniform", "gamma", "gaussian_kde")

_GAN_PARAMETERS = (
    ParamSpec("embedding_dim", "int", 128, "size of the generator's random input", 2, 1024),
    ParamSpec("generator_lr", "float", 2e-4, "generator learning rate", 1e-6, 1.0),
    ParamSpec("discriminator_lr", "float", 2e-4, "discriminator learning rate", 1e-6, 1.0),
    ParamSpec("discriminator_steps", "int", 1, "discriminator updates per generator update", 1, 10),
    ParamSpec("pac", "int", 10, "rows per discriminator pack (PacGAN)", 1, 50),
)

ENGINES: dict[str, EngineSpec] = {
    spec.name: spec
    for spec in (
        EngineSpec(
            name="gaussian_copula",
            library="sdv",
            license=_SDV_LICENSE,
            description="Marginal distributions joined by a Gaussian copula. Trains in seconds, "
            "no epochs; the time budget is checked but the single fitting pass is not split.",
            factory="services.training.engines.sdv_engines:GaussianCopulaEngine",
            epoch_based=False,
            parameters=(
                ParamSpec(
                    "default_distribution",
                    "str",
                    # The column's own (smoothed) distribution: keeps point masses such as a
                    # spike of zeros, which no parametric family fits (see marginals.py).
                    "empirical",
                    "distribution fitted to each numerical column",
                    choices=(*_DISTRIBUTIONS, "empirical"),
                ),
            ),
        ),
        EngineSpec(
            name="ctgan",
            library="sdv",
            license=_SDV_LICENSE,
            description="Conditional GAN for mixed-type tables (Xu et al. 2019).",
            factory="services.training.engines.sdv_engines:CTGANEngine",
            epoch_based=True,
            default_epochs=300,
            default_batch_size=500,
            batched=True,
            parameters=_GAN_PARAMETERS,
            checks=(_check_ctgan_batch,),
        ),
        EngineSpec(
            name="tvae",
            library="sdv",
            license=_SDV_LICENSE,
            description="Variational autoencoder for mixed-type tables (Xu et al. 2019).",
            factory="services.training.engines.sdv_engines:TVAEEngine",
            epoch_based=True,
            default_epochs=300,
            default_batch_size=500,
            batched=True,
            parameters=(
                ParamSpec("embedding_dim", "int", 128, "size of the latent space", 2, 1024),
                ParamSpec("l2scale", "float", 1e-5, "L2 regularisation", 0.0, 1.0),
                ParamSpec("loss_factor", "float", 2.0, "weight of the reconstruction loss", 0.0),
            ),
        ),
        EngineSpec(
            name="copulagan",
            library="sdv",
            license=_SDV_LICENSE,
            description="CTGAN on columns first transformed by Gaussian-copula marginals.",
            factory="services.training.engines.sdv_engines:CopulaGANEngine",
            epoch_based=True,
            default_epochs=300,
            default_batch_size=500,
            batched=True,
            parameters=(
                *_GAN_PARAMETERS,
                ParamSpec(
                    "default_distribution",
                    "str",
                    "beta",
                    "distribution fitted to each numerical column",
                    choices=_DISTRIBUTIONS,
                ),
            ),
            checks=(_check_ctgan_batch,),
        ),
        EngineSpec(
            name="tabular_argn",
            library="mostlyai-engine",
            license="Apache-2.0",
            description="MOSTLY AI's autoregressive network (TabularARGN): highest fidelity per "
            "CPU-minute, early stopping on a validation split, honours the time budget.",
            factory="services.training.engines.argn_engine:TabularARGNEngine",
            epoch_based=True,
            default_epochs=100,
            batched=True,
            capabilities=frozenset(EngineCapability),
            # One model per table: a child table's with its parent's rows as context
            # (MOSTLY AI's context mode), a sequential table's in sequential mode.
            relational_factory="services.training.engines.argn_relational:RelationalARGNEngine",
            parameters=(
                ParamSpec(
                    "model_size",
                    "str",
                    "medium",
                    "network size",
                    choices=("small", "medium", "large"),
                ),
                ParamSpec(
                    "value_protection",
                    "bool",
                    True,
                    "hide rare categories and extreme values of the training data",
                ),
                ParamSpec(
                    "sampling_temperature", "float", 1.0, "below 1: likelier values", 0.1, 2.0
                ),
                ParamSpec("sampling_top_p", "float", 1.0, "drop the unlikeliest values", 0.1, 1.0),
                ParamSpec(
                    "natural_order_share", "float", 0.0, "batches in the columns' order", 0.0, 1.0
                ),
            ),
        ),
        EngineSpec(
            name="hma",
            library="sdv",
            license=_SDV_LICENSE,
            description="SDV's Hierarchical Modeling Algorithm: a Gaussian copula per table, "
            "each parent row extended with its children's distribution parameters and counts. "
            "Several linked tables (no sequences); no epochs, trains in seconds to minutes. "
            "SDV's community edition learns at most 5 tables and 2 levels (parent → child): "
            "a longer chain needs tabular_argn.",
            factory=None,
            relational_factory="services.training.engines.sdv_relational:HMAEngine",
            epoch_based=False,
            capabilities=frozenset({EngineCapability.RELATIONAL}),
            max_tables=5,
            max_depth=2,
        ),
        EngineSpec(
            name="par",
            library="sdv",
            license=_SDV_LICENSE,
            description="SDV's Probabilistic AutoRegressive model for one sequential table: "
            "sequence lengths and each entity's constant columns from a copula, the steps "
            "from a recurrent network.",
            factory=None,
            relational_factory="services.training.engines.sdv_relational:PAREngine",
            epoch_based=True,
            default_epochs=128,
            capabilities=frozenset({EngineCapability.SEQUENTIAL}),
        ),
    )
}


def get_engine(name: str) -> EngineSpec:
    """Return the registered engine `name` or raise UnknownEngineError."""
    try:
        return ENGINES[name]
    except KeyError:
        raise UnknownEngineError(name) from None
