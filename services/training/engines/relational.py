"""Several linked tables and sequences around a `RelationalEngine`: what it learns, and
how its output becomes tables in the real schema.

Before fitting (`prepare`): each table is profiled like a single table (its keys are ids:
never learned, made anew), reduced to its learned columns, and given its key columns back as
opaque integer codes (a parent's primary key 0..n-1, a child's foreign key the code of its
parent, a sequence's entity key the code of its entity). Child rows whose parent does not
exist (orphans) are left out and counted; sequences are sorted by entity and order.

After sampling (`finish`): every table goes through `conform` (real types, real categories,
precision, fake PII, new primary keys in the real format), then each child's foreign key is
remapped to the key its generated parent got (no orphan can come out), each sequence's
entity gets a new key of the real format, values are clipped to the real bounds, and every
sequence is ordered by its order column.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from common.contracts.relational import RelationalSchema, TableSpec
from services.training.engines.base import EngineError, InvalidConditionError
from services.training.engines.bounded import clip_to_bounds
from services.training.engines.conform import conform, new_ids
from services.training.engines.learned import learned_table
from services.training.engines.profile import (
    ColumnProfile,
    TableProfile,
    build_profile,
    columns_metadata,
)
from services.training.engines.sampling import (
    chunk_seed,
    resolve_bounds,
    validate_conditions,
)


@dataclass
class Prepared:
    """What a `RelationalEngine` is fitted on, and what `finish` needs afterwards."""

    tables: dict[str, pd.DataFrame]
    metadata: dict[str, dict[str, Any]]
    profiles: dict[str, TableProfile]
    orphans: dict[str, int] = field(default_factory=dict)


def key_columns(schema: RelationalSchema, table: str) -> list[str]:
    """The key columns of ``table``: its primary key, foreign key and entity key."""
    spec = schema.table(table)
    link = schema.parent_key(table)
    keys = [spec.primary_key, link.child_column if link else None]
    keys.append(spec.sequence.entity_key if spec.sequence else None)
    return list(dict.fromkeys(k for k in keys if k))


def root(schema: RelationalSchema) -> TableSpec:
    """The table conditions apply to and whose row count a generate job asks for."""
    return schema.order()[0]


def prepare(
    tables: Mapping[str, pd.DataFrame],
    schema: RelationalSchema,
    metadata: Mapping[str, Mapping[str, Any]],
    arrow_schemas: Mapping[str, pa.Schema | None] | None = None,
) -> Prepared:
    missing = [t.name for t in schema.tables if t.name not in tables]
    if missing:
        raise EngineError(f"no data for table(s) {', '.join(missing)}")
    prepared = Prepared({}, {}, {})
    codes: dict[str, pd.Index] = {}
    for spec in schema.order():
        table = tables[spec.name].reset_index(drop=True)
        keys = key_columns(schema, spec.name)
        absent = [k for k in keys if k not in table.columns]
        if absent:
            raise EngineError(f"table {spec.name} has no column(s) {', '.join(absent)}")
        link = schema.parent_key(spec.name)
        if link is not None:
            parent_codes = codes[link.parent_table].get_indexer(table[link.child_column])
            orphan = parent_codes < 0
            if orphan.any():
                prepared.orphans[spec.name] = int(orphan.sum())
                table, parent_codes = table[~orphan].reset_index(drop=True), parent_codes[~orphan]
        meta = _with_keys(metadata.get(spec.name) or {}, spec, keys)
        schema_of = (arrow_schemas or {}).get(spec.name)
        profile = build_profile(table, meta, schema_of)
        learned, learned_meta = learned_table(table, meta, profile, allow_empty=True)
        if spec.primary_key:
            if table[spec.primary_key].isna().any() or not table[spec.primary_key].is_unique:
                raise EngineError(f"the primary key {spec.name}.{spec.primary_key} is not unique")
            codes[spec.name] = pd.Index(table[spec.primary_key])
            learned[spec.primary_key] = np.arange(len(table), dtype=np.int64)
        if link is not None:
            learned[link.child_column] = parent_codes.astype(np.int64)
        if spec.sequence and spec.sequence.entity_key != (link and link.child_column):
            entity_codes, _ = pd.factorize(table[spec.sequence.entity_key])
            learned[spec.sequence.entity_key] = entity_codes.astype(np.int64)
        if spec.sequence:
            learned = learned.sort_values(
                [spec.sequence.entity_key, spec.sequence.order_column], kind="stable"
            ).reset_index(drop=True)
        prepared.tables[spec.name] = learned
        prepared.metadata[spec.name] = learned_meta
        prepared.profiles[spec.name] = profile
    return prepared


def _with_keys(metadata: Mapping[str, Any], spec: TableSpec, keys: list[str]) -> dict[str, Any]:
    """The table's metadata with every key column an id (made anew, never learned)."""
    columns = {name: dict(attrs) for name, attrs in columns_metadata(metadata).items()}
    for key in keys:
        columns[key] = {**columns.get(key, {}), "sdtype": "id", "pii": False}
    return {"columns": columns, "primary_key": spec.primary_key}


