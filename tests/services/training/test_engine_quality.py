"""The causes of low quality found on the public corpus, each fixed by a rule any table gets.

Each test trains on a public table of the corpus as a user's job would (ingested and typed
as an upload, trained and sampled in the workers' child processes) and asserts what a user
comparing the real and synthetic columns would notice. `bench/bench_corpus.py` measures
the same causes over the whole corpus.
"""

from __future__ import annotations

import json
import time

import pandas as pd
import pytest
from scipy.stats import ks_2samp

from services.evaluation.report import ReportOptions, build_report
from services.training.engines import TrainParams, get_engine, run_training
from services.training.engines.supervisor import warm_up
from tests.corpus import shared_tables
from tests.services.training.faithful_world import Ingested, ingested, sample, train


@pytest.fixture(scope="module")
def glass(work) -> Ingested:
    return ingested(shared_tables()["glass"], work)


def _privacy(table: Ingested, synthetic: pd.DataFrame):
    holdout = table.frame.sample(frac=0.2, random_state=0)
    options = ReportOptions(sample_rows=2_000, privacy_sample_rows=2_000)
    report = build_report(
        table.frame.drop(holdout.index), holdout, synthetic, table.metadata, options
    )
    return report.privacy


def test_gaussian_copula_keeps_spikes_of_zeros_and_their_share(glass, work):
    # Glass's barium (column_8) is 0 in 82 % of the rows, iron (column_9) in 67 %, magnesium
    # (column_3) in 20 %. A beta marginal spread these spikes into a smear of small positive
    # values (KS complement 0.16-0.70 per column); the empirical marginal keeps them.
    synthetic = pd.read_parquet(sample(train(glass, "gaussian_copula", work), 2_000, work))
    real = glass.frame
    for column in ("column_3", "column_8", "column_9"):
        real_zeros, fake_zeros = (real[column] == 0).mean(), (synthetic[column] == 0).mean()
        assert abs(fake_zeros - real_zeros) < 0.06, (column, real_zeros, fake_zeros)
        assert ks_2samp(real[column], synthetic[column]).statistic < 0.12, column
        # Nothing outside the real range, even with bounds not enforced by the sampler.
        assert synthetic[column].between(real[column].min(), real[column].max()).all()
    # The rows are new: no more copies of real rows than a real holdout has.
    privacy = _privacy(glass, synthetic)
    assert privacy.exact_copy_excess == 0.0
    assert privacy.verdict != "fail"


def test_argn_cuts_a_small_tables_numbers_into_bins_of_ten_rows_or_more(glass, tmp_path):
    # mostlyai cut glass's refractive index, sodium, silicon and calcium into 100 quantile
    # bins each, on 170 training rows: a row or two a bin. The model saved with the job
    # holds the bins it samples from; from 1,250 rows a table keeps mostlyai's 100.
    import mostlyai.engine._encoding_types.tabular.numeric as mostly_numeric

    from services.training.engines import argn_engine

    spec = get_engine("tabular_argn")
    params = TrainParams.build(spec, seed=1, epochs=1, options={"model_size": "small"})
    engine = spec.create()
    engine.fit(glass.frame, glass.metadata, params, lambda _: None)
    engine.save(tmp_path)
    stats = json.loads((tmp_path / "ModelStore" / "tgt-stats" / "stats.json").read_text())
    bins = {
        name: len(column["bins"]) - 1
        for name, column in stats["columns"].items()
        if column["encoding_type"] == "TABULAR_NUMERIC_BINNED"
    }
    training_rows = round(0.8 * len(glass.frame))
    assert bins and max(bins.values()) == training_rows // 10, bins
    # The next table a process analyzes gets mostlyai's own cap again.
    assert mostly_numeric.NUMERIC_BINNED_MAX_BINS == 100
    assert argn_engine._max_bins(1_250) == argn_engine._max_bins(13_019) == 100
    assert argn_engine._max_bins(20) == 10


def _strong_correlations(real: pd.DataFrame, synthetic: pd.DataFrame) -> float:
    """How much of the real table's strong correlations (|r| > 0.5) the synthetic rows keep:
    the sum of their |r| in the synthetic rows over the sum in the real ones."""
    numbers = [c for c in real.columns if pd.api.types.is_float_dtype(real[c])]
    real_r = real[numbers].corr()
    fake_r = synthetic[numbers].astype(float).corr()
    pairs = [
        (a, b)
        for i, a in enumerate(numbers)
        for b in numbers[i + 1 :]
        if abs(real_r.loc[a, b]) > 0.5
    ]
    assert len(pairs) >= 10, pairs
    return sum(abs(fake_r.loc[a, b]) for a, b in pairs) / sum(
        abs(real_r.loc[a, b]) for a, b in pairs
    )


def test_argn_keeps_how_a_small_tables_numbers_go_together(work):
    # Housing (506 rows): rooms and price, nitric oxides and distance to jobs, ... are
    # strongly correlated (|r| 0.5-0.77 on 22 pairs). Trained in random column orders only,
    # ARGN's rows kept 0.31 of those correlations (rooms/price 0.70 -> -0.04): each column
    # on its own right, the columns drawn almost independently. With half the batches in the
    # table's own order (`natural_order_share`) they keep about twice as much; any column
    # can still be given.
    housing = ingested(shared_tables()["housing"], work)
    spec = get_engine("tabular_argn")
    engine = spec.create()
    params = TrainParams.build(spec, seed=1, options={"natural_order_share": 0.5})
    engine.fit(housing.frame, housing.metadata, params, lambda _: None)
    synthetic = engine.sample(len(housing.frame), seed=2)
    assert _strong_correlations(housing.frame, synthetic) > 0.45
    # Rows given a column in the middle of the table (highway access, `column_9`).
    given = engine.sample(20, seed=3, conditions={"column_9": 24})
    assert (given["column_9"].astype(int) == 24).all()
    assert given.drop(columns="column_9").notna().all().all()


