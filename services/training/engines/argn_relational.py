"""`tabular_argn` on several tables and sequences: one mostlyai-engine model per table.

- a root table: a flat model (as for a single table);
- a child table: a model with its parent's rows as context (MOSTLY AI's context mode,
  ``tgt_context_key`` = the foreign key): it learns how many children a parent has and what
  they look like given the parent; at generation its context is the generated parent rows;
- a sequential table: the same sequential model, its rows in order per entity
  (``tgt_context_key`` = the entity key; the parent's rows as context when it has a parent),
  a datetime order column encoded relative to the previous step (realistic gaps).

The time budget is shared among the tables by their row counts.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

import pandas as pd
from mostlyai import engine as mostly
from mostlyai.engine._common import ANALYZE_REDUCE_MIN_MAX_N

from common.contracts.relational import ForeignKey, RelationalSchema, TableSpec
from services.training.engines.argn_engine import (
    _ENCODINGS,
    _MODEL_STORE,
    TabularARGNEngine,
    generate,
    link_tree,
    sampling_options,
    threads_for,
    train_within,
)
from services.training.engines.base import (
    EngineError,
    FitReport,
    InvalidConditionError,
    Progress,
    ProgressUpdate,
    TrainParams,
)
from services.training.engines.capabilities import RelationalEngine
from services.training.engines.profile import build_profile
from services.training.engines.relational import key_columns
from services.training.engines.sampling import chunk_seed

_PLAN = "plan.json"
# With value protection, mostlyai replaces the lengths (children per parent, rows per
# sequence) of fewer groups than this by 1.
_PROTECTED_LENGTHS_BELOW = ANALYZE_REDUCE_MIN_MAX_N


class RelationalARGNEngine(RelationalEngine):
    name = "tabular_argn"

    def __init__(self) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="argn-rel-")
        self._root = Path(self._tmp.name)
        self._schema: RelationalSchema | None = None
        # Per table: the learned columns (a child's context is its parent's) and whether a
        # model was trained (a table of keys only has none).
        self._columns: dict[str, list[str]] = {}
        self._trained: dict[str, bool] = {}
        # How rows are drawn (the options sampling_temperature, sampling_top_p).
        self._sampling: dict[str, float] = {}

    def _workspace(self, table: str) -> Path:
        index = [t.name for t in self._plan_schema().order()].index(table)
        return self._root / f"ws{index}"

    def _plan_schema(self) -> RelationalSchema:
        if self._schema is None:
            raise EngineError("the model is not fitted")
        return self._schema

    def fit(
        self,
        tables: Mapping[str, pd.DataFrame],
        schema: RelationalSchema,
        metadata: Mapping[str, Mapping[str, Any]],
        params: TrainParams,
        progress: Progress,
    ) -> FitReport:
        started = time.monotonic()
        self._schema = schema
        self._sampling = sampling_options(params.options)
        total_rows = sum(len(tables[t.name]) for t in schema.tables) or 1
        report = FitReport()
        done_rows = 0
        for spec in schema.order():
            table = tables[spec.name]
            keys = key_columns(schema, spec.name)
            self._columns[spec.name] = [c for c in table.columns if c not in keys]
            share = len(table) / total_rows
            budget = None
            if params.time_budget_seconds is not None:
                left = params.time_budget_seconds - (time.monotonic() - started)
                budget = max(1.0, left * share / max(1e-9, 1 - done_rows / total_rows))
            scaled = _scaled(progress, 100.0 * done_rows / total_rows, 100.0 * share, spec.name)
            trained = self._fit_table(spec, tables, metadata, params, budget, scaled)
            if trained is not None:
                report.loss_curve = report.loss_curve or trained.loss_curve
                report.epochs_run = max(report.epochs_run or 0, trained.epochs_run or 0)
                report.stopped_by_budget |= trained.stopped_by_budget
                report.note = "; ".join(n for n in (report.note, trained.note) if n) or None
            done_rows += len(table)
        return report

    def _fit_table(
        self,
        spec: TableSpec,
        tables: Mapping[str, pd.DataFrame],
        metadata: Mapping[str, Mapping[str, Any]],
        params: TrainParams,
        budget: float | None,
        progress: Progress,
    ) -> FitReport | None:
        schema = self._plan_schema()
        table = tables[spec.name]
        columns = self._columns[spec.name]
        link = schema.parent_key(spec.name)
        context_key = link.child_column if link else None
        if spec.sequence and context_key is None:
            context_key = spec.sequence.entity_key
        if not columns:
            if link is not None:
                raise EngineError(f"table {spec.name} holds keys only: there is nothing to learn")
            self._trained[spec.name] = False
            return None
        mostly.set_random_state(params.seed)
        profile = build_profile(table[columns], metadata.get(spec.name) or {})
        encodings = {c.name: _ENCODINGS.get(c.kind, "TABULAR_CATEGORICAL") for c in profile.columns}
        if spec.sequence and encodings.get(spec.sequence.order_column) == "TABULAR_DATETIME":
            encodings[spec.sequence.order_column] = "TABULAR_DATETIME_RELATIVE"
        workspace = self._workspace(spec.name)
        target = table[[*columns, *[k for k in (spec.primary_key, context_key) if k]]]
        target = target.loc[:, ~target.columns.duplicated()]
        progress(ProgressUpdate(percent=0.0, message=f"{spec.name}: analyzing and encoding"))
        split_args: dict[str, Any] = {}
        if link is not None:
            split_args = {
                "ctx_data": self._context(link.parent_table, tables[link.parent_table]),
                "ctx_primary_key": link.parent_column,
            }
        mostly.split(
            tgt_data=target,
            tgt_primary_key=spec.primary_key if spec.primary_key != context_key else None,
            tgt_context_key=context_key,
            tgt_encoding_types=encodings,
            workspace_dir=workspace,
            **split_args,
        )
        mostly.analyze(value_protection=params.options["value_protection"], workspace_dir=workspace)
        mostly.encode(workspace_dir=workspace)
        hook = train_within(params, progress, workspace, len(table), time.monotonic(), budget)
        self._trained[spec.name] = True
        return FitReport(
            loss_curve=hook.loss_curve,
            epochs_run=int(hook.last_epoch),
            stopped_by_budget=hook.stopped,
            note=_protected_lengths(spec, tables, link, context_key, params),
        )

    def _context(self, parent: str, rows: pd.DataFrame) -> pd.DataFrame:
        """A parent's rows as its children's context: its primary key and learned columns."""
        key = self._plan_schema().table(parent).primary_key
        assert key is not None
        return rows[[key, *self._columns[parent]]]

    def save(self, directory: Path) -> None:
        schema = self._plan_schema()
        for spec in schema.order():
            if self._trained[spec.name]:
                name = self._workspace(spec.name).name
                link_tree(self._workspace(spec.name) / _MODEL_STORE, directory / name)
        plan = {
            "schema": schema.model_dump(),
            "columns": self._columns,
            "trained": self._trained,
            "sampling": self._sampling,
        }
        (directory / _PLAN).write_text(json.dumps(plan))

    @classmethod
    def load(cls, directory: Path) -> Self:
        engine = cls()
        plan = json.loads((directory / _PLAN).read_text())
        engine._schema = RelationalSchema.model_validate(plan["schema"])
        engine._columns = plan["columns"]
        engine._trained = plan["trained"]
        # A model saved before the options existed samples as mostlyai's defaults.
        engine._sampling = sampling_options(plan.get("sampling") or {})
        for spec in engine._schema.order():
            if engine._trained[spec.name]:
                workspace = engine._workspace(spec.name)
                link_tree(directory / workspace.name, workspace / _MODEL_STORE)
        return engine

    def sample(
        self, n: int, seed: int, conditions: Mapping[str, Any] | None = None
    ) -> dict[str, pd.DataFrame]:
        schema = self._plan_schema()
        out: dict[str, pd.DataFrame] = {}
        for index, spec in enumerate(schema.order()):
            mostly.set_random_state(chunk_seed(seed, index))
            link = schema.parent_key(spec.name)
            if link is None:
                rows = self._sample_root(spec, n, conditions if index == 0 else None)
            else:
                context = self._context(link.parent_table, out[link.parent_table])
                rows = self._generate(spec, len(context), ctx_data=context.reset_index(drop=True))
            if spec.primary_key and (link is None or spec.primary_key != link.child_column):
                rows[spec.primary_key] = range(len(rows))
            out[spec.name] = rows.reset_index(drop=True)
        return out

    def _sample_root(
        self, spec: TableSpec, n: int, conditions: Mapping[str, Any] | None
    ) -> pd.DataFrame:
        if conditions and spec.sequence:
            raise InvalidConditionError(
                next(iter(conditions)), "conditions apply to a parent table, not to sequences"
            )
        if not self._trained[spec.name]:
            assert spec.primary_key is not None
            return pd.DataFrame({spec.primary_key: range(n)})
        if spec.sequence:
            # The workspace keeps the model only, not the training keys that mostlyai would
            # draw entities from: the generated entities are given as context.
            entities = pd.DataFrame({spec.sequence.entity_key: range(n)})
            return self._generate(spec, n, ctx_data=entities)
        if not conditions:
            return self._generate(spec, n, sample_size=n)
        return self._generate(
            spec, n, seed_data=pd.DataFrame({k: [v] * n for k, v in conditions.items()})
        )

    def _generate(self, spec: TableSpec, at_once: int, **kwargs: Any) -> pd.DataFrame:
        """`spec`'s rows for `at_once` root rows, sequences or parents: each step of ARGN's
        generation makes one row for each of them at once."""
        with threads_for(at_once):
            return generate(self._workspace(spec.name), **self._sampling, **kwargs)

    @staticmethod
    def library_versions() -> dict[str, str]:
        return TabularARGNEngine.library_versions()


def _protected_lengths(
    spec: TableSpec,
    tables: Mapping[str, pd.DataFrame],
    link: ForeignKey | None,
    context_key: str | None,
    params: TrainParams,
) -> str | None:
    """What value protection does to the children per parent (sequence lengths) of too few
    parents: mostlyai learns no length at all, and every parent gets one row."""
    if context_key is None or not params.options["value_protection"]:
        return None
    groups = len(tables[link.parent_table]) if link else tables[spec.name][context_key].nunique()
    if groups >= _PROTECTED_LENGTHS_BELOW:
        return None
    what = f"{link.parent_table} rows" if link else f"{context_key} values"
    return (
        f"{spec.name}: {groups} {what} are too few (under {_PROTECTED_LENGTHS_BELOW}) for value "
        f"protection to let their lengths be learned: each gets one {spec.name} row; train "
        "with options.value_protection=false to learn them"
    )


def _scaled(progress: Progress, start: float, share: float, table: str) -> Progress:
    """A table's progress as its share of the whole fit."""

    def forward(update: ProgressUpdate) -> None:
        percent = start + share * min(update.percent, 100.0) / 100.0
        progress(
            ProgressUpdate(
                percent=percent,
                message=f"{table}: {update.message}",
                epoch=update.epoch,
                total_epochs=update.total_epochs,
                loss=update.loss,
                eta_seconds=update.eta_seconds,
            )
        )

    return forward
