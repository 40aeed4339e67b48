"""Sequence-aware fidelity and privacy of one sequential table: how long sequences are, the
gaps between consecutive events, lag-1 autocorrelation of numeric series, column shapes step
by step, and privacy of whole sequences.

A sequence is the rows sharing the entity key, in the order column's order. Pure functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from common.contracts.relational import SequenceSpec
from services.evaluation.report.columns import (
    as_numbers,
    canonical_frame,
    kind_of,
    plan_columns,
    sample_frame,
)
from services.evaluation.report.errors import ReportError
from services.evaluation.report.fidelity import fidelity_metrics
from services.evaluation.report.links import compare
from services.evaluation.report.models import PrivacyResult, PrivacyThresholds
from services.evaluation.report.privacy import PrivacyInputs, privacy_metrics
from services.evaluation.report.relational_models import (
    Autocorrelation,
    SequenceResult,
    StepFidelity,
)

# Steps compared one by one (step 1 = each sequence's first row); later steps have ever
# fewer sequences behind them, and the report stays bounded on long sequences.
MAX_STEPS = 10
SECONDS_PER_DAY = 86_400.0
PRIVACY_BASIS = (
    "whole sequences: each sequence is one record of its length and its values at steps "
    f"1..{MAX_STEPS} (keys and the order column's absolute times left out), so a synthetic "
    "sequence that replays a real one, even under a new key and shifted in time, is a copy; "
    "DCR share, NNDR, exact copies and membership inference as for rows"
)


def sequence_metrics(
    table: str,
    spec: SequenceSpec,
    real: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    metadata: Mapping[str, Any],
    *,
    thresholds: PrivacyThresholds | None = None,
    privacy_sample: int | None = None,
    seed: int = 0,
) -> SequenceResult:
    """``real`` is the training side, ``holdout`` the real sequences kept aside (whole
    sequences, for the privacy of whole sequences, at most ``privacy_sample`` sequences per
    side)."""
    columns = metadata.get("columns") or {}
    for name in (spec.entity_key, spec.order_column):
        for side, frame in (("real", real), ("synthetic", synthetic)):
            if name not in frame.columns:
                raise ReportError(f"the {side} {table} table lacks column {name!r}", field=table)
    order_kind = kind_of((columns.get(spec.order_column) or {}).get("sdtype", "numerical"))
    order_format = (columns.get(spec.order_column) or {}).get("datetime_format")
    values = [
        name
        for name, column in columns.items()
        if name not in (spec.entity_key, spec.order_column)
        and kind_of(column.get("sdtype", "")) is not None
    ]
    sides = {
        "real": _ordered(real, spec, order_kind, order_format),
        "synthetic": _ordered(synthetic, spec, order_kind, order_format),
    }
    lengths = {side: frame.groupby("__entity", sort=False).size() for side, frame in sides.items()}
    length = compare(
        lengths["real"].to_numpy(float), lengths["synthetic"].to_numpy(float), integers=True
    )
    gaps = None
    if order_kind is not None:
        scale = SECONDS_PER_DAY if order_kind == "datetime" else 1.0
        gaps = compare(
            _gaps(sides["real"]) / scale, _gaps(sides["synthetic"]) / scale, integers=False
        )
    numeric = [name for name in values if kind_of(columns[name]["sdtype"]) == "numerical"]
    autocorrelation = [_autocorrelation(name, sides) for name in numeric]
    steps = _steps(sides, {name: columns[name] for name in [spec.order_column, *values]})
    step_scores = [step.score for step in steps if step.score is not None]
    step_score = float(np.mean(step_scores)) if step_scores else None
    parts = [length.score, gaps.score if gaps else None, step_score]
    parts += [item.score for item in autocorrelation]
    known = [part for part in parts if part is not None]
    privacy, note = _privacy(
        {**sides, "holdout": _ordered(holdout, spec, order_kind, order_format)},
        {name: columns[name] for name in values},
        thresholds or PrivacyThresholds(),
        privacy_sample,
        seed,
    )
    return SequenceResult(
        table=table,
        entity_key=spec.entity_key,
        order_column=spec.order_column,
        gap_unit="days" if order_kind == "datetime" else "steps",
        score=float(np.mean(known)) if known else None,
        length=length,
        gaps=gaps,
        autocorrelation=autocorrelation,
        steps=steps,
        step_score=step_score,
        privacy_basis=PRIVACY_BASIS,
        privacy=privacy,
        privacy_note=note,
    )


def _ordered(
    frame: pd.DataFrame, spec: SequenceSpec, order_kind: str | None, order_format: str | None
) -> pd.DataFrame:
    """The rows with ``__entity`` (the key as text), ``__order`` (as a number) and ``__step``
    (1, 2, ... within each sequence), sorted by entity and order; the row order of the file
    breaks ties."""
    out = frame.copy()
    out["__entity"] = frame[spec.entity_key].map(lambda v: None if pd.isna(v) else str(v))
    out["__order"] = as_numbers(frame[spec.order_column], order_kind or "numerical", order_format)
    out["__row"] = np.arange(len(out))
    out = out.dropna(subset=["__entity"]).sort_values(["__entity", "__order", "__row"])
    out["__step"] = out.groupby("__entity", sort=False).cumcount() + 1
    return out.reset_index(drop=True)


def _gaps(frame: pd.DataFrame) -> np.ndarray:
    """Differences of the order column between consecutive events of each sequence."""
    gaps = frame.groupby("__entity", sort=False)["__order"].diff()
    return gaps.dropna().to_numpy(float)


def lag1_autocorrelations(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Per sequence, the Pearson correlation of the column with itself one step earlier;
    sequences with fewer than 3 pairs or a constant series have none."""
    current = pd.to_numeric(frame[column], errors="coerce")
    previous = current.groupby(frame["__entity"], sort=False).shift(1)
    both = current.notna() & previous.notna()
    x, y = previous[both].to_numpy(float), current[both].to_numpy(float)
    groups = frame.loc[both, "__entity"].to_numpy()
    sums = pd.DataFrame({"g": groups, "n": 1.0, "x": x, "y": y, "xx": x * x, "yy": y * y})
    sums["xy"] = x * y
    totals = sums.groupby("g", sort=False).sum()
    n = totals["n"]
    cov = totals["xy"] - totals["x"] * totals["y"] / n
    var_x = totals["xx"] - totals["x"] ** 2 / n
    var_y = totals["yy"] - totals["y"] ** 2 / n
    usable = (n >= 3) & (var_x > 1e-12) & (var_y > 1e-12)
    return (cov[usable] / np.sqrt(var_x[usable] * var_y[usable])).to_numpy(float)


