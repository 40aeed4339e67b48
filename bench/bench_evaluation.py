"""Benchmark of the evaluation report on adult-train.

1. Full report: adult-train split 80/20 into train and holdout (as the platform keeps 20%
   aside), 32,561 synthetic rows (an SDV GaussianCopula fitted on train, or with
   --synthetic resample a column-wise resample of train), timed end to end.
2. DCR: SDMetrics' DCRBaselineProtection and our `dcr_baseline_protection` on the same
   2,000-row samples of train and synthetic, in the same process: both scores, the
   difference, both times and the speed ratio.

Run: nice -n 10 .venv/bin/python bench/bench_evaluation.py [--synthetic copula|resample]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.evaluation.report import (  # noqa: E402
    ReportOptions,
    build_report,
    dcr_baseline_protection,
)
from tests import adult  # noqa: E402

REPORT_TARGET_S = 30.0
SPEEDUP_TARGET = 50.0
# SDMetrics and we each draw our own random baseline rows; on 2,000 rows their medians
# differ by sampling noise only, while the synthetic medians use identical distances.
SCORE_TOLERANCE = 0.03
MEDIAN_TOLERANCE = 1e-6
DCR_SAMPLE_ROWS = 2_000


def load_adult() -> tuple[pd.DataFrame, dict]:
    frame = adult.frame()
    metadata = {
        "columns": {
            name: {"sdtype": "numerical" if frame[name].dtype != object else "categorical"}
            for name in adult.COLUMNS
        }
    }
    return frame, metadata


def copula_rows(train: pd.DataFrame, metadata: dict, rows: int) -> pd.DataFrame:
    from sdv.metadata import Metadata
    from sdv.single_table import GaussianCopulaSynthesizer

    sdv_metadata = Metadata.load_from_dict({"tables": {"adult": metadata}})
    synthesizer = GaussianCopulaSynthesizer(sdv_metadata, default_distribution="norm")
    synthesizer.fit({"adult": train})
    sampled = synthesizer.sample(rows)
    return sampled["adult"] if isinstance(sampled, dict) else sampled


def resampled_rows(train: pd.DataFrame, rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({name: rng.choice(train[name].to_numpy(), rows) for name in train})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--synthetic", choices=("copula", "resample"), default="copula")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")

    adult, metadata = load_adult()
    train = adult.sample(frac=0.8, random_state=0)
    holdout = adult.drop(train.index)
    started = time.perf_counter()
    if args.synthetic == "copula":
        synthetic = copula_rows(train, metadata, len(adult))
        how = "SDV GaussianCopula (norm marginals) fitted on train"
    else:
        synthetic = resampled_rows(train, len(adult))
        how = "column-wise resample of train"
    print(f"synthetic: {len(synthetic)} rows, {how} ({time.perf_counter() - started:.1f} s)")
    print(f"train {len(train)} rows, holdout {len(holdout)} rows (20% of adult-train)")

    stages: list[tuple[str, float]] = []
    started = time.perf_counter()
    report = build_report(
        train,
        holdout,
        synthetic,
        metadata,
        ReportOptions(),
        progress=lambda stage, _done: stages.append((stage, time.perf_counter() - started)),
    )
    report_s = time.perf_counter() - started
    previous = 0.0
    for stage, at in stages:
        print(f"  {stage:<9} {at - previous:6.1f} s")
        previous = at
    print(
        f"full report: {report_s:.1f} s (target <= {REPORT_TARGET_S:.0f} s: "
        f"{'met' if report_s <= REPORT_TARGET_S else 'MISSED'})"
    )
    print(f"  sample sizes: {report.sample_sizes.model_dump()}")
    privacy = report.privacy
    print(
        f"  quality {report.quality.overall_score:.3f}, privacy {privacy.verdict}, "
        f"DCR share {privacy.dcr_share_closer_to_train:.3f}, MIA AUC {privacy.mia_auc:.3f}, "
        f"utility {[(m.name, round(m.ratio or 0, 3)) for m in report.utility.metrics]}"
    )
    compare_dcr(train, synthetic, metadata)


def compare_dcr(train: pd.DataFrame, synthetic: pd.DataFrame, metadata: dict) -> None:
    from sdmetrics.single_table import DCRBaselineProtection

    real = train.sample(DCR_SAMPLE_ROWS, random_state=1).reset_index(drop=True)
    fake = synthetic.sample(DCR_SAMPLE_ROWS, random_state=1).reset_index(drop=True)
    started = time.perf_counter()
    theirs = DCRBaselineProtection.compute_breakdown(real, fake, metadata, None)
    theirs_s = time.perf_counter() - started
    started = time.perf_counter()
    ours = dcr_baseline_protection(real, fake, metadata, seed=0)
    ours_s = time.perf_counter() - started

    medians = theirs["median_DCR_to_real_data"]
    score_diff = abs(ours.score - theirs["score"])
    median_diff = abs(ours.median_dcr_synthetic - medians["synthetic_data"])
    speedup = theirs_s / ours_s
    print(f"DCRBaselineProtection on {DCR_SAMPLE_ROWS} x {DCR_SAMPLE_ROWS} rows:")
    print(f"  SDMetrics score {theirs['score']:.4f} in {theirs_s:.2f} s")
    print(f"  ours      score {ours.score:.4f} in {ours_s:.3f} s")
    print(
        f"  score difference {score_diff:.4f} (tolerance {SCORE_TOLERANCE}: "
        f"{'met' if score_diff <= SCORE_TOLERANCE else 'MISSED'})"
    )
    print(
        f"  synthetic median DCR: SDMetrics {medians['synthetic_data']:.6f}, ours "
        f"{ours.median_dcr_synthetic:.6f}, difference {median_diff:.2e} "
        f"(tolerance {MEDIAN_TOLERANCE:g}: "
        f"{'met' if median_diff <= MEDIAN_TOLERANCE else 'MISSED'})"
    )
    print(
        f"  random-baseline median DCR: SDMetrics {medians['random_data_baseline']:.4f}, "
        f"ours {ours.median_dcr_random:.4f}"
    )
    print(
        f"  speed ratio SDMetrics/ours: {speedup:.0f}x (target >= {SPEEDUP_TARGET:.0f}x: "
        f"{'met' if speedup >= SPEEDUP_TARGET else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
