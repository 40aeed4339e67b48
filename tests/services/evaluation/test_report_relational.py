"""The report of two linked tables (US states → their airports, tests/relational_data.py):
a faithful stand-in (holdout states resampled with their airports, under new keys) against
broken ones (orphans, duplicated parents, collapsed cardinality, links cut between parent and
child columns, a copy of the training rows). Each break must show in the numbers a user
reads."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from services.evaluation.report import ReportError, ReportOptions
from services.evaluation.report.relational import build_relational_report, sample_families
from services.evaluation.report.relational_html import render_relational_html
from services.evaluation.report.relational_models import RelationalReport
from tests import relational_data
from tests.relational_data import Split

OPTIONS = ReportOptions(sample_rows=1_000)


@pytest.fixture(scope="module")
def split() -> Split:
    return relational_data.airports()


@pytest.fixture(scope="module")
def faithful(split: Split) -> dict[str, pd.DataFrame]:
    return relational_data.resampled_families(split, split.holdout)


@pytest.fixture(scope="module")
def faithful_report(split: Split, faithful: dict[str, pd.DataFrame]) -> RelationalReport:
    return report_of(split, faithful)


def report_of(split: Split, synthetic: dict[str, pd.DataFrame]) -> RelationalReport:
    return build_relational_report(
        split.train, split.holdout, synthetic, split.metadata, split.schema, OPTIONS
    )


def with_airports(faithful: dict[str, pd.DataFrame], airports: pd.DataFrame) -> dict:
    return {"states": faithful["states"], "airports": airports}


def test_a_faithful_database_keeps_integrity_cardinality_and_links(faithful_report):
    report = faithful_report
    assert report.alerts == []
    assert [table.name for table in report.tables] == ["states", "airports"]
    assert all(table.quality_score is not None for table in report.tables)
    assert report.tables[1].report is not None
    assert "state" in report.tables[1].report.columns_excluded  # a key is not a value
    (link,) = report.links
    assert (link.parent_table, link.child_table) == ("states", "airports")
    assert link.integrity.share == 1.0
    assert link.integrity.orphan_rows == 0
    assert link.cardinality.score is not None and link.cardinality.score >= 0.7
    assert link.cardinality.real_count == 28  # one count per real parent
    assert link.correlation_score is not None and link.correlation_score >= 0.75
    pair = next(
        p
        for p in link.correlations
        if (p.parent_column, p.child_column) == ("center_latitude", "latitude")
    )
    assert pair.real is not None and pair.real > 0.9  # a state's airports lie around its centre
    assert pair.score is not None and pair.score > 0.95
    assert report.sdmetrics is not None
    assert report.sdmetrics.cardinality is not None and report.sdmetrics.cardinality >= 0.7
    assert report.overall_score == report.sdmetrics.overall_score
    assert report.privacy_verdict == "pass"


def test_orphans_break_integrity_and_are_the_first_alert(split, faithful):
    airports = faithful["airports"].copy()
    broken = np.arange(len(airports)) % 10 == 0
    airports.loc[broken, "state"] = "ZZ"
    airports.loc[np.arange(len(airports)) % 10 == 5, "state"] = None
    report = report_of(split, with_airports(faithful, airports))
    (link,) = report.links
    orphans, missing = int(broken.sum()), int((np.arange(len(airports)) % 10 == 5).sum())
    assert link.integrity.orphan_rows == orphans
    assert link.integrity.missing_key_rows == missing
    assert link.integrity.share == pytest.approx(1 - (orphans + missing) / len(airports))
    assert link.integrity.orphan_examples == ["ZZ"]
    assert report.alerts[0].startswith("REFERENTIAL INTEGRITY BROKEN on airports.state")
    assert f"{orphans + missing:,} of {len(airports):,}" in report.alerts[0]


def test_duplicated_parent_keys_are_alerted(split, faithful):
    states = pd.concat([faithful["states"], faithful["states"].head(3)], ignore_index=True)
    report = report_of(split, {"states": states, "airports": faithful["airports"]})
    assert report.links[0].integrity.duplicate_parent_keys == 3
    assert any(alert.startswith("DUPLICATE PARENT KEYS") for alert in report.alerts)


def test_children_piled_on_one_parent_ruin_the_cardinality_shape(split, faithful, faithful_report):
    airports = faithful["airports"].copy()
    airports["state"] = faithful["states"]["state"].iloc[0]
    report = report_of(split, with_airports(faithful, airports))
    cardinality = report.links[0].cardinality
    assert report.links[0].integrity.share == 1.0  # every key still exists
    assert cardinality.synthetic_max == len(airports)
    assert cardinality.synthetic_median == 0.0
    assert cardinality.score is not None and cardinality.score < 0.2
    assert faithful_report.links[0].cardinality.score - cardinality.score > 0.5
    assert report.sdmetrics is not None and report.sdmetrics.cardinality is not None
    assert report.sdmetrics.cardinality < 0.2


def test_parents_shuffled_between_families_lose_the_cross_link_correlation(split, faithful):
    states = faithful["states"].copy()
    rng = np.random.default_rng(0)
    for column in ("region", "center_latitude", "center_longitude"):
        states[column] = rng.permutation(states[column].to_numpy())
    report = report_of(split, {"states": states, "airports": faithful["airports"]})
    link = report.links[0]
    pair = next(
        p
        for p in link.correlations
        if (p.parent_column, p.child_column) == ("center_latitude", "latitude")
    )
    assert pair.real is not None and pair.synthetic is not None
    assert pair.real - pair.synthetic > 0.5
    assert link.correlation_score is not None and link.correlation_score < 0.75


def test_a_copy_of_the_training_families_fails_privacy(split):
    copy = relational_data.resampled_families(split, split.train)
    report = report_of(split, copy)
    airports = report.tables[1]
    assert airports.report is not None
    assert airports.report.privacy.exact_copy_share == 1.0
    assert airports.privacy_verdict == "fail"
    assert report.privacy_verdict == "fail"


def test_children_per_parent_copied_from_the_training_data_are_alerted(split, faithful):
    """Each synthetic state gets exactly the airport count of one training state (airports
    from the holdout): a perfect cardinality score that was replayed, not learned."""
    real_counts = split.train["airports"].groupby("state").size()
    counts = real_counts.reindex(split.train["states"]["state"], fill_value=0).to_numpy()
    states = faithful["states"]
    assert len(states) == len(counts)
    airports = faithful["airports"].sample(int(counts.sum()), replace=True, random_state=1)
    airports = airports.assign(
        state=np.repeat(states["state"].to_numpy(), counts),
        iata=[f"Z{i:05d}" for i in range(len(airports))],
    )
    report = report_of(split, with_airports(faithful, airports))
    (link,) = report.links
    assert link.cardinality.copied and link.cardinality.score == 1.0
    assert any(
        alert.startswith("CHILDREN PER PARENT COPIED on airports.state") for alert in report.alerts
    )


def test_a_missing_table_is_refused(split, faithful):
    with pytest.raises(ReportError, match="synthetic data lacks tables \\['airports'\\]"):
        report_of(split, {"states": faithful["states"]})


def test_sampling_keeps_whole_families(split):
    sampled = sample_families(split.train, split.schema, 500, seed=1)
    assert 0 < len(sampled["airports"]) < len(split.train["airports"])
    kept = set(sampled["states"]["state"])
    assert set(sampled["airports"]["state"]) <= kept
    full = split.train["airports"]
    assert len(sampled["airports"]) == full["state"].isin(kept).sum()


def test_the_page_puts_the_integrity_check_first_and_names_tables_and_links(split, faithful):
    airports = faithful["airports"].copy()
    airports.loc[:9, "state"] = "<script>alert(1)</script>"
    page = render_relational_html(report_of(split, with_airports(faithful, airports)))
    problems = page.index('role="alert"')
    assert problems < page.index("<h2>Link airports.state → states.state</h2>")
    assert "REFERENTIAL INTEGRITY BROKEN on airports.state → states.state: 10 of" in page
    assert page.index("Link airports.state") < page.index("<h2>Table states</h2>")
    assert page.index("<h2>Table states</h2>") < page.index("<h2>Table airports</h2>")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Children per states row" in page


def test_a_faithful_page_says_integrity_holds(faithful_report):
    page = render_relational_html(faithful_report)
    assert "every synthetic child row has its parent" in page
    assert 'role="alert"' not in page
