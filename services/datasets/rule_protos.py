"""Where the training worker still imports rule conversion from (its module is being changed
on another branch): the conversion itself is a shared contract, common.contracts.rule_protos;
tests/test_import_boundaries.py lists this one import and fails once it is gone."""

from common.contracts.rule_protos import rules_from_proto

__all__ = ["rules_from_proto"]
