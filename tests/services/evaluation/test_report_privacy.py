"""Privacy metrics: copies fail, independent samples pass, distances match SDMetrics."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from sdmetrics.single_table import DCRBaselineProtection
from sdmetrics.single_table.privacy.dcr_utils import calculate_dcr

from services.evaluation.report import (
    PrivacyThresholds,
    ReportOptions,
    build_report,
    dcr_baseline_protection,
)
from services.evaluation.report.columns import canonical_frame, plan_columns
from services.evaluation.report.neighbors import fit_encoder, nearest_neighbours
from services.evaluation.report.privacy import privacy_verdict


def test_a_copy_of_train_fails_privacy(copy_report):
    privacy = copy_report.privacy
    assert privacy.verdict == "fail"
    assert privacy.exact_copy_share == 1.0
    assert privacy.uniqueness_share == 0.0
    assert privacy.median_dcr_train == 0.0
    # Train and holdout are the same size here, so a full copy is closer to train for the
    # copied rows and a coin flip for none: about 0.75, far outside the 0.5 +- CI band.
    assert privacy.dcr_share_closer_to_train > 0.7
    assert privacy.mia_auc > 0.95
    assert any("copy a training row" in reason for reason in privacy.reasons)


@pytest.mark.parametrize("report_name", ["independent_report", "shuffled_report"])
def test_independent_rows_do_not_fail_privacy(report_name, request):
    privacy = request.getfixturevalue(report_name).privacy
    assert privacy.verdict in ("pass", "warn")
    assert privacy.exact_copy_share < 0.01
    assert abs(privacy.dcr_share_closer_to_train - 0.5) < 0.06
    assert privacy.mia_auc < 0.6
    assert privacy.median_nndr > 0.5


def test_independent_rows_are_as_far_from_train_as_from_holdout(independent_report):
    privacy = independent_report.privacy
    assert privacy.median_dcr_train == pytest.approx(privacy.median_dcr_holdout, rel=0.25)


def test_thresholds_are_settings():
    values = {"dcr_share": 0.55, "nndr": 0.8, "exact_copies": 0.0, "mia_auc": 0.52}
    assert privacy_verdict(values, PrivacyThresholds()) == ("pass", [])
    verdict, reasons = privacy_verdict(
        values, PrivacyThresholds(dcr_share_warn=0.55, dcr_share_fail=0.6)
    )
    assert verdict == "warn"
    assert len(reasons) == 1 and reasons[0].startswith("warn: share of synthetic rows closer")
    strict = PrivacyThresholds(nndr_warn=0.9, nndr_fail=0.85)
    assert privacy_verdict(values, strict)[0] == "fail"


def test_warn_threshold_beyond_fail_is_rejected():
    with pytest.raises(ValueError, match="mia_auc_warn"):
        PrivacyThresholds(mia_auc_warn=0.8, mia_auc_fail=0.7)


def _mixed_tables() -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Small tables with every awkward case the distance must handle like SDMetrics."""
    rng = np.random.default_rng(3)
    n_real, n_synthetic = 120, 90

    def table(n: int, shift: float) -> pd.DataFrame:
        frame = pd.DataFrame(
            {
                "amount": rng.normal(50 + shift, 20, n),
                "count": rng.integers(0, 10, n),
                "constant": np.full(n, 4.0),
                "colour": rng.choice(["red", "green", "blue"], n),
                # More categories than the one-hot limit: compared by integer codes.
                "city": rng.choice([f"city-{i}" for i in range(100)], n),
                "flag": rng.choice([True, False], n),
                "when": pd.Timestamp("2024-01-01")
                + pd.to_timedelta(rng.integers(0, 400, n), unit="D"),
            }
        )
        frame.loc[rng.random(n) < 0.1, "amount"] = np.nan
        frame.loc[rng.random(n) < 0.1, "colour"] = None
        frame.loc[rng.random(n) < 0.1, "city"] = None
        return frame

    real, synthetic = table(n_real, 0.0), table(n_synthetic, 30.0)
    synthetic.loc[:4, "constant"] = 5.0
    metadata = {
        "columns": {
            "amount": {"sdtype": "numerical"},
            "count": {"sdtype": "numerical"},
            "constant": {"sdtype": "numerical"},
            "colour": {"sdtype": "categorical"},
            "city": {"sdtype": "categorical"},
            "flag": {"sdtype": "boolean"},
            "when": {"sdtype": "datetime"},
        }
    }
    return real, synthetic, metadata


