"""SDV 2.0's multi-table and sequential synthesizers: `hma` (HMASynthesizer) and `par`
(PARSynthesizer).

Neither samples conditionally on a root column; conditions are met by rejection: the engine
samples more root rows (entities, for `par`) than asked, keeps those that match, with their
children, and gives up with InvalidConditionError after a bounded number of tries.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from importlib.metadata import version
from pathlib import Path
from typing import Any, Self

import numpy as np
import pandas as pd
from sdv.metadata import Metadata
from sdv.multi_table import HMASynthesizer
from sdv.sequential import PARSynthesizer
from sdv.utils import load_synthesizer

from common.contracts.relational import RelationalSchema
from services.training.engines.base import (
    EngineError,
    FitReport,
    InvalidConditionError,
    Progress,
    ProgressUpdate,
    TrainParams,
)
from services.training.engines.capabilities import RelationalEngine
from services.training.engines.profile import columns_metadata
from services.training.engines.relational import key_columns, root
from services.training.engines.sdv_pickle import save_synthesizer
from services.training.engines.seeding import seed_everything

_MODEL_FILE = "synthesizer.pkl"
_SCHEMA_FILE = "schema.json"
# Rejection sampling for conditions: at most this many rounds, each asking for up to this
# many times the missing rows.
_CONDITION_TRIES = 10
_CONDITION_OVERSAMPLE = 25
_SDTYPES = {"numerical", "categorical", "boolean", "datetime"}
# What a user comparing children per parent must know (SDV's HierarchicalSampler.
# _enforce_table_size): the mean is given, the spread is learned.
_HMA_SIZES = (
    "hma makes each child table as long as the real one times (root rows asked / real root "
    "rows), so the mean number of children per parent is the real mean by construction; "
    "each parent's count is drawn from its copula, kept within the real minimum and maximum, "
    "then moved by one at a time until the total is met"
)


def _sdv_tables(
    tables: Mapping[str, pd.DataFrame],
    schema: RelationalSchema,
    metadata: Mapping[str, Mapping[str, Any]],
) -> dict[str, Any]:
    """SDV's metadata dictionary: our sdtypes for learned columns, ids for keys."""
    out: dict[str, Any] = {}
    for spec in schema.tables:
        table = tables[spec.name]
        known = columns_metadata(metadata.get(spec.name) or {})
        keys = key_columns(schema, spec.name)
        columns: dict[str, Any] = {}
        for name in table.columns:
            if name in keys:
                columns[name] = {"sdtype": "id"}
                continue
            sdtype = (known.get(name) or {}).get("sdtype")
            if sdtype not in _SDTYPES:
                sdtype = _sdtype_of(table[name])
            # SDV 2.0 has no computer_representation: integers come back as integers from the
            # conform step (rounded to the real column's precision).
            columns[name] = {"sdtype": sdtype}
        entry: dict[str, Any] = {"columns": columns}
        if spec.primary_key:
            entry["primary_key"] = spec.primary_key
        if spec.sequence:
            entry["sequence_key"] = spec.sequence.entity_key
            entry["sequence_index"] = spec.sequence.order_column
        out[spec.name] = entry
    return out


def _sdtype_of(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_numeric_dtype(series):
        return "numerical"
    if pd.api.types.is_datetime64_any_dtype(series):
        return "datetime"
    return "categorical"


def _sdv_metadata(
    tables: Mapping[str, pd.DataFrame],
    schema: RelationalSchema,
    metadata: Mapping[str, Mapping[str, Any]],
) -> Metadata:
    relationships = [
        {
            "parent_table_name": key.parent_table,
            "parent_primary_key": key.parent_column,
            "child_table_name": key.child_table,
            "child_foreign_key": key.child_column,
        }
        for key in schema.foreign_keys
    ]
    return Metadata.load_from_dict(
        {"tables": _sdv_tables(tables, schema, metadata), "relationships": relationships}
    )


def _matches(rows: pd.DataFrame, conditions: Mapping[str, Any]) -> np.ndarray:
    keep = np.ones(len(rows), dtype=bool)
    for name, value in conditions.items():
        values = rows[name]
        if isinstance(value, int | float) and not isinstance(value, bool):
            numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype="float64")
            keep &= np.isclose(numbers, float(value))
        else:
            keep &= (values.astype(str) == str(value)).to_numpy()
    return keep


