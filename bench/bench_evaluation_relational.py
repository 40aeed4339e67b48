"""Benchmark of the report of several tables and of sequences, with the service's default
options.

1. states → airports (tests/relational_data.py: 28 + 1,972 train rows, 28 + 1,392 holdout
   rows), synthetic = the holdout states resampled with their airports: the whole relational
   report, against the single-table report of the airports table alone (the baseline, same
   run, same rows).
2. Monthly temperature sequences (60 train, 60 holdout months): the whole report with
   sequence metrics, against the single-table report of the same rows.

Prints seconds, the ratio to the baseline and each report's headline numbers.
Run: nice -n 10 .venv/bin/python bench/bench_evaluation_relational.py
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.evaluation.report import ReportOptions, build_report  # noqa: E402
from services.evaluation.report.relational import (  # noqa: E402
    build_relational_report,
    table_metadata,
)
from tests import relational_data  # noqa: E402

REPORT_TARGET_S = 30.0
T = TypeVar("T")


def timed(function: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def bench(split: relational_data.Split, baseline_table: str) -> None:
    options = ReportOptions()
    synthetic = relational_data.resampled_families(split, split.holdout)
    report, seconds = timed(
        lambda: build_relational_report(
            split.train, split.holdout, synthetic, split.metadata, split.schema, options
        )
    )
    spec = split.schema.table(baseline_table)
    metadata = table_metadata(split.schema, spec, split.metadata[baseline_table])
    _, baseline = timed(
        lambda: build_report(
            split.train[baseline_table],
            split.holdout[baseline_table],
            synthetic[baseline_table],
            metadata,
            options,
        )
    )
    rows = sum(len(frame) for frame in split.train.values())
    print(f"\n{', '.join(t.name for t in split.schema.order())}: {rows:,} train rows")
    print(
        f"  report {seconds:.2f} s (target <= {REPORT_TARGET_S:.0f} s); single-table report "
        f"of {baseline_table} {baseline:.2f} s; ratio {seconds / baseline:.2f}x"
    )
    print(f"  overall score {report.overall_score:.3f}, privacy {report.privacy_verdict}")
    for table in report.tables:
        print(f"  table {table.name}: quality {table.quality_score:.3f}")
    for link in report.links:
        print(
            f"  link {link.child_table}.{link.child_column} -> {link.parent_table}: integrity "
            f"{link.integrity.share:.3f}, cardinality {link.cardinality.score:.3f}, "
            f"cross-link correlations {link.correlation_score:.3f}"
        )
    if report.sdmetrics is not None:
        quality = report.sdmetrics
        print(
            f"  SDMetrics multi-table: overall {quality.overall_score:.3f}, cardinality "
            f"{quality.cardinality:.3f}, intertable trends {quality.intertable_trends:.3f}"
        )
    for item in report.sequences:
        auto = ", ".join(
            f"{a.column} {a.real_mean:.2f} vs {a.synthetic_mean:.2f} ({a.score:.2f})"
            for a in item.autocorrelation
        )
        print(
            f"  sequences {item.table}: score {item.score:.3f}, length {item.length.score:.3f}, "
            f"gaps {item.gaps.score if item.gaps else float('nan'):.3f}, lag-1 autocorrelation "
            f"{auto}, steps {item.step_score:.3f}, privacy "
            f"{item.privacy.verdict if item.privacy else '-'}"
        )


def main() -> None:
    warnings.simplefilter("ignore")
    bench(relational_data.airports(), "airports")
    bench(relational_data.temperatures(), "temperatures")


if __name__ == "__main__":
    main()
