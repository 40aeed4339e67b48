"""Rules declared on a dataset over real gRPC, PostgreSQL and storage: checked against the
real rows (a rule they break is kept and counted), refused with the field at fault when
malformed, unknown or contradictory, and set by editors only."""

from __future__ import annotations

from typing import Any

import grpc
import pytest

from synthetica.datasets.v1 import datasets_pb2 as pb
from tests import adult
from tests.corpus import SHARED
from tests.support import field_violations

ADULT_RULES = [
    pb.Rule(
        kind=pb.RULE_KIND_RANGE,
        column="age",
        low=pb.RuleBound(number=17),
        high=pb.RuleBound(number=90),
    ),
    pb.Rule(kind=pb.RULE_KIND_FIXED_COMBINATIONS, columns=["education-num", "education"]),
    pb.Rule(kind=pb.RULE_KIND_POSITIVE, column="capital-gain"),
    pb.Rule(
        kind=pb.RULE_KIND_INEQUALITY,
        low=pb.RuleBound(column="capital-loss"),
        high=pb.RuleBound(column="fnlwgt"),
    ),
    # Broken by the real rows: kept, with the count, for the user to judge.
    pb.Rule(kind=pb.RULE_KIND_RANGE, column="hours-per-week", low=pb.RuleBound(column="age")),
]


async def set_rules(ds, md, dataset_id: str, rules: list[pb.Rule]) -> pb.Dataset:
    request = pb.UpdateDatasetRulesRequest(dataset_id=dataset_id, rules=rules)
    return (await ds.stub.UpdateDatasetRules(request, metadata=md)).dataset


async def refused(ds, md, dataset_id: str, rules: list[pb.Rule]) -> grpc.aio.AioRpcError:
    with pytest.raises(grpc.aio.AioRpcError) as info:
        await set_rules(ds, md, dataset_id, rules)
    return info.value


@pytest.fixture
async def census(ds) -> dict[str, Any]:
    owner, editor, viewer, stranger = [await ds.user() for _ in range(4)]
    project = await ds.project(owner.md)
    await ds.add(owner.md, project.id, editor, pb.PROJECT_ROLE_EDITOR)
    await ds.add(owner.md, project.id, viewer, pb.PROJECT_ROLE_VIEWER)
    data = adult.frame(3000, missing=None).to_csv(index=False).encode()
    dataset = await ds.upload(owner.md, project.id, data, file_name="adult.csv")
    assert dataset.status == pb.DATASET_STATUS_READY
    frame = adult.frame(3000, missing=None)
    return {
        "owner": owner,
        "editor": editor,
        "viewer": viewer,
        "stranger": stranger,
        "dataset": dataset,
        "frame": frame,
    }


async def test_rules_are_checked_on_the_real_rows_and_read_back(ds, census):
    frame, dataset = census["frame"], census["dataset"]
    saved = await set_rules(ds, census["editor"].md, dataset.id, ADULT_RULES)

    got = (
        await ds.stub.GetDataset(
            pb.GetDatasetRequest(dataset_id=dataset.id), metadata=census["viewer"].md
        )
    ).dataset
    assert list(got.rules) == list(saved.rules)
    assert [r.description for r in got.rules] == [
        "17 ≤ age ≤ 90",
        "only real combinations of education-num, education",
        "capital-gain ≥ 0",
        "capital-loss ≤ fnlwgt",
        "age ≤ hours-per-week",
    ]
    expected_broken = int((frame["hours-per-week"] < frame["age"]).sum())
    assert expected_broken > 0
    assert [r.real_violation_count for r in got.rules] == [0, 0, 0, 0, expected_broken]
    pairs = frame[["education-num", "education"]].drop_duplicates()
    assert len(got.rules[1].combinations_json) == len(pairs) == 16

    cleared = await set_rules(ds, census["owner"].md, dataset.id, [])
    assert list(cleared.rules) == []


async def test_dates_take_fixed_datetime_bounds(ds):
    user = await ds.user()
    project = await ds.project(user.md)
    data = (SHARED / "daily-min-temperatures.csv").read_bytes()
    dataset = await ds.upload(user.md, project.id, data, file_name="temperatures.csv")
    rule = pb.Rule(
        kind=pb.RULE_KIND_RANGE,
        column="Date",
        low=pb.RuleBound(datetime="1981-01-01"),
        high=pb.RuleBound(datetime="1989-12-31"),
    )
    [saved] = (await set_rules(ds, user.md, dataset.id, [rule])).rules
    # 1990 is the data's last year: 365 days after the bound.
    assert saved.real_violation_count == 365
    error = await refused(
        ds,
        user.md,
        dataset.id,
        [pb.Rule(kind=pb.RULE_KIND_RANGE, column="Date", low=pb.RuleBound(number=3))],
    )
    assert "rules[0].low.number" in field_violations(error)


