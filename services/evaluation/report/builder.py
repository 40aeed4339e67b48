"""build_report: quality, fidelity, utility, privacy and charts for one synthetic table."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pandas as pd

from services.evaluation.report.charts import column_charts, correlation_heatmaps
from services.evaluation.report.columns import canonical_frame, plan_columns, sample_frame
from services.evaluation.report.errors import ReportError
from services.evaluation.report.fidelity import fidelity_metrics
from services.evaluation.report.models import Charts, Report, ReportOptions, SampleSizes
from services.evaluation.report.privacy import PrivacyInputs, privacy_metrics
from services.evaluation.report.quality import quality_scores
from services.evaluation.report.utility import check_target, choose_target, utility_metrics

Progress = Callable[[str, float], None]
"""Called with a stage name and the fraction of the report done (0..1) after each stage."""


def build_report(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    metadata: Mapping[str, Any],
    options: ReportOptions | None = None,
    progress: Progress | None = None,
) -> Report:
    """Evaluate `synthetic` against the real `train` rows it was learnt from and the real
    `holdout` rows kept aside. Raises ReportError for input it cannot evaluate, before any
    heavy work starts."""
    options = options or ReportOptions()
    notify = progress or (lambda _stage, _done: None)
    raw = {
        "train": train.reset_index(drop=True),
        "holdout": holdout.reset_index(drop=True),
        "synthetic": synthetic.reset_index(drop=True),
    }
    plan = plan_columns(metadata, raw)
    target, target_note = choose_target(plan, options.target_column, raw["train"]), None
    if target is not None:
        try:
            check_target(target, plan, raw["train"], raw["holdout"], raw["synthetic"])
        except ReportError as error:
            # A default target the models cannot use (a batch with a single class, say)
            # leaves utility unmeasured with the reason; a chosen one is refused.
            if options.target_column is not None:
                raise
            target, target_note = None, f"the default target is not usable: {error.message}"
    canonical = {name: canonical_frame(frame, plan) for name, frame in raw.items()}
    seed = options.seed

    def sample(name: str, cap: int | None) -> pd.DataFrame:
        return sample_frame(canonical[name], cap, seed)

    real_sample, synthetic_sample = (
        sample("train", options.sample_rows),
        sample("synthetic", options.sample_rows),
    )
    quality = quality_scores(
        raw["train"].loc[real_sample.index], raw["synthetic"].loc[synthetic_sample.index], plan
    )
    notify("quality", 0.2)

    fidelity_real = sample("train", options.fidelity_sample_rows)
    fidelity_synthetic = sample("synthetic", options.fidelity_sample_rows)
    fidelity = fidelity_metrics(fidelity_real, fidelity_synthetic, plan)
    charts = Charts(
        columns=column_charts(real_sample, synthetic_sample, plan),
        heatmaps=correlation_heatmaps(fidelity.correlation),
    )
    notify("fidelity", 0.35)

    utility_real = sample("train", options.utility_sample_rows)
    utility_synthetic = sample("synthetic", options.utility_sample_rows)
    utility, utility_note = None, target_note or _utility_note(target, plan.measured)
    if utility_note is None and target is not None:
        utility = utility_metrics(
            target, plan, utility_real, canonical["holdout"], utility_synthetic
        )
    notify("utility", 0.5)

    privacy_inputs = PrivacyInputs(
        train=sample("train", options.privacy_sample_rows),
        holdout=sample("holdout", options.privacy_sample_rows),
        synthetic=sample("synthetic", options.privacy_sample_rows),
    )
    privacy, share_rows = privacy_metrics(privacy_inputs, plan, options.thresholds, seed)
    notify("privacy", 1.0)

    sizes = SampleSizes(
        train_rows=len(train),
        holdout_rows=len(holdout),
        synthetic_rows=len(synthetic),
        quality_real_rows=len(real_sample),
        quality_synthetic_rows=len(synthetic_sample),
        fidelity_real_rows=len(fidelity_real),
        fidelity_synthetic_rows=len(fidelity_synthetic),
        chart_real_rows=len(real_sample),
        chart_synthetic_rows=len(synthetic_sample),
        utility_real_train_rows=_rows_with(utility_real, target, utility),
        utility_synthetic_train_rows=_rows_with(utility_synthetic, target, utility),
        utility_holdout_rows=_rows_with(canonical["holdout"], target, utility),
        privacy_train_rows=len(privacy_inputs.train),
        privacy_holdout_rows=len(privacy_inputs.holdout),
        privacy_synthetic_rows=len(privacy_inputs.synthetic),
        dcr_share_train_rows=share_rows,
    )
    return Report(
        sample_sizes=sizes,
        columns_evaluated=plan.measured,
        columns_excluded=plan.excluded,
        quality=quality,
        fidelity=fidelity,
        utility=utility,
        utility_note=utility_note,
        privacy=privacy,
        charts=charts,
    )


def _utility_note(target: str | None, measured: list[str]) -> str | None:
    if target is None:
        return "no varying categorical column to use as the default target; set target_column"
    if len(measured) < 2:
        return f"no feature column besides the target {target!r}"
    return None


def _rows_with(frame: pd.DataFrame, target: str | None, utility: object) -> int | None:
    """Rows with a target value, which are the rows the utility models used."""
    if utility is None or target is None:
        return None
    return int(frame[target].notna().sum())
