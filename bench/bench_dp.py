"""Differential privacy on adult: what a privacy budget costs in quality, and what it buys
against a membership-inference attack.

`tabular_argn` is trained on 80 % of adult-train (the same split and the same time budget for
every run) without DP and with epsilon = 1, 5 and 10, through the real child-process runner;
each model generates as many rows as it learned from, and the platform's own report scores
them against the 20 % held out: SDMetrics quality, and the membership-inference AUC of the
distance-threshold attack (0.5 = the attacker learns nothing). Quality is also given as a
ratio of the run without DP, measured in the same process.

    nice -n 10 .venv/bin/python bench/bench_dp.py --budget 120
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.evaluation.report import build_report  # noqa: E402
from services.training.engines import TrainParams, get_engine  # noqa: E402
from services.training.engines.runner import run_sampling, run_training  # noqa: E402
from tests import adult  # noqa: E402


def metadata_of(table: pd.DataFrame) -> dict:
    columns = {
        name: {"sdtype": "categorical" if table[name].dtype == object else "numerical"}
        for name in table.columns
    }
    return {"columns": columns, "target_column": "income"}


def run(epsilon: float | None, budget: float, work: Path, train: pd.DataFrame, holdout):
    dp = None if epsilon is None else {"epsilon": epsilon}
    params = TrainParams.build(
        get_engine("tabular_argn"), time_budget_seconds=budget, seed=7, differential_privacy=dp
    )
    artifact = work / f"argn-{epsilon}.tar.gz"
    started = time.monotonic()
    fitted = run_training("tabular_argn", work / "train.parquet", {}, params, artifact)
    fit_seconds = time.monotonic() - started
    out = run_sampling(artifact, len(train), seed=1, out_path=work / f"s-{epsilon}.parquet").path
    report = build_report(train, holdout, pd.read_parquet(out), metadata_of(train))
    spent = fitted.metrics.get("privacy_spent") or {}
    return {
        "epsilon budget": "none" if epsilon is None else f"{epsilon:g}",
        "epsilon spent": f"{spent['epsilon']:.2f}" if spent else "-",
        "epochs": fitted.metrics.get("epochs_run"),
        "fit s": round(fit_seconds, 1),
        "quality": round(report.quality.overall_score, 3),
        "MIA AUC": round(report.privacy.mia_auc, 3),
        "DCR share": round(report.privacy.dcr_share_closer_to_train, 3),
        "verdict": report.privacy.verdict,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=float, default=120, help="training seconds per run")
    parser.add_argument("--epsilons", default="none,1,5,10")
    args = parser.parse_args()
    table = adult.frame()
    train = table.sample(frac=0.8, random_state=0)
    holdout = table.drop(train.index)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        train.to_parquet(work / "train.parquet", index=False)
        for text in args.epsilons.split(","):
            epsilon = None if text == "none" else float(text)
            rows.append(run(epsilon, args.budget, work, train, holdout))
            print(rows[-1], flush=True)
    result = pd.DataFrame(rows)
    baseline = result.loc[result["epsilon budget"] == "none", "quality"]
    if not baseline.empty:
        result["quality x no DP"] = (result["quality"] / baseline.iloc[0]).round(3)
    print(f"\ntabular_argn on adult, {args.budget:g} s budget per run")
    print(result.to_string(index=False))


if __name__ == "__main__":
    main()
