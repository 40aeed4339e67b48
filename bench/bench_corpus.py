"""Every engine on every table of the corpus, through the workers' runner.

Each table is ingested and typed as an upload is (`services.datasets.ingest`), split into
train and holdout as the datasets service splits it, trained on the train split with the
real child-process runner (`run_training`), sampled (`run_sampling`, bounds on, as a
generate job) to as many rows as the train split, and evaluated with the report the
evaluation service writes (`build_report`). Per (table, engine) it prints: quality
(overall, column shapes, pair trends), diagnostic, utility (target, task, the main
metric's synthetic/real ratio), privacy verdict, and what a user would spot in the rows:
placeholder tokens, numbers or dates outside the real range, category values the real
column does not have.

Targets: mean quality of `tabular_argn` >= 0.90 and `gaussian_copula` >= 0.85 over the
shared corpus; 0 placeholders, 0 invented categories, 0 out of range, every date in range;
diagnostic 1.0 for every engine.

    nice -n 10 .venv/bin/python bench/bench_corpus.py --engines gaussian_copula,tabular_argn
    nice -n 10 .venv/bin/python bench/bench_corpus.py --engines ctgan --tables glass,haberman
    .venv/bin/python bench/bench_corpus.py --summary   # the table from results so far

Results are appended to `--results` (JSON lines), one line per (table, engine, mode); a run
skips what is already there, so a long benchmark can be resumed.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import fsspec
import pandas as pd
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "gen"))

from services.datasets.ingest import infer_metadata, ingest, split_holdout  # noqa: E402
from services.evaluation.report import ReportOptions, build_report  # noqa: E402
from services.training.engines import TrainParams, get_engine  # noqa: E402
from services.training.engines.runner import run_sampling, run_training  # noqa: E402
from services.training.engines.supervisor import warm_up  # noqa: E402
from tests.corpus import EXTRA_TABLES, shared_tables  # noqa: E402

ENGINES = ("gaussian_copula", "ctgan", "tvae", "copulagan", "tabular_argn")
PLACEHOLDER = re.compile(r"_RARE_|^mostly[0-9a-f]|^sdv-(id|pii)-", re.IGNORECASE)
DEFAULT_RESULTS = ROOT / "bench" / "results" / "corpus.jsonl"


@dataclass
class Result:
    table: str
    engine: str
    mode: str
    rows: int
    fit_seconds: float
    epochs: int | None
    quality: float | None
    shapes: float | None
    pairs: float | None
    diagnostic: float | None
    target: str | None
    task: str | None
    utility_ratio: float | None
    privacy: str
    placeholders: int
    out_of_range: int
    invented: int
    dates_in_range: bool
    note: str | None = None
    # Privacy figures behind the verdict (share of synthetic rows closer to training than to
    # holdout rows; copies of training rows beyond the holdout's own copy rate; membership-
    # inference AUC; largest PII replay share), so that a change can show them before/after.
    dcr_share: float | None = None
    copy_excess: float | None = None
    mia_auc: float | None = None
    pii_replay: float | None = None
    # The whole training step as a job sees it (child process start, reading the table,
    # fitting, writing the artifact) against the budget: within 10 % means <= 1.10.
    budget: float | None = None
    budget_ratio: float | None = None
    options: dict[str, Any] | None = None


@dataclass
class Table:
    name: str
    train: pd.DataFrame
    holdout: pd.DataFrame
    metadata: dict[str, Any]
    train_path: Path


def load(name: str, source: Path, work: Path) -> Table:
    fs = fsspec.filesystem("file")
    paths = {split: work / f"{name}-{split}.parquet" for split in ("all", "train", "holdout")}
    result = ingest(lambda: source.open("rb"), fs=fs, out_path=str(paths["all"]))
    split_holdout(fs, str(paths["all"]), str(paths["train"]), str(paths["holdout"]), 0.2, 0)
    frame = pq.read_table(paths["all"]).to_pandas()
    formats = {c.name: c.datetime_format for c in result.columns if c.datetime_format}
    inferred = infer_metadata(frame, row_count=len(frame), datetime_formats=formats)
    metadata = {
        "columns": {n: c.model_dump(exclude_none=True) for n, c in inferred.columns.items()},
        "primary_key": inferred.primary_key,
        "target_column": inferred.target_column,
    }
    return Table(
        name,
        pq.read_table(paths["train"]).to_pandas(),
        pq.read_table(paths["holdout"]).to_pandas(),
        metadata,
        paths["train"],
    )


def defects(table: Table, synthetic: pd.DataFrame) -> tuple[int, int, int, bool]:
    """Placeholders, values out of the real range, invented categories, dates in range."""
    placeholders = out_of_range = invented = 0
    dates_ok = True
    for name, spec in table.metadata["columns"].items():
        real, fake = table.train[name], synthetic[name]
        if fake.dtype == object:
            placeholders += int(fake.dropna().astype(str).str.contains(PLACEHOLDER).sum())
        sdtype = spec.get("sdtype")
        if sdtype == "numerical":
            numbers = pd.to_numeric(fake, errors="coerce").dropna()
            out_of_range += int(((numbers < real.min()) | (numbers > real.max())).sum())
        elif sdtype == "datetime":
            stamps = pd.to_datetime(fake, errors="coerce").dropna()
            real_stamps = pd.to_datetime(real, errors="coerce").dropna()
            outside = int(((stamps < real_stamps.min()) | (stamps > real_stamps.max())).sum())
            out_of_range += outside
            dates_ok = dates_ok and outside == 0 and stamps.nunique() > 1
        elif sdtype in ("categorical", "boolean"):
            known = set(real.dropna().astype(str))
            invented += int((~fake.dropna().astype(str).isin(known)).sum())
    return placeholders, out_of_range, invented, dates_ok


def run_one(
    table: Table,
    engine: str,
    mode: str,
    budget: float | None,
    work: Path,
    threads: int | None,
    options: dict[str, Any] | None = None,
    batch_size: int | None = None,
    seed: int = 1,
    keep: Path | None = None,
) -> Result:
    spec = get_engine(engine)
    params = TrainParams.build(
        spec, seed=seed, time_budget_seconds=budget, options=options, batch_size=batch_size
    )
    artifact = work / f"{table.name}-{engine}-{mode}.tar.gz"
    started = time.monotonic()
    fitted = run_training(
        engine, table.train_path, table.metadata, params, artifact, threads=threads
    )
    fit_seconds = time.monotonic() - started
    out = work / f"{table.name}-{engine}-{mode}.parquet"
    run_sampling(artifact, len(table.train), seed=seed + 1, out_path=out, threads=threads)
    synthetic = pd.read_parquet(out)
    report_options = ReportOptions(sample_rows=10_000, privacy_sample_rows=20_000)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = build_report(table.train, table.holdout, synthetic, table.metadata, report_options)
    utility = report.utility
    ratio = None
    if utility is not None:
        main = "r2" if utility.task == "regression" else "roc_auc"
        ratio = next((m.ratio for m in utility.metrics if m.name == main), None)
    placeholders, out_of_range, invented, dates_ok = defects(table, synthetic)
    quality = report.quality
    if keep is not None:
        _keep(keep / f"{table.name}-{engine}-{mode}", synthetic, quality)
    privacy = report.privacy
    return Result(
        table=table.name,
        engine=engine,
        mode=mode,
        rows=len(table.train),
        fit_seconds=round(fit_seconds, 1),
        epochs=fitted.metrics.get("epochs_run"),
        quality=quality.overall_score,
        shapes=quality.column_shapes,
        pairs=quality.column_pair_trends,
        diagnostic=quality.diagnostic_score,
        target=report.target_column,
        task=utility.task if utility else None,
        utility_ratio=ratio,
        privacy=privacy.verdict,
        placeholders=placeholders,
        out_of_range=out_of_range,
        invented=invented,
        dates_in_range=dates_ok,
        note=fitted.metrics.get("note"),
        dcr_share=privacy.dcr_share_closer_to_train,
        copy_excess=privacy.exact_copy_excess,
        mia_auc=privacy.mia_auc,
        pii_replay=privacy.pii_replay_share,
        budget=budget,
        budget_ratio=None if budget is None else round(fit_seconds / budget, 3),
        options=options or None,
    )


def _keep(stem: Path, synthetic: pd.DataFrame, quality: Any) -> None:
    """The synthetic rows (Parquet) and the report's score per column and per column pair
    (JSON), to look at what a score penalises."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    synthetic.to_parquet(stem.with_suffix(".parquet"))
    details = {
        "shapes": [d.model_dump() for d in quality.column_shape_details],
        "pairs": [d.model_dump() for d in quality.column_pair_details],
    }
    stem.with_suffix(".json").write_text(json.dumps(details, indent=1))