def test_vectorized_dcr_equals_sdmetrics_dcr():
    real, synthetic, metadata = _mixed_tables()
    plan = plan_columns(metadata, {"real": real, "synthetic": synthetic})
    real_rows, synthetic_rows = canonical_frame(real, plan), canonical_frame(synthetic, plan)
    encoder = fit_encoder(real_rows, [real_rows, synthetic_rows], plan)
    ours = nearest_neighbours(
        encoder, encoder.encode(synthetic_rows), encoder.encode(real_rows)
    ).nearest
    theirs = calculate_dcr(synthetic, real, metadata).to_numpy()
    assert np.abs(ours - theirs).max() < 1e-6


def test_blocks_and_threads_do_not_change_the_result():
    real, synthetic, metadata = _mixed_tables()
    plan = plan_columns(metadata, {"real": real, "synthetic": synthetic})
    real_rows, synthetic_rows = canonical_frame(real, plan), canonical_frame(synthetic, plan)
    encoder = fit_encoder(real_rows, [real_rows, synthetic_rows], plan)
    query, reference = encoder.encode(synthetic_rows), encoder.encode(real_rows)
    whole = nearest_neighbours(encoder, query, reference, prefix_rows=50, workers=1)
    blocked = nearest_neighbours(
        encoder, query, reference, prefix_rows=50, chunk_elements=7 * len(reference), workers=3
    )
    for field in ("nearest", "second", "nearest_in_prefix", "reference_nearest"):
        np.testing.assert_allclose(getattr(whole, field), getattr(blocked, field))
    assert np.all(whole.second >= whole.nearest)
    assert np.all(whole.nearest_in_prefix >= whole.nearest)


def test_dcr_baseline_protection_agrees_with_sdmetrics(adult):
    real, synthetic = adult.train.iloc[:400], adult.shuffled().iloc[:400]
    ours = dcr_baseline_protection(real, synthetic, adult.metadata, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = DCRBaselineProtection.compute_breakdown(real, synthetic, adult.metadata, None)
    medians = theirs["median_DCR_to_real_data"]
    assert ours.median_dcr_synthetic == pytest.approx(medians["synthetic_data"], abs=1e-6)
    # Both draw their own random baseline rows, so the baselines differ by sampling noise.
    assert ours.median_dcr_random == pytest.approx(medians["random_data_baseline"], rel=0.05)
    assert ours.score == pytest.approx(theirs["score"], abs=0.03)


OPTIONS = ReportOptions(sample_rows=1_000)


def test_a_verdict_from_a_small_holdout_says_how_rough_it_is(adult):
    # 60 training and 9 holdout rows, as a 69-row table splits: the membership-inference
    # AUC then moves by about ±0.2 with which rows were held out.
    train, holdout = adult.train.iloc[:60], adult.holdout.iloc[:9]
    report = build_report(train, holdout, adult.independent.iloc[:300], adult.metadata, OPTIONS)
    (note,) = [reason for reason in report.privacy.reasons if reason.startswith("note:")]
    assert "with 9 holdout rows the membership-inference AUC is" in note
    spread = float(note.split("± ")[1].split(" ")[0])
    assert 0.1 <= spread <= 0.5
    # On a holdout of thousands of rows the figure is firm and nothing is added.
    big = build_report(adult.train, adult.holdout, adult.independent, adult.metadata, OPTIONS)
    assert not [reason for reason in big.privacy.reasons if reason.startswith("note:")]