def _rule(**fields: Any) -> pb.Rule:
    return pb.Rule(**fields)


HOSTILE = [
    ([_rule(kind=pb.RULE_KIND_POSITIVE, column="salary")], "rules[0].column", "unknown column"),
    (
        [
            ADULT_RULES[0],
            _rule(kind=pb.RULE_KIND_RANGE, column="age", high=pb.RuleBound(column="nope")),
        ],
        "rules[1].high.column",
        "unknown column",
    ),
    ([_rule(kind=pb.RULE_KIND_POSITIVE, column="education")], "rules[0].column", "not a numeric"),
    (
        [
            _rule(
                kind=pb.RULE_KIND_RANGE,
                column="age",
                low=pb.RuleBound(number=50),
                high=pb.RuleBound(number=20),
            )
        ],
        "rules[0].high",
        "below low",
    ),
    (
        [
            ADULT_RULES[0],
            _rule(kind=pb.RULE_KIND_NEGATIVE, column="age", strict=True),
        ],
        "rules[1]",
        "contradicts rules[0]",
    ),
    (
        [
            ADULT_RULES[3],
            _rule(
                kind=pb.RULE_KIND_INEQUALITY,
                low=pb.RuleBound(column="fnlwgt"),
                high=pb.RuleBound(column="capital-loss"),
                strict=True,
            ),
        ],
        "rules[1]",
        "contradicts rules[0]",
    ),
    (
        [
            _rule(
                kind=pb.RULE_KIND_INEQUALITY,
                low=pb.RuleBound(column="age"),
                high=pb.RuleBound(number=3),
            )
        ],
        "rules[0].high",
        "two columns",
    ),
    (
        [
            _rule(
                kind=pb.RULE_KIND_INEQUALITY,
                low=pb.RuleBound(column="age"),
                high=pb.RuleBound(column="sex"),
            )
        ],
        "rules[0].high",
        "both columns must be numeric",
    ),
    ([_rule(kind=pb.RULE_KIND_UNSPECIFIED, column="age")], "rules[0].kind", "Input should be"),
    (
        [_rule(kind=pb.RULE_KIND_ONE_HOT, columns=["age", "age"])],
        "rules[0].columns",
        "two different",
    ),
    (
        [_rule(kind=pb.RULE_KIND_FIXED_COMBINATIONS, columns=["x"] * 21)],
        "rules[0].columns",
        "at most 20",
    ),
    ([_rule(kind=pb.RULE_KIND_UNIQUE, column="a" * 301)], "rules[0].column", "at most 300"),
    ([ADULT_RULES[2]] * 51, "rules", "at most 50 rules"),
]


@pytest.mark.parametrize(("rules", "field", "message"), HOSTILE)
async def test_bad_rules_are_refused_by_field_and_change_nothing(ds, census, rules, field, message):
    dataset = census["dataset"]
    await set_rules(ds, census["owner"].md, dataset.id, [ADULT_RULES[2]])
    error = await refused(ds, census["editor"].md, dataset.id, rules)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    violations = field_violations(error)
    assert field in violations, violations
    assert message in violations[field], violations
    got = (
        await ds.stub.GetDataset(
            pb.GetDatasetRequest(dataset_id=dataset.id), metadata=census["owner"].md
        )
    ).dataset
    assert [r.description for r in got.rules] == ["capital-gain ≥ 0"]


async def test_only_editors_and_owners_of_the_project_set_rules(ds, census):
    dataset = census["dataset"]
    error = await refused(ds, census["viewer"].md, dataset.id, ADULT_RULES)
    assert error.code() == grpc.StatusCode.PERMISSION_DENIED
    error = await refused(ds, census["stranger"].md, dataset.id, ADULT_RULES)
    assert error.code() == grpc.StatusCode.NOT_FOUND
    got = (
        await ds.stub.GetDataset(
            pb.GetDatasetRequest(dataset_id=dataset.id), metadata=census["owner"].md
        )
    ).dataset
    assert list(got.rules) == []
