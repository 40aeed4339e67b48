"""Evaluation: the GraphQL objects of the report's checks on combinations, ranges and missing
values the real rows rule out, and on how left-out columns are written, apart from `types` to
keep that module within its length."""

from __future__ import annotations

from typing import Any, Self

import strawberry

from gateway.schema.common import FromDocument, from_document
from gateway.schema.evaluation.relational import PrivacyVerdict


class _Verdict:
    """A check's verdict on the synthetic rows, null on reports written before the check."""

    @classmethod
    def from_document(cls, part: dict[str, Any] | None) -> Self | None:
        if not part:
            return None
        verdict = PrivacyVerdict[str(part["verdict"]).upper()]
        return from_document(cls, part, verdict=verdict, share=float(part["share"]))


@strawberry.type(
    description="combinations of two category columns that the real rows rule out (never "
    "seen, though the columns' shares would give many: lunch on a Saturday), checked on the "
    "synthetic rows"
)
class ReportImpossibleCombination:
    first: str
    second: str
    description: str = strawberry.field(description="first & second")
    combinations: list[str] = strawberry.field(
        description="the ruled-out combinations, a value of first and one of second ('Sat, Lunch')"
    )
    violation_count: int = strawberry.field(description="synthetic rows with one of them")
    violation_share: float = strawberry.field(description="their share of the synthetic rows")
    holdout_violation_count: int = strawberry.field(
        description="real holdout rows with one of them (the baseline: about none)"
    )
    holdout_share: float | None = strawberry.field(
        description="their share of the holdout rows; null without holdout rows"
    )
    real_rows: int = strawberry.field(description="training rows with a value in both columns")

    @classmethod
    def from_document(cls, combination: dict[str, Any]) -> ReportImpossibleCombination:
        share = float(combination["violation_share"])  # every report with the part has it
        return from_document(cls, combination, violation_share=share)


@strawberry.type(
    description="the verdict on the synthetic rows with a combination the real rows rule out "
    "(any of impossibleCombinations), against the real holdout rows' own share"
)
class ReportCombinationVerdict(_Verdict):
    verdict: PrivacyVerdict = strawberry.field(
        description="PASS: at most the holdout's share and 0.1 % more; WARN: up to 1 %; else FAIL"
    )
    summary: str = strawberry.field(
        description="the line a user reads: 'fail: 320 of 2,000 synthetic rows (16.0%) pair …'"
    )
    rows: int = strawberry.field(description="synthetic rows with such a combination")
    share: float = strawberry.field(description="their share of the synthetic rows")
    holdout_rows: int = strawberry.field(description="real holdout rows with one")
    holdout_share: float | None = strawberry.field(
        description="their share of the holdout rows; null without holdout rows"
    )


@strawberry.type(
    description="the range a number column keeps within one value of a category column in "
    "every real training row (adult's doctorates: from 24), checked on the synthetic rows"
)
class ReportCategoryRange:
    category: str = strawberry.field(description="the category column")
    value: str = strawberry.field(description="its value, as text ('Doctorate')")
    number: str = strawberry.field(description="the number column")
    low: float | None = strawberry.field(description="the real minimum; null: not bounded")
    high: float | None = strawberry.field(description="the real maximum; null: not bounded")
    description: str = strawberry.field(description="'age by education = Doctorate: from 24'")
    violation_count: int = strawberry.field(description="synthetic rows of the value outside")
    violation_share: float = strawberry.field(description="their share of the synthetic rows")
    holdout_violation_count: int = strawberry.field(
        description="real holdout rows of the value outside (the baseline: a few)"
    )
    holdout_share: float | None = strawberry.field(
        description="their share of the holdout rows; null without holdout rows"
    )
    real_rows: int = strawberry.field(description="training rows with the value and a number")

    @classmethod
    def from_document(cls, part: dict[str, Any]) -> ReportCategoryRange:
        return from_document(cls, part, violation_share=float(part["violation_share"]))