def _autocorrelation(column: str, sides: Mapping[str, pd.DataFrame]) -> Autocorrelation:
    real = lag1_autocorrelations(sides["real"], column)
    synthetic = lag1_autocorrelations(sides["synthetic"], column)
    distribution = compare(real, synthetic, integers=False)
    return Autocorrelation(
        column=column,
        real_mean=distribution.real_mean,
        synthetic_mean=distribution.synthetic_mean,
        real_sequences=int(real.size),
        synthetic_sequences=int(synthetic.size),
        score=distribution.score,
    )


def _steps(
    sides: Mapping[str, pd.DataFrame], columns: Mapping[str, Mapping[str, Any]]
) -> list[StepFidelity]:
    metadata = {"columns": dict(columns)}
    steps = []
    for step in range(1, MAX_STEPS + 1):
        at_step = {side: frame[frame["__step"] == step] for side, frame in sides.items()}
        if any(frame.empty for frame in at_step.values()):
            break
        plan = plan_columns(metadata, at_step)
        fidelity = fidelity_metrics(
            canonical_frame(at_step["real"], plan),
            canonical_frame(at_step["synthetic"], plan),
            plan,
        )
        steps.append(
            StepFidelity(
                step=step,
                real_rows=len(at_step["real"]),
                synthetic_rows=len(at_step["synthetic"]),
                score=fidelity.mean_score,
                columns=fidelity.columns,
            )
        )
    return steps


def entity_frame(frame: pd.DataFrame, columns: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """One row per sequence: its length and its values at steps 1..MAX_STEPS."""
    head = frame[frame["__step"] <= MAX_STEPS]
    wide = head.pivot(index="__entity", columns="__step", values=list(columns))
    wide = wide.reindex(
        columns=pd.MultiIndex.from_product([list(columns), range(1, MAX_STEPS + 1)])
    )
    wide.columns = [f"{name}@{step}" for name, step in wide.columns]
    lengths = frame.groupby("__entity", sort=False).size().rename("length")
    return pd.concat([lengths, wide], axis=1).reset_index(drop=True)


def _privacy(
    sides: Mapping[str, pd.DataFrame],
    columns: Mapping[str, Mapping[str, Any]],
    thresholds: PrivacyThresholds,
    cap: int | None,
    seed: int,
) -> tuple[PrivacyResult | None, str | None]:
    if sides["holdout"].empty:
        return None, "no holdout sequences, so privacy of whole sequences is not measured"
    frames = {side: entity_frame(frame, columns) for side, frame in sides.items()}
    sdtypes: dict[str, Any] = {"length": {"sdtype": "numerical"}}
    for name, column in columns.items():
        for step in range(1, MAX_STEPS + 1):
            sdtypes[f"{name}@{step}"] = {"sdtype": column["sdtype"]}
    plan = plan_columns({"columns": sdtypes}, frames)
    canonical = {
        side: sample_frame(canonical_frame(frame, plan), cap, seed).reset_index(drop=True)
        for side, frame in frames.items()
    }
    result, _ = privacy_metrics(
        PrivacyInputs(
            train=canonical["real"], holdout=canonical["holdout"], synthetic=canonical["synthetic"]
        ),
        plan,
        thresholds,
        seed,
    )
    return result, None