class _SDVRelational(RelationalEngine):
    def __init__(self) -> None:
        self._synthesizer: Any = None
        self._schema: RelationalSchema | None = None

    def _fitted(self) -> tuple[Any, RelationalSchema]:
        if self._synthesizer is None or self._schema is None:
            raise EngineError("the model is not fitted")
        return self._synthesizer, self._schema

    def save(self, directory: Path) -> None:
        synthesizer, schema = self._fitted()
        save_synthesizer(synthesizer, directory / _MODEL_FILE)
        (directory / _SCHEMA_FILE).write_text(json.dumps(schema.model_dump()))

    @classmethod
    def load(cls, directory: Path) -> Self:
        engine = cls()
        engine._synthesizer = load_synthesizer(str(directory / _MODEL_FILE))
        schema = json.loads((directory / _SCHEMA_FILE).read_text())
        engine._schema = RelationalSchema.model_validate(schema)
        return engine

    @staticmethod
    def library_versions() -> dict[str, str]:
        return {lib: version(lib) for lib in ("sdv", "rdt", "copulas")}

    def _conditioned(
        self,
        draw: Callable[[int], dict[str, pd.DataFrame]],
        n: int,
        conditions: Mapping[str, Any] | None,
        key: str,
    ) -> dict[str, pd.DataFrame]:
        """``n`` root rows (with their descendants) that meet ``conditions``; ``key`` is the
        root's column that its children refer to (primary or entity key)."""
        _, schema = self._fitted()
        first = root(schema).name
        if not conditions:
            return _trimmed(draw(n), schema, key, n)
        kept: list[dict[str, pd.DataFrame]] = []
        found = 0
        for _ in range(_CONDITION_TRIES):
            sample = draw(max(n - found, 1) * _CONDITION_OVERSAMPLE)
            matching = sample[first][_matches(sample[first], conditions)]
            if len(matching):
                keys = pd.unique(matching[key])
                taken = keys[: max(n - found, 0)]
                kept.append(_with_roots(sample, schema, key, taken, suffix=len(kept)))
                found += len(taken)
            if found >= n:
                break
        if found < n:
            name = next(iter(conditions))
            raise InvalidConditionError(
                name, f"the model made only {found} of {n} rows with these values; ask for fewer"
            )
        return {
            spec.name: pd.concat([part[spec.name] for part in kept], ignore_index=True)
            for spec in schema.tables
        }


def _with_roots(
    sample: dict[str, pd.DataFrame],
    schema: RelationalSchema,
    key: str,
    roots: np.ndarray,
    suffix: int,
) -> dict[str, pd.DataFrame]:
    """The ``roots`` (values of the root's ``key``) and their descendants, their keys made
    distinct from other rounds' by ``suffix``."""
    first = root(schema).name
    out: dict[str, pd.DataFrame] = {}
    kept_keys: dict[str, pd.Series] = {}
    for spec in schema.order():
        rows = sample[spec.name]
        link = schema.parent_key(spec.name)
        if spec.name == first:
            rows = rows[rows[key].isin(roots)]
        elif link is not None and link.parent_table in kept_keys:
            rows = rows[rows[link.child_column].isin(kept_keys[link.parent_table])]
        if spec.primary_key:
            kept_keys[spec.name] = rows[spec.primary_key]
        rows = rows.copy()
        for column in key_columns(schema, spec.name):
            rows[column] = rows[column].map(lambda v, s=suffix: f"{s}:{v}")
        out[spec.name] = rows
    return out