@strawberry.type(
    description="the verdict on the synthetic rows with a number outside its category's real "
    "range (any of categoryRanges), against the real holdout rows' own share"
)
class ReportRangeVerdict(_Verdict):
    verdict: PrivacyVerdict = strawberry.field(
        description="PASS: at most what real rows have by chance (1 in 1,000), or the baseline "
        "(the holdout's share or expectedShare, the larger) and 0.1 % more; WARN: up to the "
        "baseline and 1 %; else FAIL"
    )
    summary: str = strawberry.field(
        description="the line a user reads: 'fail: 23 of 2,000 synthetic rows (1.15%) have …'"
    )
    rows: int = strawberry.field(description="synthetic rows with a number outside a range")
    share: float = strawberry.field(description="their share of the synthetic rows")
    holdout_rows: int = strawberry.field(description="real holdout rows with one")
    holdout_share: float | None = strawberry.field(
        description="their share of the holdout rows; null without holdout rows"
    )

    expected_share: float | None = strawberry.field(
        description="the share of new real rows expected outside the ranges (a value of n "
        "training rows: 1 in n + 1 each side); the baseline when above the holdout's; null "
        "on reports written before it"
    )


@strawberry.type(
    description="columns missing in every real row with one value of a category column (no "
    "shoe brand on a run before 2005), checked on the synthetic rows"
)
class ReportMissingWhen(FromDocument):
    columns: list[str] = strawberry.field(description="the columns missing there")
    category: str = strawberry.field(description="the category column")
    value: str = strawberry.field(description="its value, as text ('0')")
    description: str = strawberry.field(description="'ShoeBrand missing where After2004 = 0'")
    violation_count: int = strawberry.field(
        description="synthetic rows with the value that have one of the columns"
    )
    real_rows: int = strawberry.field(description="real rows with the value, every one missing")


@strawberry.type(
    description="a name and a year (or date) no two real rows share (a country once a year), "
    "checked on the synthetic rows"
)
class ReportUniqueKey(FromDocument):
    name: str = strawberry.field(description="the name column ('countries')")
    time: str = strawberry.field(description="the year or date column ('year')")
    description: str = strawberry.field(description="'one row per countries and year'")
    violation_count: int = strawberry.field(
        description="synthetic rows repeating an earlier row's name and year"
    )
    unavoidable_count: int = strawberry.field(
        description="of those, the rows past what the real values allow (a name in more "
        "synthetic rows than the real rows have years)"
    )
    real_rows: int = strawberry.field(description="real rows with both values, each pair once")


@strawberry.type(
    description="a column the scores leave out (an id, PII: its values are made anew) and how "
    "its synthetic values are written against the real ones"
)
class ReportWrittenForm(FromDocument):
    column: str = strawberry.field(description="the column")
    sdtype: str = strawberry.field(description="what it holds ('id', 'phone_number', ...)")
    unlike_share: float | None = strawberry.field(
        description="the share of synthetic values written in a form no real value has "
        "(characters by kind: '9:9:9' for 11:57:40); null without synthetic values"
    )
    example: str | None = strawberry.field(description="one such synthetic value; null: none")
    real_example: str = strawberry.field(description="a real value, for comparison")
    form_gap: float | None = strawberry.field(
        default=None,
        description="phones: how far the mix of forms among the synthetic values written like "
        "a real one is from the real mix (0: the same shares; all fakes in one form where the "
        "real column writes two half and half: 0.5); null for other columns and older reports",
    )


@strawberry.type(
    description="columns with one value in every real group of rows sharing an id (an order's "
    "date and time on each of its lines), checked on the synthetic rows"
)
class ReportGroupConstant(FromDocument):
    key: str = strawberry.field(description="the id column ('order_id')")
    columns: list[str] = strawberry.field(description="the columns constant within a group")
    description: str = strawberry.field(description="'date, time constant within each order_id'")
    violation_count: int = strawberry.field(
        description="synthetic rows whose values differ from their group's first row"
    )
    real_groups: int = strawberry.field(description="real groups of two rows or more")
    real_repeated_share: float = strawberry.field(
        description="share of real (training) rows whose id another row has"
    )
    synthetic_repeated_share: float = strawberry.field(
        description="share of synthetic rows whose id another row has"
    )