def _done(path: Path) -> set[tuple[str, str, str]]:
    if not path.exists():
        return set()
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return {(r["table"], r["engine"], r["mode"]) for r in lines}


def _fmt(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _ratio(r: Result) -> str:
    return "-" if r.budget_ratio is None else f"{r.budget_ratio:.2f}"


def summary(path: Path) -> None:
    latest = {}
    for line in path.read_text().splitlines():
        if line.strip():
            result = Result(**json.loads(line))
            latest[(result.table, result.engine, result.mode)] = result
    rows = list(latest.values())
    shared = set(shared_tables())
    print(
        "| table | engine | mode | rows | fit s | elapsed / budget | epochs | quality | shapes "
        "| pairs | diagnostic | target (task) | utility ratio | privacy | DCR share "
        "| copies beyond holdout | MIA AUC | placeholders | out of range | invented "
        "| dates in range |"
    )
    print("|" + " --- |" * 21)
    for r in sorted(
        rows, key=lambda r: (r.table not in shared, r.table, ENGINES.index(r.engine), r.mode)
    ):
        target = f"{r.target} ({r.task})" if r.target else "-"
        print(
            f"| {r.table} | {r.engine} | {r.mode} | {r.rows:,} | {r.fit_seconds:,.0f} "
            f"| {_ratio(r)} | {r.epochs if r.epochs is not None else '-'} | {_fmt(r.quality)} "
            f"| {_fmt(r.shapes)} | {_fmt(r.pairs)} | {_fmt(r.diagnostic)} | {target} "
            f"| {_fmt(r.utility_ratio, 2)} | {r.privacy} | {_fmt(r.dcr_share, 2)} "
            f"| {_fmt(r.copy_excess, 3)} | {_fmt(r.mia_auc, 2)} | {r.placeholders} "
            f"| {r.out_of_range} | {r.invented} | {'yes' if r.dates_in_range else 'NO'} |"
        )
    print("\nOver the shared corpus, per engine and mode:")
    for engine in ENGINES:
        for mode in sorted({r.mode for r in rows if r.engine == engine}):
            mine = [r for r in rows if (r.engine, r.mode) == (engine, mode) and r.table in shared]
            scored = [r.quality for r in mine if r.quality is not None]
            if not scored:
                continue
            ratios = [r.budget_ratio for r in mine if r.budget_ratio is not None]
            worst = f"  max elapsed/budget {max(ratios):.2f}" if ratios else ""
            print(
                f"  {engine:16} {mode:10} {len(scored):2} tables  "
                f"mean quality {sum(scored) / len(scored):.3f}  "
                f"min diagnostic {min(r.diagnostic or 0 for r in mine):.3f}  "
                f"placeholders {sum(r.placeholders for r in mine)}  "
                f"out of range {sum(r.out_of_range for r in mine)}  "
                f"invented {sum(r.invented for r in mine)}  "
                f"dates in range {all(r.dates_in_range for r in mine)}  "
                f"privacy {sum(r.privacy == 'pass' for r in mine)} pass{worst}"
            )


def _option(text: str) -> tuple[str, Any]:
    name, _, value = text.partition("=")
    try:
        return name, json.loads(value)
    except json.JSONDecodeError:
        return name, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--tables", default="", help="comma-separated names (default: all)")
    parser.add_argument("--extra", action="store_true", help="also cars, airports, customers")
    parser.add_argument("--budget", type=float, default=120.0, help="time budget in seconds")
    parser.add_argument(
        "--budget-engines",
        default="tabular_argn",
        help="engines trained with --budget (mode 'budget'); the others run at their defaults",
    )
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        type=_option,
        help="engine option NAME=VALUE (JSON or text), e.g. default_distribution=beta; "
        "repeatable; give --mode too, so the runs are kept apart",
    )
    parser.add_argument(
        "--batch-size",
        type=int,
        default=0,
        help="batchSize for the engines (0: each engine's own choice); give --mode too",
    )
    parser.add_argument(
        "--seed",
        type=int,
        default=1,
        help="training seed (sampling uses seed + 1); a run that ends by early stopping gives "
        "the same rows for the same seed, so another seed is how to see the noise; give --mode too",
    )
    parser.add_argument("--mode", default="", help="label for these runs (default: the mode)")
    parser.add_argument("--results", type=Path, default=DEFAULT_RESULTS)
    parser.add_argument(
        "--keep",
        type=Path,
        default=None,
        help="folder to keep each run's synthetic rows (Parquet) and the report's per-column "
        "and per-pair scores (JSON) in, to look at the rows behind a score",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="torch threads per engine (0: all cores, as TRAINING_ENGINE_THREADS=0); on a "
        "machine shared with other work, 1 avoids OpenMP threads spinning against each other",
    )
    parser.add_argument("--summary", action="store_true", help="print the table and stop")
    args = parser.parse_args()
    if args.summary:
        summary(args.results)
        return
    args.results.parent.mkdir(parents=True, exist_ok=True)
    done = _done(args.results)
    # The fork server imports torch, SDV and mostlyai once; its start is no engine's time.
    warm_up()
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        work = Path(tmp)
        sources = dict(shared_tables())
        if args.extra:
            sources |= {name: make(work / f"{name}.csv") for name, make in EXTRA_TABLES.items()}
        wanted = [t for t in args.tables.split(",") if t] or list(sources)
        for name in wanted:
            table = load(name, sources[name], work)
            for engine in args.engines.split(","):
                budgeted = engine in args.budget_engines.split(",")
                mode = args.mode or ("budget" if budgeted else "defaults")
                if (name, engine, mode) in done:
                    continue
                result = run_one(
                    table,
                    engine,
                    mode,
                    args.budget if budgeted else None,
                    work,
                    args.threads or None,
                    dict(args.option),
                    args.batch_size or None,
                    args.seed,
                    args.keep,
                )
                print(json.dumps(asdict(result)), flush=True)
                with args.results.open("a") as sink:
                    sink.write(json.dumps(asdict(result)) + "\n")
    summary(args.results)


if __name__ == "__main__":
    main()
