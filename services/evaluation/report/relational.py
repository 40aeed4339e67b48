"""build_relational_report: the report of a database with several tables or sequences.

Per table, the single-table report (`build_report`) on that table's rows; per link, referential
integrity, children-per-parent shape and associations across the link (`links`); per
sequential table, sequence metrics (`sequences`); over the whole database, SDMetrics'
multi-table QualityReport. Pure functions on ``dict[str, DataFrame]`` keyed by table name and
a `RelationalSchema`.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from sdmetrics.reports import QualityReport

from common.contracts.relational import RelationalSchema, TableSpec
from services.evaluation.report.builder import build_report
from services.evaluation.report.columns import conform_to, plan_columns
from services.evaluation.report.errors import ReportError
from services.evaluation.report.links import link_metrics
from services.evaluation.report.models import ReportOptions
from services.evaluation.report.quality import sdmetrics_dates, sdmetrics_metadata
from services.evaluation.report.relational_models import (
    LinkResult,
    MultiTableQuality,
    RelationalReport,
    SequenceResult,
    TableResult,
)
from services.evaluation.report.sequences import sequence_metrics

Tables = Mapping[str, pd.DataFrame]
_VERDICTS = ("pass", "warn", "fail")
# A KS complement of sequence lengths below this is worth an alert: half the mass moved.
LENGTH_ALERT = 0.5


def build_relational_report(
    train: Tables,
    holdout: Tables,
    synthetic: Tables,
    metadata: Mapping[str, Mapping[str, Any]],
    schema: RelationalSchema,
    options: ReportOptions | None = None,
) -> RelationalReport:
    """Evaluate the synthetic tables against the real ``train`` tables they were learnt from
    and the ``holdout`` tables kept aside (split by root entity). ``metadata`` holds each
    table's metadata as the single-table report reads it; key columns are treated as ids
    whatever their sdtype. Raises ReportError when a table is missing."""
    options = options or ReportOptions()
    for side, tables in (("train", train), ("holdout", holdout), ("synthetic", synthetic)):
        missing = [table.name for table in schema.tables if table.name not in tables]
        if missing:
            raise ReportError(f"the {side} data lacks tables {missing}", field=side)
    ordered = schema.order()
    metas = {
        table.name: table_metadata(schema, table, metadata.get(table.name, {})) for table in ordered
    }
    synthetic = {name: conform_to(train[name], frame) for name, frame in synthetic.items()}
    tables = [
        _table_result(table.name, train, holdout, synthetic, metas[table.name], options)
        for table in ordered
    ]
    links = [
        link_metrics(
            key,
            train,
            synthetic,
            metas,
            sample_rows=options.fidelity_sample_rows,
            seed=options.seed,
        )
        for table in ordered
        if (key := schema.parent_key(table.name)) is not None
    ]
    sequences = [
        sequence_metrics(
            table.name,
            table.sequence,
            train[table.name],
            holdout[table.name],
            synthetic[table.name],
            metas[table.name],
            thresholds=options.thresholds,
            privacy_sample=options.privacy_sample_rows,
            seed=options.seed,
        )
        for table in ordered
        if table.sequence is not None
    ]
    quality, note = None, "the database has no links between tables"
    if schema.foreign_keys:
        quality, note = multi_table_quality(train, synthetic, metas, schema, options)
    return RelationalReport(
        alerts=alerts(links, tables, sequences),
        overall_score=_overall(quality, tables, sequences),
        privacy_verdict=_worst(
            [table.privacy_verdict for table in tables]
            + [item.privacy.verdict for item in sequences if item.privacy is not None]
        ),
        sdmetrics=quality,
        sdmetrics_note=note,
        tables=tables,
        links=links,
        sequences=sequences,
    )


def table_metadata(
    schema: RelationalSchema, table: TableSpec, metadata: Mapping[str, Any]
) -> dict[str, Any]:
    """The table's metadata with its keys as ids: primary key, foreign keys and the entity
    key are names, not values to compare (synthetic keys are new by design)."""
    columns = {name: dict(spec) for name, spec in (metadata.get("columns") or {}).items()}
    keys = {table.primary_key} if table.primary_key else set()
    parent = schema.parent_key(table.name)
    if parent is not None:
        keys.add(parent.child_column)
    if table.sequence is not None:
        keys.add(table.sequence.entity_key)
    for name in keys - {None}:
        columns[name] = {**columns.get(name, {}), "sdtype": "id"}
    return {**metadata, "columns": columns, "primary_key": table.primary_key}


def _table_result(
    name: str,
    train: Tables,
    holdout: Tables,
    synthetic: Tables,
    metadata: Mapping[str, Any],
    options: ReportOptions,
) -> TableResult:
    sizes = {
        "train_rows": len(train[name]),
        "holdout_rows": len(holdout[name]),
        "synthetic_rows": len(synthetic[name]),
    }
    try:
        report = build_report(train[name], holdout[name], synthetic[name], metadata, options)
    except ReportError as error:
        return TableResult(
            name=name,
            **sizes,
            quality_score=None,
            privacy_verdict=None,
            report=None,
            note=error.message,
        )
    return TableResult(
        name=name,
        **sizes,
        quality_score=report.quality.overall_score,
        privacy_verdict=report.privacy.verdict,
        report=report,
        note=None,
    )


def multi_table_quality(
    real: Tables,
    synthetic: Tables,
    metadata: Mapping[str, Mapping[str, Any]],
    schema: RelationalSchema,
    options: ReportOptions,
) -> tuple[MultiTableQuality | None, str | None]:
    """SDMetrics' QualityReport on all tables with their relationships (column shapes, pair
    trends, cardinality, intertable trends), on whole families sampled down to
    ``options.sample_rows`` rows per table; None with the reason where SDMetrics refuses."""
    sd_metadata: dict[str, Any] = {"tables": {}, "relationships": []}
    kept: dict[str, list[str]] = {}
    try:
        for name, meta in metadata.items():
            plan = plan_columns(meta, {"real": real[name], "synthetic": synthetic[name]})
            sd_metadata["tables"][name] = sdmetrics_metadata(plan)
            kept[name] = list(sd_metadata["tables"][name]["columns"])
    except ReportError as error:
        return None, f"SDMetrics' multi-table report was not run: {error.message}"
    for key in schema.foreign_keys:
        sd_metadata["relationships"].append(
            {
                "parent_table_name": key.parent_table,
                "parent_primary_key": key.parent_column,
                "child_table_name": key.child_table,
                "child_foreign_key": key.child_column,
            }
        )
    sampled = {
        side: sample_families(tables, schema, options.sample_rows, options.seed)
        for side, tables in (("real", real), ("synthetic", synthetic))
    }
    frames: dict[str, dict[str, pd.DataFrame]] = {"real": {}, "synthetic": {}}
    for name in sampled["real"]:
        frames["real"][name], frames["synthetic"][name] = sdmetrics_dates(
            sampled["real"][name][kept[name]],
            sampled["synthetic"][name][kept[name]],
            sd_metadata["tables"][name]["columns"],
        )
    report = QualityReport()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report.generate(frames["real"], frames["synthetic"], sd_metadata, verbose=False)
    except (ValueError, KeyError, TypeError) as error:
        return None, f"SDMetrics' multi-table report failed: {type(error).__name__}: {error}"
    properties = report.get_properties()
    scores = dict(zip(properties["Property"], properties["Score"], strict=True))
    return (
        MultiTableQuality(
            overall_score=report.get_score(),
            column_shapes=scores.get("Column Shapes"),
            column_pair_trends=scores.get("Column Pair Trends"),
            cardinality=scores.get("Cardinality"),
            intertable_trends=scores.get("Intertable Trends"),
        ),
        None,
    )


def sample_families(
    tables: Tables, schema: RelationalSchema, max_rows: int | None, seed: int
) -> dict[str, pd.DataFrame]:
    """At most about ``max_rows`` rows in the largest table, by keeping a random share of the
    root rows and only the descendants of kept rows, so no family is cut in half."""
    largest = max(len(frame) for frame in tables.values())
    if max_rows is None or largest <= max_rows:
        return dict(tables)
    share = max_rows / largest
    rng = np.random.default_rng(seed)
    out: dict[str, pd.DataFrame] = {}
    for table in schema.order():
        frame = tables[table.name]
        key = schema.parent_key(table.name)
        if key is None:
            entity = table.sequence.entity_key if table.sequence else None
            if entity is not None:
                keys = frame[entity].drop_duplicates()
                chosen = keys[rng.random(len(keys)) < share]
                out[table.name] = frame[frame[entity].isin(chosen)]
            else:
                out[table.name] = frame[rng.random(len(frame)) < share]
        else:
            parents = out[key.parent_table][key.parent_column]
            out[table.name] = frame[frame[key.child_column].isin(parents)]
    return {name: frame.reset_index(drop=True) for name, frame in out.items()}


def alerts(
    links: list[LinkResult], tables: list[TableResult], sequences: list[SequenceResult]
) -> list[str]:
    """What a user must not miss, first in the report: broken referential integrity,
    duplicated parent keys, children-per-parent counts or sequence lengths copied from the
    real data, tables that could not be evaluated, sequence lengths far from the real ones."""
    found = []
    for link in links:
        check = link.integrity
        name = f"{link.child_table}.{link.child_column} → {link.parent_table}.{link.parent_column}"
        if check.valid_rows < check.child_rows:
            broken = check.child_rows - check.valid_rows
            examples = ", ".join(repr(value) for value in check.orphan_examples)
            found.append(
                f"REFERENTIAL INTEGRITY BROKEN on {name}: {broken:,} of {check.child_rows:,} "
                f"{link.child_table} rows ({broken / check.child_rows:.1%}) have no parent "
                f"({check.orphan_rows:,} orphans"
                + (f", e.g. {examples}" if examples else "")
                + f"; {check.missing_key_rows:,} without a key)"
            )
        if link.cardinality.copied:
            found.append(
                f"CHILDREN PER PARENT COPIED on {name}: the synthetic {link.parent_table} rows "
                f"have exactly the real counts of {link.child_table} rows, in another order "
                "(replayed, not learned)"
            )
        if check.duplicate_parent_keys:
            found.append(
                f"DUPLICATE PARENT KEYS on {name}: {check.duplicate_parent_keys:,} "
                f"{link.parent_table} rows repeat a key another row has"
            )
    for item in sequences:
        length = item.length
        if length.score is not None and length.score < LENGTH_ALERT:
            found.append(
                f"SEQUENCE LENGTHS in {item.table} differ from the real ones: "
                f"{length.synthetic_mean:.1f} rows per {item.entity_key} on average against "
                f"{length.real_mean:.1f} (KS complement {length.score:.2f})"
            )
        if length.copied:
            found.append(
                f"SEQUENCE LENGTHS COPIED in {item.table}: the synthetic sequences have exactly "
                "the real lengths, in another order (replayed, not learned)"
            )
    for table in tables:
        if table.note is not None:
            found.append(f"table {table.name} was not evaluated: {table.note}")
    return found


def _overall(
    quality: MultiTableQuality | None,
    tables: list[TableResult],
    sequences: list[SequenceResult],
) -> float | None:
    """SDMetrics' multi-table score where tables are linked; else the mean of each table's
    quality score and each sequence score."""
    if quality is not None and quality.overall_score is not None:
        return quality.overall_score
    scores = [table.quality_score for table in tables] + [item.score for item in sequences]
    known = [score for score in scores if score is not None]
    return float(np.mean(known)) if known else None


def _worst(verdicts: list[str | None]) -> Any:
    known = [verdict for verdict in verdicts if verdict is not None]
    return max(known, key=_VERDICTS.index) if known else "pass"
