"""Pairs of category values the real rows almost never have, though the columns' shares would
pair them often, are never generated, and the report says how many synthetic rows have one.

A user generated 2,000 rows of adult with gaussian_copula and saw at once a woman who is a
husband: 262 of them, and 58 men who are wives. One of adult's 13,193 husbands is a woman
(independence would give 4,364), so the rule that wanted no real row at all let them through.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from common.contracts.combinations import ImpossibleCombinations, mend_rows
from services.evaluation.report import ReportOptions, build_report, render_html
from services.training.engines.trainset import stream_profile
from tests.corpus import shared_tables
from tests.services.training.faithful_world import Ingested, ingested, sample, train, unmended


def _columns(adult: Ingested) -> tuple[str, str, str]:
    names = list(adult.frame.columns)
    return names[5], names[7], names[9]  # marital-status, relationship, sex


def _odd_spouses(rows: pd.DataFrame, adult: Ingested) -> int:
    """Husbands who are women and wives who are men."""
    _, relationship, sex = _columns(adult)
    woman_husband = (rows[relationship] == "Husband") & (rows[sex] == "Female")
    man_wife = (rows[relationship] == "Wife") & (rows[sex] == "Male")
    return int((woman_husband | man_wife).sum())


def _shares_moved(rows: pd.Series, real: pd.Series) -> float:
    shares = rows.value_counts(normalize=True).sub(real.value_counts(normalize=True), fill_value=0)
    return float(shares.abs().sum() / 2)


def _report(adult: Ingested, synthetic: pd.DataFrame):
    holdout = adult.frame.sample(n=3_000, random_state=0)
    options = ReportOptions(sample_rows=1_000, privacy_sample_rows=300, utility_sample_rows=2_000)
    train_rows = adult.frame.drop(holdout.index)
    return build_report(train_rows, holdout, synthetic, adult.metadata, options)


@pytest.fixture(scope="module")
def adult_slice(work) -> Ingested:
    """adult's first 5,000 rows (tabular_argn learns the whole table in minutes here)."""
    lines = shared_tables()["adult-train"].read_text().splitlines(keepends=True)
    path = work / "adult-5000.csv"
    path.write_text("".join(lines[:5_000]))
    return ingested(path, work)


@pytest.mark.parametrize("engine", ["gaussian_copula", "tabular_argn"])
def test_no_engine_writes_a_woman_husband_or_a_man_wife(engine, adult, adult_slice, work):
    # tabular_argn wrote 210 women husbands and 47 men wives in 2,000 rows of the whole table.
    if engine == "tabular_argn":
        adult = adult_slice
    _, relationship, sex = _columns(adult)
    profile, _ = stream_profile(adult.parquet, adult.metadata)
    found = {p.columns: set(p.combinations) for p in profile.impossible_combinations}
    assert found[(relationship, sex)] == {("Husband", "Female"), ("Wife", "Male")}
    trained = train(adult, engine, work)
    rows = pd.read_parquet(sample(trained, 2_000, work))
    assert _odd_spouses(rows, adult) == 0
    marital = _columns(adult)[0]
    assert not ((rows[marital] == "Married-civ-spouse") & (rows[relationship] == "Unmarried")).any()
    # Mending swaps values between rows: each column keeps about its real shares.
    for column in (relationship, sex):
        assert _shares_moved(rows[column], adult.frame[column]) < 0.05, column
    if engine == "gaussian_copula":
        assert _odd_spouses(unmended(trained, 2_000), adult) > 100  # what the user saw


def test_the_report_gives_a_verdict_on_pairs_the_real_rows_almost_never_have(adult, work):
    trained = train(adult, "gaussian_copula", work)
    raw = unmended(trained, 2_000)
    report = _report(adult, raw)
    verdict = report.combination_verdict
    assert verdict is not None and verdict.verdict == "fail"
    assert verdict.rows >= _odd_spouses(raw, adult) > 100
    assert verdict.share == pytest.approx(verdict.rows / 2_000)
    assert verdict.holdout_share is not None and verdict.holdout_share < 0.001
    assert verdict.summary.startswith(f"fail: {verdict.rows:,} of 2,000 synthetic rows")
    assert verdict.summary.endswith("(real holdout: 0.07%)")  # 2 of 3,000 real rows
    checks = {c.description: c for c in report.impossible_combinations}
    _, relationship, sex = _columns(adult)
    pair = checks[f"{relationship} & {sex}"]
    assert sorted(pair.combinations) == ["Husband, Female", "Wife, Male"]
    assert pair.violation_count == _odd_spouses(raw, adult)
    page = render_html(report)
    assert "Impossible combinations" in page and '<span class="badge fail">fail</span>' in page

    mended = pd.read_parquet(sample(trained, 2_000, work))
    verdict = _report(adult, mended).combination_verdict
    assert verdict is not None and (verdict.verdict, verdict.rows) == ("pass", 0)
    assert verdict.summary.startswith("pass: 0 of 2,000 synthetic rows (0.00%)")


def test_the_real_rows_themselves_pass():
    # The verdict's false alarm: adult's published test rows, against the training rows' rule.
    train_csv, test_csv = shared_tables()["adult-train"], shared_tables()["adult-test"]
    names = [f"c{i}" for i in range(15)]
    read = {"header": None, "names": names, "skipinitialspace": True, "na_values": "?"}
    real, other = pd.read_csv(train_csv, **read), pd.read_csv(test_csv, **read)
    metadata = {
        "columns": {
            name: {"sdtype": "categorical" if real[name].dtype == object else "numerical"}
            for name in names
        }
    }
    options = ReportOptions(sample_rows=1_000, privacy_sample_rows=300, utility_sample_rows=2_000)
    holdout = real.sample(n=3_000, random_state=1)
    report = build_report(real.drop(holdout.index), holdout, other, metadata, options)
    verdict = report.combination_verdict
    assert verdict is not None and verdict.verdict == "pass"
    assert verdict.share < 0.001  # 1 of 16,281 test rows: a man who is a wife


def test_a_rare_pair_is_never_drawn_again():
    # A row no swap mends gets a value drawn from the training rows of its other value; the
    # few real rows of a ruled-out pair must not bring it back (here one in three).
    pair = ImpossibleCombinations(
        first="relationship",
        second="sex",
        values=(("Husband", "Wife"), ("Male", "Female")),
        counts=((100, 50), (50, 100)),
        combinations=(("Husband", "Female"), ("Wife", "Male")),
    )
    rows = pd.DataFrame({"relationship": ["Husband"] * 500, "sex": ["Female"] * 500})
    mend_rows(rows, [pair], np.random.default_rng(3))
    assert not pair.broken(rows).any()
    assert set(map(tuple, rows.to_numpy())) == {("Husband", "Male"), ("Wife", "Female")}
