"""Issue 15's measured targets: the causes of low quality, each fixed by a rule any table gets.

Each test trains on a public table of the corpus as a user's job would (ingested and typed
as an upload, trained and sampled in the workers' child processes) and asserts what a user
comparing the real and synthetic columns would notice. `bench/bench_corpus.py` measures
the same causes over the whole corpus.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from scipy.stats import ks_2samp

from services.evaluation.report import ReportOptions, build_report
from tests.corpus import shared_tables
from tests.services.training.faithful_world import Ingested, ingested, sample, train


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("quality")


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
    from services.training.engines.runner import warm_up

    assert warm_up() == [
        "torch",
        "services.training.engines.sdv_engines",
        "services.training.engines.argn_engine",
        "services.training.engines.sampling",
    ]