def validate_root_conditions(
    schema: RelationalSchema,
    profiles: Mapping[str, TableProfile],
    conditions: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """Conditions apply to the root table's learned columns (children follow their parents)."""
    first = root(schema)
    fixed = validate_conditions(profiles[first.name], conditions)
    keys = set(key_columns(schema, first.name))
    for name, value in fixed.items():
        if name in keys:
            raise InvalidConditionError(name, "a key: its values are made anew")
        if isinstance(value, dict):
            raise InvalidConditionError(name, "a model of several tables takes fixed values only")
    return fixed


def finish(
    samples: Mapping[str, pd.DataFrame],
    schema: RelationalSchema,
    profiles: Mapping[str, TableProfile],
    seed: int,
    *,
    enforce_bounds: bool = True,
) -> dict[str, pd.DataFrame]:
    """The engine's tables in the real schema, every child linked to a generated parent."""
    out: dict[str, pd.DataFrame] = {}
    new_keys: dict[str, pd.Series] = {}
    for index, spec in enumerate(schema.order()):
        rows = samples[spec.name].reset_index(drop=True)
        profile = profiles[spec.name]
        table_seed = chunk_seed(seed, 1000 + index)
        real = conform(rows, profile, first_row=0, seed=table_seed)
        link = schema.parent_key(spec.name)
        if link is not None:
            parents = new_keys[link.parent_table]
            linked = rows[link.child_column].map(parents)
            keep = linked.notna().to_numpy()
            real, rows = real[keep].reset_index(drop=True), rows[keep].reset_index(drop=True)
            real[link.child_column] = linked[keep].to_numpy()
        if spec.sequence and spec.sequence.entity_key != (link and link.child_column):
            column = profile.column(spec.sequence.entity_key)
            assert column is not None
            real[spec.sequence.entity_key] = _entity_keys(rows[spec.sequence.entity_key], column)
        if spec.primary_key:
            new_keys[spec.name] = pd.Series(
                real[spec.primary_key].to_numpy(), index=rows[spec.primary_key].to_numpy()
            )
        if enforce_bounds:
            keys = set(key_columns(schema, spec.name))
            limits = {k: v for k, v in resolve_bounds(profile, None).items() if k not in keys}
            real = clip_to_bounds(real, limits)
        if spec.sequence:
            real = _ordered(real, spec.sequence.entity_key, spec.sequence.order_column)
        out[spec.name] = real
    return out


def _entity_keys(codes: pd.Series, column: ColumnProfile) -> pd.Series:
    """A new key per generated entity, in the real entity key's format."""
    numbers, _ = pd.factorize(codes)
    distinct = np.arange(int(numbers.max(initial=-1)) + 1, dtype=np.int64)
    keys = new_ids(column, distinct, 17)
    return keys.iloc[numbers].reset_index(drop=True)


def _ordered(table: pd.DataFrame, entity: str, order: str) -> pd.DataFrame:
    """Each sequence's rows together (entities in the order they came) and in order."""
    first_seen = pd.Series(pd.factorize(table[entity])[0], index=table.index)
    return (
        table.assign(_entity_rank=first_seen)
        .sort_values(["_entity_rank", order], kind="stable")
        .drop(columns="_entity_rank")
        .reset_index(drop=True)
    )
