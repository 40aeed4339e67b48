"""Rules (``common.contracts.rules``) to ``synthetica.datasets.v1.Rule`` messages and back:
datasets sends them with a dataset, training and evaluation read them from it."""

from __future__ import annotations

import json
from typing import Any

from common.contracts.rules import Bound, Rule, RuleKind
from common.enums import to_proto
from synthetica.datasets.v1 import datasets_pb2

KINDS = {kind: to_proto(kind, datasets_pb2.RuleKind) for kind in RuleKind}
KIND_NAMES = {value: kind for kind, value in KINDS.items()}


def rule_to_proto(rule: Rule) -> datasets_pb2.Rule:
    return datasets_pb2.Rule(
        kind=KINDS[rule.kind],
        column=rule.column,
        columns=rule.columns,
        low=_bound_to_proto(rule.low),
        high=_bound_to_proto(rule.high),
        strict=rule.strict,
        real_violation_count=rule.real_violation_count,
        description=rule.describe(),
        combinations_json=[json.dumps(c) for c in rule.combinations],
    )


def _bound_to_proto(bound: Bound | None) -> datasets_pb2.RuleBound | None:
    if bound is None:
        return None
    return datasets_pb2.RuleBound(**bound.model_dump(exclude_none=True))


def rule_request(message: datasets_pb2.Rule) -> dict[str, Any]:
    """A rule as the user sent it (outputs left out), for ``parse_rules`` to check."""
    data: dict[str, Any] = {
        "kind": KIND_NAMES.get(message.kind, "unspecified"),
        "column": message.column,
        "columns": list(message.columns),
        "strict": message.strict,
    }
    for field in ("low", "high"):
        if message.HasField(field):
            bound = getattr(message, field)
            which = bound.WhichOneof("bound")
            data[field] = {which: getattr(bound, which)} if which else {}
    return data


def rules_from_proto(dataset: datasets_pb2.Dataset) -> list[Rule]:
    """A stored dataset's rules, outputs included (as datasets checked them)."""
    rules = []
    for message in dataset.rules:
        data = rule_request(message)
        data["real_violation_count"] = message.real_violation_count
        data["combinations"] = [json.loads(c) for c in message.combinations_json]
        rules.append(Rule.model_validate(data))
    return rules
