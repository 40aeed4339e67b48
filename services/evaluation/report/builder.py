"""build_report: quality, fidelity, utility, privacy, charts, the dataset's rules, the
orders its dates keep, the columns one column determines, the combinations the real rows
rule out, the totals and the columns naming the largest of others, for one synthetic table."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import pandas as pd

from common.contracts.rule_checks import count_violations
from common.contracts.rules import Rule
from services.evaluation.report.bounds import (
    MAX_MATRIX_COLUMNS,
    choose_columns,
    privacy_rows,
    utility_rows,
    watched_pairs,
)
from services.evaluation.report.calendar import calendar_checks, real_date_parts
from services.evaluation.report.charts import column_charts, correlation_heatmaps
from services.evaluation.report.columns import (
    canonical_frame,
    conform_to,
    plan_columns,
    sample_frame,
)
from services.evaluation.report.combinations import combination_checks
from services.evaluation.report.conditioned import compare
from services.evaluation.report.dependencies import (
    dependency_checks,
    joint_checks,
    real_dependencies,
)
from services.evaluation.report.errors import ReportError
from services.evaluation.report.fidelity import fidelity_metrics
from services.evaluation.report.forms import form_checks
from services.evaluation.report.groups import group_checks
from services.evaluation.report.keys import unique_key_checks
from services.evaluation.report.missing import missing_when_checks
from services.evaluation.report.models import (
    Charts,
    Report,
    ReportOptions,
    RuleCheck,
    SampleSizes,
)
from services.evaluation.report.orderings import ordering_checks
from services.evaluation.report.privacy import (
    IDENTIFYING_PII,
    PII_SDTYPES,
    PrivacyInputs,
    privacy_metrics,
    unique_names,
)
from services.evaluation.report.quality import quality_scores
from services.evaluation.report.ranges import range_checks
from services.evaluation.report.totals import (
    leader_checks,
    real_leaders,
    real_totals,
    total_checks,
)
from services.evaluation.report.utility import (
    Target,
    check_target,
    choose_target,
    utility_metrics,
)

Progress = Callable[[str, float], None]
"""Called with a stage name and the fraction of the report done (0..1) after each stage."""


def build_report(
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
    metadata: Mapping[str, Any],
    options: ReportOptions | None = None,
    progress: Progress | None = None,
    conditions: Mapping[str, Any] | None = None,
) -> Report:
    """Evaluate `synthetic` against the real `train` rows it was learnt from and the real
    `holdout` rows kept aside. Raises ReportError for input it cannot evaluate, before any
    heavy work starts. A batch generated with `conditions` is scored against the training
    rows that meet them, where there are enough (`conditioned`)."""
    options = options or ReportOptions()
    notify = progress or (lambda _stage, _done: None)
    raw = {
        "train": train.reset_index(drop=True),
        "holdout": holdout.reset_index(drop=True),
        "synthetic": conform_to(train, synthetic),
    }
    plan = plan_columns(metadata, raw)
    stored = metadata.get("target_column") if isinstance(metadata, Mapping) else None
    dependencies = real_dependencies(raw["train"], raw["synthetic"], metadata)
    # Found once: the checks of each and the choice of the joint rules beside them use them.
    found_totals = real_totals(raw["train"], raw["synthetic"], metadata)
    found_leaders = real_leaders(raw["train"], raw["synthetic"], metadata)
    found_dates = real_date_parts(raw["train"], raw["synthetic"], metadata)
    totals = total_checks(raw["train"], raw["synthetic"], metadata, found_totals)
    leaders = leader_checks(raw["train"], raw["synthetic"], metadata, found_leaders)
    # Columns other columns determine: never the utility target, never in a combination.
    derived = {column for dependency in dependencies for column in dependency.columns}
    derived |= {check.column for check in totals} | {check.column for check in leaders}
    target = choose_target(
        plan, options.target_column, raw["train"], stored=stored, derived=derived
    )
    target_note = None
    if target is not None:
        try:
            check_target(target, plan, raw["train"], raw["holdout"], raw["synthetic"])
        except ReportError as error:
            # A target the models cannot use (a batch with a single class, say) leaves
            # utility unmeasured with the reason; one chosen for this report is refused.
            if options.target_column is not None:
                raise
            target_note = f"the target {target.column!r} ({target.reason}) is not usable: "
            target_note += error.message
            target = None
    canonical = {name: canonical_frame(frame, plan) for name, frame in raw.items()}
    seed = options.seed
    comparison, matching = compare(conditions, raw["train"]) if conditions else (None, None)
    # The real rows quality, fidelity and charts compare with; the columns they leave out.
    train_rows = canonical["train"]
    canonical["reference"] = train_rows if matching is None else train_rows[matching]
    conditioned = set(comparison.conditioned_columns if comparison is not None else ())
    if conditioned >= set(plan.measured):
        conditioned = set()
    scored = replace(plan, sdtypes={k: v for k, v in plan.sdtypes.items() if k not in conditioned})

    def sample(name: str, cap: int | None) -> pd.DataFrame:
        return sample_frame(canonical[name], cap, seed)

    real_sample, synthetic_sample = (
        sample("reference", options.sample_rows),
        sample("synthetic", options.sample_rows),
    )
    # Past 2,000 column pairs, pairwise parts score these and a seeded sample (`bounds`).
    watched = watched_pairs(
        target=target.column if target is not None else None,
        columns=scored.measured,
        metadata=metadata,
        dependencies=dependencies,
        totals=totals,
        leaders=leaders,
    )
    watched = [pair for pair in watched if not conditioned & set(pair)]
    quality = quality_scores(
        raw["train"].loc[real_sample.index],
        raw["synthetic"].loc[synthetic_sample.index],
        scored,
        watched,
        seed,
    )
    notify("quality", 0.2)

    fidelity_real = sample("reference", options.fidelity_sample_rows)
    fidelity_synthetic = sample("synthetic", options.fidelity_sample_rows)
    correlated = choose_columns(scored.measured, watched, MAX_MATRIX_COLUMNS, seed)
    fidelity = fidelity_metrics(
        fidelity_real[scored.measured], fidelity_synthetic[scored.measured], scored, correlated
    )
    charts = Charts(
        columns=column_charts(real_sample, synthetic_sample, plan),
        heatmaps=correlation_heatmaps(fidelity.correlation),
    )
    notify("fidelity", 0.35)

    utility_cap = utility_rows(options.utility_sample_rows, len(plan.measured))
    utility_real, utility_synthetic = sample("train", utility_cap), sample("synthetic", utility_cap)
    utility, utility_note = None, target_note or _utility_note(target, plan.measured)
    if utility_note is None and target is not None:
        utility = utility_metrics(
            target, plan, utility_real, canonical["holdout"], utility_synthetic
        )
    column = target.column if target is not None else None
    notify("utility", 0.5)

    privacy_cap = privacy_rows(options.privacy_sample_rows, len(plan.measured))
    privacy_inputs = PrivacyInputs(
        train=sample("train", privacy_cap),
        holdout=sample("holdout", privacy_cap),
        synthetic=sample("synthetic", privacy_cap),
        pii=_pii_columns(metadata, raw["train"], raw["synthetic"]),
        unique_names=unique_names(metadata, raw["train"], raw["synthetic"]),
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
        utility_real_train_rows=_rows_with(utility_real, column, utility),
        utility_synthetic_train_rows=_rows_with(utility_synthetic, column, utility),
        utility_holdout_rows=_rows_with(canonical["holdout"], column, utility),
        privacy_train_rows=len(privacy_inputs.train),
        privacy_holdout_rows=len(privacy_inputs.holdout),
        privacy_synthetic_rows=len(privacy_inputs.synthetic),
        dcr_share_train_rows=share_rows,
    )
    joint = joint_checks(
        raw["train"],
        raw["synthetic"],
        metadata,
        dependencies,
        totals=found_totals,
        leaders=found_leaders,
        date_parts=found_dates,
    )
    # The columns rules set, as training's `common.contracts.joint_rules.set_columns`.
    set_columns = derived | {column for check in joint for column in check.columns}
    combinations, combination_verdict = combination_checks(
        raw["train"], raw["holdout"], raw["synthetic"], metadata, set_columns
    )
    ranges, range_verdict = range_checks(
        raw["train"], raw["holdout"], raw["synthetic"], metadata, set_columns
    )
    return Report(
        sample_sizes=sizes,
        columns_evaluated=plan.measured,
        columns_excluded=plan.excluded,
        quality=quality,
        fidelity=fidelity,
        target_column=column,
        target_reason=target.reason if target is not None else None,
        utility=utility,
        utility_note=utility_note,
        privacy=privacy,
        charts=charts,
        rules=rule_checks(raw["synthetic"], metadata),
        orderings=ordering_checks(raw["train"], raw["synthetic"], metadata),
        dependencies=dependency_checks(dependencies, raw["synthetic"]) + joint,
        impossible_combinations=combinations,
        combination_verdict=combination_verdict,
        category_ranges=ranges,
        range_verdict=range_verdict,
        totals=totals,
        leaders=leaders,
        calendar=calendar_checks(raw["train"], raw["synthetic"], metadata, found_dates),
        missing_when=missing_when_checks(raw["train"], raw["synthetic"], metadata),
        unique_keys=unique_key_checks(raw["train"], raw["synthetic"], metadata),
        forms=form_checks(raw["train"], raw["synthetic"], metadata, plan.excluded),
        group_constants=group_checks(raw["train"], raw["synthetic"], metadata),
        comparison=comparison,
    )


def rule_checks(synthetic: pd.DataFrame, metadata: Mapping[str, Any]) -> list[RuleCheck]:
    """Every rule of the dataset (``metadata["rules"]``) with the synthetic rows breaking it,
    counted over all of them."""
    rules = [Rule.model_validate(r) for r in metadata.get("rules") or []]
    present = [r for r in rules if set(r.named_columns()) <= set(synthetic.columns)]
    return [
        RuleCheck(
            kind=rule.kind.value,
            description=rule.describe(),
            violation_count=count,
            real_violation_count=rule.real_violation_count,
        )
        for rule, count in zip(present, count_violations(synthetic, present), strict=True)
    ]


def _pii_columns(
    metadata: Mapping[str, Any], train: pd.DataFrame, synthetic: pd.DataFrame
) -> dict[str, tuple[pd.Series, pd.Series, bool]]:
    """Raw values of the PII columns (by sdtype or marked pii), and whether each identifies."""
    found = {}
    for name, spec in (metadata.get("columns") or {}).items():
        sdtype = spec.get("sdtype")
        if (spec.get("pii") or sdtype in PII_SDTYPES) and name in synthetic.columns:
            identifying = sdtype in IDENTIFYING_PII or sdtype not in PII_SDTYPES
            found[name] = (train[name], synthetic[name], identifying)
    for name in unique_names(metadata, train, synthetic):
        found[name] = (train[name], synthetic[name], False)  # shown, not judged
    return found


def _utility_note(target: Target | None, measured: list[str]) -> str | None:
    if target is None:
        return (
            "no column to predict: none has a label-like name, and none is a class column of "
            "2-20 classes or a varying number that is not a coordinate or determined by "
            "another column; set the dataset's targetColumn"
        )
    if len(measured) < 2:
        return f"no feature column besides the target {target.column!r}"
    return None


def _rows_with(frame: pd.DataFrame, target: str | None, utility: object) -> int | None:
    """Rows with a target value, which are the rows the utility models used."""
    if utility is None or target is None:
        return None
    return int(frame[target].notna().sum())