def test_argn_samples_as_its_sampling_options_say_after_it_is_saved(glass, tmp_path):
    # A model trained with sampling_top_p keeps it: a generate job (the model loaded in
    # another process) draws only the likeliest classes of glass's label, not all six.
    spec = get_engine("tabular_argn")
    classes = {}
    for top_p in (1.0, 0.1):
        options = {"model_size": "small", "sampling_top_p": top_p}
        engine = spec.create()
        engine.fit(
            glass.frame,
            glass.metadata,
            TrainParams.build(spec, seed=1, epochs=3, options=options),
            lambda _: None,
        )
        engine.save(tmp_path / str(top_p))
        loaded = type(engine).load(tmp_path / str(top_p))
        classes[top_p] = loaded.sample(500, seed=2)["column_10"].nunique()
    assert classes[0.1] < classes[1.0], classes


class _Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


def test_argn_stops_before_a_step_would_end_past_the_deadline(monkeypatch):
    # TabularARGN's progress hook stops training; a user's budget holds when it stops before
    # the step under way would end past the deadline, however slow the machine has become.
    # (A fake clock: the rule is checked without timing anything.)
    from services.training.engines import argn_engine

    clock = _Clock()
    monkeypatch.setattr(argn_engine.time, "monotonic", clock)
    deadline = clock.now + 60.0
    hook = argn_engine._TrainingProgress(lambda _: None, 100, deadline=deadline)
    steps_per_epoch, answers, step = 10, [], 0
    while not answers or answers[-1] is None:
        step += 1
        # One second a step, then the machine gets busier: 4 s a step from step 30 on.
        clock.now += 1.0 if step < 30 else 4.0
        epoch = step / steps_per_epoch
        answers.append(hook(total=1000, completed=step, message={"epoch": epoch}))
    assert answers[-1] == {"stopExecution": True}
    # The last step ended before the deadline, and the next (4 s) would not have fitted.
    assert clock.now < deadline <= clock.now + 4.0


def test_argn_trains_one_epoch_even_when_the_deadline_has_passed(monkeypatch):
    from services.training.engines import argn_engine

    clock = _Clock()
    monkeypatch.setattr(argn_engine.time, "monotonic", clock)
    hook = argn_engine._TrainingProgress(lambda _: None, 100, deadline=clock.now - 1.0)
    answers = []
    for step in range(1, 11):
        clock.now += 1.0
        answers.append(hook(total=100, completed=step, message={"epoch": step / 10}))
    assert answers[:-1] == [None] * 9
    assert answers[-1] == {"stopExecution": True}
    assert hook.last_epoch == 1.0


def test_warm_up_returns_once_an_engine_child_starts_with_the_engines_imported():
    # A worker warms up before it takes jobs; the first job's time budget then goes to
    # training, not to the fork server importing torch, SDV and mostlyai-engine.
    from services.training.engines import preload
    from services.training.engines.supervisor import warm_up

    # Every module of the preload list is already imported in an engine child, the
    # relational engines included.
    assert warm_up() == preload.MODULES
    assert {"torch", "services.training.engines.sdv_relational"} <= set(preload.MODULES)


# Slow: it measures wall time against the 10 % budget target, which a busy CI machine
# can stretch whatever the code does; `make test-slow` runs it, bench_corpus.py reports the
# budget ratio of every table.
@pytest.mark.slow
def test_argn_holds_its_time_budget_within_ten_percent_on_a_small_table(work):
    # Once, on ecoli (277 rows) a 120 s job took 1.4x its budget, haberman 2.05x. Most
    # of the overrun came after the training loop: mostlyai runs five full garbage
    # collections after `train`, and they walked the fork server's whole heap (torch, SDV,
    # ~500,000 objects). The budget covers the whole training step as a job sees it, from
    # the call to the artifact on disk, on this (shared, busy) machine.
    warm_up()  # as a worker does before it takes jobs
    ecoli = ingested(shared_tables()["ecoli"], work)
    spec = get_engine("tabular_argn")
    # Enough epochs, and a budget short enough, that ARGN's own early stopping does not end
    # it first: it stops ecoli after about 27 epochs, which took 12.6 s at load 2 (a 20 s
    # budget was never reached there); 8 s is about 17 epochs on a quiet machine.
    budget = 8.0
    params = TrainParams.build(spec, seed=1, epochs=100_000, time_budget_seconds=budget)
    started = time.monotonic()
    result = run_training(spec, ecoli.parquet, ecoli.metadata, params, work / "ecoli.tar.gz")
    elapsed = time.monotonic() - started
    assert result.metrics["stopped_by_budget"]
    assert result.metrics["epochs_run"] >= 1
    assert elapsed <= 1.10 * budget, f"{elapsed:.1f} s for a {budget:.0f} s budget"
    assert (work / "ecoli.tar.gz").stat().st_size > 0
