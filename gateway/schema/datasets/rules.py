"""Datasets: the GraphQL objects and inputs of the rules a dataset's synthetic rows must obey,
built from and into the domain's protos (see README, "Rules")."""

from __future__ import annotations

from enum import Enum

import strawberry

from gateway.schema.common import FromProto, from_message
from synthetica.datasets.v1 import datasets_pb2 as pb


@strawberry.enum(description="what a rule constrains")
class RuleKind(Enum):
    INEQUALITY = pb.RULE_KIND_INEQUALITY
    RANGE = pb.RULE_KIND_RANGE
    POSITIVE = pb.RULE_KIND_POSITIVE
    NEGATIVE = pb.RULE_KIND_NEGATIVE
    FIXED_COMBINATIONS = pb.RULE_KIND_FIXED_COMBINATIONS
    ONE_HOT = pb.RULE_KIND_ONE_HOT
    UNIQUE = pb.RULE_KIND_UNIQUE


@strawberry.type(description="one side of a range or an inequality: a column or a fixed value")
class RuleBound(FromProto[pb.RuleBound]):
    column: str | None
    number: float | None
    datetime: str | None = strawberry.field(description="ISO 8601; without a time zone, UTC")


@strawberry.type(description="a rule the synthetic rows of a dataset obey")
class Rule:
    kind: RuleKind
    column: str | None = strawberry.field(
        description="the constrained column (RANGE, POSITIVE, NEGATIVE, UNIQUE)"
    )
    columns: list[str] = strawberry.field(description="FIXED_COMBINATIONS and ONE_HOT columns")
    low: RuleBound | None
    high: RuleBound | None
    strict: bool
    description: str = strawberry.field(description='the rule in words, e.g. "17 ≤ age ≤ 90"')
    real_violation_count: int = strawberry.field(
        description="real rows that break the rule (more than 0: is the rule right?)"
    )

    @classmethod
    def from_proto(cls, rule: pb.Rule) -> Rule:
        return from_message(
            cls,
            rule,
            kind=RuleKind(rule.kind),
            column=rule.column or None,
            low=RuleBound.from_proto(rule.low) if rule.HasField("low") else None,
            high=RuleBound.from_proto(rule.high) if rule.HasField("high") else None,
        )


@strawberry.input(description="exactly one of: another column, a number, an ISO 8601 datetime")
class RuleBoundInput:
    column: str | None = None
    number: float | None = None
    datetime: str | None = None

    def to_proto(self) -> pb.RuleBound:
        bound = pb.RuleBound()
        # Every one given reaches the service, which refuses more than one by field.
        if self.column is not None:
            bound.column = self.column
        if self.number is not None:
            bound.number = self.number
        if self.datetime is not None:
            bound.datetime = self.datetime
        return bound


@strawberry.input(
    description="INEQUALITY: low.column ≤ high.column; RANGE: low ≤ column ≤ high (either "
    "bound may be left out); POSITIVE / NEGATIVE: column ≥ 0 / ≤ 0; FIXED_COMBINATIONS: "
    "columns only in real combinations; ONE_HOT: exactly one of columns is 1; UNIQUE: no "
    "value of column twice. strict makes ≤ a <"
)
class RuleInput:
    kind: RuleKind
    column: str | None = None
    columns: list[str] | None = None
    low: RuleBoundInput | None = None
    high: RuleBoundInput | None = None
    strict: bool = False

    def to_proto(self) -> pb.Rule:
        return pb.Rule(
            kind=self.kind.value,
            column=self.column or "",
            columns=self.columns or [],
            low=self.low.to_proto() if self.low is not None else None,
            high=self.high.to_proto() if self.high is not None else None,
            strict=self.strict,
        )