def _trimmed(
    sample: dict[str, pd.DataFrame], schema: RelationalSchema, key: str, n: int
) -> dict[str, pd.DataFrame]:
    """Exactly ``n`` root rows (entities): SDV's scale can round to one more or fewer."""
    first = root(schema).name
    roots = pd.unique(sample[first][key])[:n]
    return _with_roots(sample, schema, key, roots, suffix=0)


class HMAEngine(_SDVRelational):
    name = "hma"

    def fit(
        self,
        tables: Mapping[str, pd.DataFrame],
        schema: RelationalSchema,
        metadata: Mapping[str, Mapping[str, Any]],
        params: TrainParams,
        progress: Progress,
    ) -> FitReport:
        if any(spec.sequence for spec in schema.tables):
            raise EngineError("hma does not learn sequences: train par or tabular_argn")
        seed_everything(params.seed)
        synthesizer = HMASynthesizer(_sdv_metadata(tables, schema, metadata), verbose=False)
        progress(ProgressUpdate(percent=0.0, message="fitting a copula per table"))
        synthesizer.fit(dict(tables))
        self._synthesizer, self._schema = synthesizer, schema
        return FitReport(note=_HMA_SIZES)

    def sample(
        self, n: int, seed: int, conditions: Mapping[str, Any] | None = None
    ) -> dict[str, pd.DataFrame]:
        synthesizer, schema = self._fitted()
        first = root(schema)
        assert first.primary_key is not None
        seed_everything(seed)

        def draw(count: int) -> dict[str, pd.DataFrame]:
            return synthesizer.sample(num_rows=count, main_table_name=first.name)

        return self._conditioned(draw, n, conditions, first.primary_key)


class PAREngine(_SDVRelational):
    name = "par"

    def fit(
        self,
        tables: Mapping[str, pd.DataFrame],
        schema: RelationalSchema,
        metadata: Mapping[str, Mapping[str, Any]],
        params: TrainParams,
        progress: Progress,
    ) -> FitReport:
        if len(schema.tables) != 1 or schema.tables[0].sequence is None:
            raise EngineError("par learns one sequential table: train tabular_argn or hma")
        spec = schema.tables[0]
        assert spec.sequence is not None
        table = tables[spec.name]
        seed_everything(params.seed)
        synthesizer = PARSynthesizer(
            _sdv_metadata(tables, schema, metadata),
            context_columns=_constant_columns(table, spec.sequence.entity_key, schema),
            epochs=params.epochs or 128,
            cuda=False,
            verbose=False,
        )
        progress(ProgressUpdate(percent=0.0, message="training the sequence model"))
        synthesizer.fit({spec.name: table})
        self._synthesizer, self._schema = synthesizer, schema
        return FitReport(epochs_run=params.epochs)

    def sample(
        self, n: int, seed: int, conditions: Mapping[str, Any] | None = None
    ) -> dict[str, pd.DataFrame]:
        synthesizer, schema = self._fitted()
        spec = schema.tables[0]
        assert spec.sequence is not None
        seed_everything(seed)

        def draw(count: int) -> dict[str, pd.DataFrame]:
            return {spec.name: synthesizer.sample_sequences(num_sequences=count)[spec.name]}

        return self._conditioned(draw, n, conditions, spec.sequence.entity_key)


def _constant_columns(table: pd.DataFrame, entity: str, schema: RelationalSchema) -> list[str]:
    """The columns that never change within an entity: PAR's context columns."""
    keys = set(key_columns(schema, schema.tables[0].name))
    spec = schema.tables[0]
    assert spec.sequence is not None
    candidates = [c for c in table.columns if c not in keys and c != spec.sequence.order_column]
    if not candidates:
        return []
    varying = table.groupby(entity)[candidates].nunique(dropna=False).max()
    return [c for c in candidates if varying[c] <= 1]
