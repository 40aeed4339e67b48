"""DatasetsService's rules RPC: an editor replaces the rules a dataset's synthetic rows must
obey; each is checked against the real rows (a rule the real data breaks is kept, with its
count, for the user to judge). DatasetsServicer serves it."""

from __future__ import annotations

import asyncio
from typing import Any

import grpc
import pandas as pd
from sqlalchemy.orm import Session

from common.contracts.rule_checks import checked_on_real
from common.contracts.rule_protos import rule_request
from common.contracts.rules import MAX_RULES, Rule, RulesError, parse_rules
from common.db import Database
from common.errors import FailedPrecondition, FieldViolation, InvalidArgument
from common.storage import Storage
from services.datasets import convert, files, models, service
from services.datasets.member_rpcs import calling_user
from synthetica.datasets.v1 import datasets_pb2

# Arrow types whose values rules compare as numbers or as datetimes (whatever the sdtype: a
# numeric code typed categorical still compares as a number).
_KINDS = {"int": "numeric", "uint": "numeric", "float": "numeric", "double": "numeric"}
_KINDS |= {"decimal": "numeric", "timestamp": "datetime", "date": "datetime"}


class RuleRpcs:
    """The rules part of DatasetsServicer, which provides these attributes."""

    db: Database
    storage: Storage

    async def UpdateDatasetRules(
        self, request: datasets_pb2.UpdateDatasetRulesRequest, context: grpc.aio.ServicerContext
    ) -> datasets_pb2.UpdateDatasetRulesResponse:
        user = calling_user()
        args = {"user_id": user.user_id, "dataset_id": request.dataset_id}
        dataset = await self.db.call(service.get_dataset, **args, required=models.EDITOR)
        service.require_ready(dataset)
        if dataset.added_tables:
            raise FailedPrecondition(
                "rules apply to a dataset of one table", reason="RULES_NEED_ONE_TABLE"
            )
        if len(request.rules) > MAX_RULES:
            raise InvalidArgument(
                f"at most {MAX_RULES} rules", field="rules", reason="INVALID_RULES"
            )
        requested = [rule_request(rule) for rule in request.rules]
        checked = await asyncio.to_thread(_checked, self.storage, dataset, requested)
        saved = await self.db.call(save_rules, **args, rules=checked)
        return datasets_pb2.UpdateDatasetRulesResponse(dataset=convert.dataset_to_proto(saved))


def _checked(storage: Storage, dataset: models.Dataset, requested: list[Any]) -> list[Rule]:
    """The rules, validated against the columns, with their counts on the real rows."""
    kinds = {c["name"]: column_kind(c["type"]) for c in dataset.columns}
    try:
        rules = parse_rules(requested, kinds)
        named = sorted({column for rule in rules for column in rule.named_columns()})
        _, unit = service.resolve_table(dataset, "")
        rows = _real_rows(storage, unit, named)
        return checked_on_real(rows, rules)
    except RulesError as exc:
        violations = [FieldViolation(path, message) for path, message in exc.errors]
        raise InvalidArgument(
            exc.errors[0][1] if len(exc.errors) == 1 else str(exc),
            violations=violations,
            reason="INVALID_RULES",
        ) from exc


def column_kind(arrow_type: str) -> str:
    """``numeric``, ``datetime`` or ``other`` for a column's Arrow type (``int64``, ...)."""
    prefix = arrow_type.rstrip("0123456789").split("[", 1)[0]
    return _KINDS.get(prefix, "other")


def _real_rows(storage: Storage, unit: str, columns: list[str]) -> pd.DataFrame:
    if not columns:
        return pd.DataFrame()
    return files.read_columns(storage, unit, columns).to_pandas()


def save_rules(
    *, session: Session, user_id: str, dataset_id: str, rules: list[Rule]
) -> models.Dataset:
    """Stores the rules an editor set (checked by the caller against the data)."""
    dataset = service.get_dataset(
        session=session, user_id=user_id, dataset_id=dataset_id, required=models.EDITOR
    )
    service.require_ready(dataset)
    dataset.rules = [rule.model_dump(mode="json") for rule in rules]
    dataset.updated_at = service.utcnow()
    session.flush()
    return dataset
