"""StrEnums as stored and proto enums on the wire, mapped by name in one way everywhere.

A domain StrEnum member ``JobStatus.RUNNING`` ("running") is the proto value
``JOB_STATUS_RUNNING`` of the proto enum of the same name: the proto enum's name gives the
prefix, the member's name the rest. No lookup tables to keep in step.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import TypeVar

from google.protobuf.internal.enum_type_wrapper import EnumTypeWrapper

from synthetica.evaluation.v1 import evaluation_pb2

E = TypeVar("E", bound=StrEnum)


def _prefix(proto_enum: EnumTypeWrapper) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", proto_enum.DESCRIPTOR.name).upper() + "_"


def to_proto(member: StrEnum, proto_enum: EnumTypeWrapper) -> int:
    """``to_proto(JobStatus.RUNNING, training_pb2.JobStatus)`` -> ``JOB_STATUS_RUNNING``."""
    return proto_enum.Value(_prefix(proto_enum) + member.name)


def from_proto(enum: type[E], proto_enum: EnumTypeWrapper, number: int) -> E | None:
    """The member for a proto value; None for UNSPECIFIED or a value this build does not know
    (a newer peer's), so the caller decides what an absent value means."""
    try:
        name = proto_enum.Name(number)
    except ValueError:
        return None
    return enum.__members__.get(name.removeprefix(_prefix(proto_enum)))


class PrivacyVerdict(StrEnum):
    """The privacy verdict of a report: evaluation writes it, training keeps it on the batch
    (proto ``synthetica.evaluation.v1.PrivacyVerdict``)."""

    PASS = "pass"  # noqa: S105 (a verdict, not a password)
    WARN = "warn"
    FAIL = "fail"


def verdict_to_proto(stored: str) -> int:
    """A stored verdict ("pass", ..., or "" before evaluation) as the proto enum's value."""
    verdict = PrivacyVerdict.__members__.get(stored.upper())
    return 0 if verdict is None else to_proto(verdict, evaluation_pb2.PrivacyVerdict)


def verdict_from_proto(number: int) -> str:
    """The stored word for a proto verdict; "" for UNSPECIFIED (no verdict)."""
    verdict = from_proto(PrivacyVerdict, evaluation_pb2.PrivacyVerdict, number)
    return "" if verdict is None else verdict.value
