"""Sequence metrics on real monthly sequences of daily minimum temperatures
(tests/relational_data.py): a faithful stand-in (holdout months resampled under new keys)
against broken ones (every sequence of length 1, values shuffled within each sequence,
irregular gaps between days, a copy of the training sequences)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from services.evaluation.report import ReportOptions
from services.evaluation.report.relational import build_relational_report
from services.evaluation.report.relational_html import render_relational_html
from services.evaluation.report.relational_models import RelationalReport, SequenceResult
from services.evaluation.report.sequences import MAX_STEPS, lag1_autocorrelations
from tests import relational_data
from tests.relational_data import Split

TABLE = "temperatures"
OPTIONS = ReportOptions(sample_rows=1_000)


@pytest.fixture(scope="module")
def split() -> Split:
    return relational_data.temperatures()


@pytest.fixture(scope="module")
def faithful(split: Split) -> pd.DataFrame:
    return relational_data.resampled_families(split, split.holdout)[TABLE]


@pytest.fixture(scope="module")
def faithful_report(split: Split, faithful: pd.DataFrame) -> RelationalReport:
    return report_of(split, faithful)


def report_of(split: Split, synthetic: pd.DataFrame) -> RelationalReport:
    return build_relational_report(
        split.train, split.holdout, {TABLE: synthetic}, split.metadata, split.schema, OPTIONS
    )


def sequence(report: RelationalReport) -> SequenceResult:
    (result,) = report.sequences
    return result


def test_faithful_sequences_match_lengths_gaps_autocorrelation_and_steps(faithful_report):
    result = sequence(faithful_report)
    assert faithful_report.alerts == []
    assert (result.entity_key, result.order_column, result.gap_unit) == ("month", "date", "days")
    assert result.length.real_count == 60  # 60 training months
    assert result.length.score is not None and result.length.score >= 0.7
    assert result.length.real_min == 28 and result.length.real_max == 31
    assert result.gaps is not None and result.gaps.score == 1.0  # one day apart, both sides
    assert result.gaps.real_median == 1.0
    (temp,) = result.autocorrelation
    assert temp.column == "temp"
    assert temp.real_mean is not None and 0.2 < temp.real_mean < 0.6  # day after day
    assert temp.synthetic_mean is not None and abs(temp.synthetic_mean - temp.real_mean) < 0.15
    assert [step.step for step in result.steps] == list(range(1, MAX_STEPS + 1))
    assert result.step_score is not None and result.step_score >= 0.7
    assert result.privacy is not None and result.privacy.verdict == "pass"
    assert faithful_report.privacy_verdict == "pass"
    assert faithful_report.sdmetrics is None  # one table, no links
    assert faithful_report.overall_score is not None and faithful_report.overall_score > 0.75


def test_sequences_of_length_one_are_alerted(split, faithful, faithful_report):
    ones = faithful.groupby("month").head(1).reset_index(drop=True)
    report = report_of(split, ones)
    result = sequence(report)
    assert result.length.score == 0.0
    assert result.length.synthetic_max == 1.0
    assert report.alerts[0].startswith("SEQUENCE LENGTHS in temperatures")
    assert "1.0 rows per month on average against 30." in report.alerts[0]
    assert [step.step for step in result.steps] == [1]
    assert result.autocorrelation[0].synthetic_sequences == 0
    assert result.autocorrelation[0].score == 0.0  # no series at all: nothing alike
    assert result.gaps is not None and result.gaps.synthetic_count == 0
    assert result.gaps.score == 0.0
    assert result.score is not None and result.score < 0.3
    assert report.overall_score is not None and faithful_report.overall_score is not None
    assert faithful_report.overall_score - report.overall_score > 0.15


def test_values_shuffled_within_sequences_lose_autocorrelation(split, faithful, faithful_report):
    rng = np.random.default_rng(0)
    shuffled = faithful.copy()
    shuffled["temp"] = shuffled.groupby("month")["temp"].transform(
        lambda values: rng.permutation(values.to_numpy())
    )
    result = sequence(report_of(split, shuffled))
    (temp,) = result.autocorrelation
    (faithful_temp,) = sequence(faithful_report).autocorrelation
    assert temp.synthetic_mean is not None and abs(temp.synthetic_mean) < 0.1
    assert temp.score is not None and faithful_temp.score is not None
    assert faithful_temp.score - temp.score > 0.3
    assert result.length.score == sequence(faithful_report).length.score  # lengths untouched


def test_irregular_gaps_show_in_the_gap_distribution(split, faithful):
    rng = np.random.default_rng(0)
    spaced = faithful.copy()
    days = pd.Series(rng.integers(1, 8, size=len(spaced)), index=spaced.index)
    offsets = days.groupby(spaced["month"]).cumsum()
    start = spaced.groupby("month")["date"].transform("min")
    spaced["date"] = start + pd.to_timedelta(offsets, unit="D")
    result = sequence(report_of(split, spaced))
    assert result.gaps is not None
    assert result.gaps.real_median == 1.0
    assert result.gaps.synthetic_median is not None and result.gaps.synthetic_median >= 3.0
    assert result.gaps.score is not None and result.gaps.score < 0.3


def test_a_copy_of_the_training_sequences_fails_sequence_privacy(split):
    copy = relational_data.resampled_families(split, split.train)[TABLE]
    # Shifted a year in time and under new keys: still the same sequences.
    copy["date"] = copy["date"] + pd.Timedelta(days=365)
    report = report_of(split, copy)
    privacy = sequence(report).privacy
    assert privacy is not None
    assert privacy.exact_copy_share == 1.0
    assert privacy.dcr_share_closer_to_train == 1.0
    assert privacy.verdict == "fail"
    assert report.privacy_verdict == "fail"


def test_lag1_autocorrelation_is_pandas_autocorr_per_sequence():
    rng = np.random.default_rng(2)
    frames = []
    for entity, phi in (("a", 0.9), ("b", -0.5), ("c", 0.0)):
        values = [0.0]
        for _ in range(199):
            values.append(phi * values[-1] + rng.normal())
        frames.append(pd.DataFrame({"__entity": entity, "x": values}))
    frame = pd.concat([*frames, pd.DataFrame({"__entity": ["short"] * 2, "x": [1.0, 2.0]})])
    frame = frame.reset_index(drop=True)
    got = lag1_autocorrelations(frame, "x")
    expected = [pd.Series(f["x"].to_numpy()).autocorr(lag=1) for f in frames]
    assert got == pytest.approx(expected, abs=1e-9)  # the 2-row sequence has none
    assert got[0] > 0.6 and got[1] < -0.3  # AR(1) with phi 0.9 and -0.5


def test_the_page_shows_each_sequence_metric(faithful_report):
    page = render_relational_html(faithful_report)
    assert "Sequences of temperatures (by month, ordered by date)" in page
    for heading in ("Sequence length", "Gaps between consecutive events (days)"):
        assert f"<h3>{heading}</h3>" in page
    assert "Lag-1 autocorrelation within each sequence" in page
    assert "Privacy of whole sequences" in page
