"""The report notices synthetic rows whose number lies outside the range the real rows give
its category (21-year-old doctorates in adult, whose youngest doctorate is 24), with the real
holdout rows as the baseline, and a verdict; adult's own test rows pass."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from services.evaluation.report import ReportOptions, build_report, render_html
from tests.corpus import shared_tables
from tests.services.training.faithful_world import Ingested, ingested, sample, train, unmended

NAMES = [f"c{i}" for i in range(15)]  # c0 age, c3 education
OPTIONS = ReportOptions(sample_rows=1_000, privacy_sample_rows=300, utility_sample_rows=2_000)
HEADING = "Numbers outside their category's real range"


def _read(name: str) -> pd.DataFrame:
    read = {"header": None, "names": NAMES, "skipinitialspace": True, "na_values": "?"}
    return pd.read_csv(shared_tables()[name], **read)


def _metadata(real: pd.DataFrame) -> dict:
    return {
        "columns": {
            name: {"sdtype": "categorical" if real[name].dtype == object else "numerical"}
            for name in real.columns
        }
    }


def _young_doctorates(rows: pd.DataFrame, age: str = "c0", education: str = "c3") -> int:
    return int(((rows[education] == "Doctorate") & (rows[age] < 24)).sum())


def test_rows_with_21_year_old_doctorates_are_counted_and_fail():
    real = _read("adult-train")
    holdout = real.sample(n=3_000, random_state=1)
    train_rows = real.drop(holdout.index)
    synthetic = holdout.copy()
    for education in ("Doctorate", "Prof-school"):  # the youngest real ones: 24 and 25
        synthetic.loc[synthetic.index[synthetic["c3"] == education][:20], "c0"] = 21
    report = build_report(train_rows, holdout, synthetic, _metadata(real), OPTIONS)

    checks = {c.description: c for c in report.category_ranges}
    check = checks["c0 by c3 = Doctorate: from 24"]
    assert (check.category, check.value, check.number) == ("c3", "Doctorate", "c0")
    assert (check.low, check.high) == (24, None)
    assert check.violation_count == 20 and check.violation_share == pytest.approx(20 / 3_000)
    assert (check.holdout_violation_count, check.holdout_share) == (0, 0.0)
    assert check.real_rows == int((train_rows["c3"] == "Doctorate").sum())
    assert checks["c0 by c3 = Prof-school: from 25"].violation_count == 20
    # Listed first: the ranges with rows outside lead; education-num, which education sets,
    # is left out as training leaves it out.
    assert check in report.category_ranges[:2]
    assert not any(c.number == "c4" for c in report.category_ranges)
    verdict = report.range_verdict
    assert verdict is not None and (verdict.verdict, verdict.rows) == ("fail", 40)
    assert verdict.summary.startswith(
        "fail: 40 of 3,000 synthetic rows (1.33%) have a number outside the range the real "
        "rows give its category (real holdout: 0.00%; new real rows: "
    )
    # adult's groups are large: a new real row is rarely outside (8 of 16,281 test rows).
    assert 0 < verdict.expected_share < 0.002
    document = json.loads(report.model_dump_json())
    assert document["range_verdict"]["verdict"] == "fail"
    assert document["category_ranges"][0]["value"] in ("Doctorate", "Prof-school")
    page = render_html(report)
    assert HEADING in page and "c0 by c3 = Doctorate: from 24" in page
    assert '<span class="badge fail">fail</span>' in page

    # The holdout itself as the batch: nothing outside, no section on the page.
    kept = build_report(train_rows, holdout, holdout, _metadata(real), OPTIONS)
    assert kept.range_verdict is not None and kept.range_verdict.verdict == "pass"
    assert sum(c.violation_count for c in kept.category_ranges) == 0
    assert HEADING not in render_html(kept)


def test_adults_own_test_rows_pass():
    # The false alarm: adult's published test rows against the training rows' ranges.
    real, other = _read("adult-train"), _read("adult-test")
    holdout = real.sample(n=3_000, random_state=1)
    report = build_report(real.drop(holdout.index), holdout, other, _metadata(real), OPTIONS)
    verdict = report.range_verdict
    assert verdict is not None and verdict.verdict == "pass", verdict
    assert verdict.rows == 8  # of 16,281: a Cuban's weight, a clerk's 99 hours, ...


def test_a_table_without_ranges_has_no_verdict():
    real = _read("adult-train")[["c0", "c9"]].head(200)  # age and sex: no sex bounds an age
    report = build_report(real[:150], real[150:], real[150:], _metadata(real), OPTIONS)
    assert (report.category_ranges, report.range_verdict) == ([], None)


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    return tmp_path_factory.mktemp("report-ranges")


@pytest.fixture(scope="module")
def adult(work) -> Ingested:
    return ingested(shared_tables()["adult-train"], work)


def test_rows_straight_from_the_engine_are_flagged_and_mended_rows_are_not(adult, work):
    names = list(adult.frame.columns)
    age, education = names[0], names[3]
    holdout = adult.frame.sample(n=3_000, random_state=0)
    train_rows = adult.frame.drop(holdout.index)
    trained = train(adult, "gaussian_copula", work)
    raw = unmended(trained, 2_000)
    assert _young_doctorates(raw, age, education) > 0  # what the user saw
    report = build_report(train_rows, holdout, raw, adult.metadata, OPTIONS)
    verdict = report.range_verdict
    assert verdict is not None and verdict.verdict in ("warn", "fail"), verdict
    checks = {(c.number, c.category, c.value): c for c in report.category_ranges}
    assert checks[(age, education, "Doctorate")].violation_count == _young_doctorates(
        raw, age, education
    )

    mended = pd.read_parquet(sample(trained, 2_000, work))
    verdict = build_report(train_rows, holdout, mended, adult.metadata, OPTIONS).range_verdict
    assert verdict is not None and verdict.verdict == "pass", verdict


def test_the_listed_ranges_are_bounded_and_the_verdict_counts_them_all():
    # 600 machines, each of 30 rows with its own narrow readings: 600 ranges.
    import numpy as np

    from services.evaluation.report.ranges import MAX_LISTED, range_checks

    machines = np.repeat(np.arange(600), 30)
    rows = pd.DataFrame({"machine": machines.astype(str), "reading": machines * 10.0})
    rows["reading"] += np.tile(np.arange(30) / 6, 600)
    metadata = {
        "columns": {"machine": {"sdtype": "categorical"}, "reading": {"sdtype": "numerical"}}
    }
    synthetic = rows.copy()
    # A third of each machine's rows outside its range, on the side bounded: a low machine's
    # readings bound it from above (most readings are higher), a high one's from below.
    moved = synthetic.index[::3]
    synthetic.loc[moved, "reading"] += np.where(machines[moved] < 300, 7, -7)
    checks, verdict = range_checks(rows, rows, synthetic, metadata, ())
    assert len(checks) == MAX_LISTED < 600
    assert all(c.violation_count == 10 and c.holdout_violation_count == 0 for c in checks)
    assert verdict is not None and (verdict.rows, verdict.verdict) == (6_000, "fail")
