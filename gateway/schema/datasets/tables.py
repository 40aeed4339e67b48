"""Datasets: the GraphQL objects and inputs of the relations between a dataset's tables (their
keys, sequences and links, and the problems found in the links' values), built from and into
the domain's protos. The dataset and its tables are in ``types``.
"""

from __future__ import annotations

import strawberry

from gateway.schema.common import FromProto, from_message
from synthetica.datasets.v1 import datasets_pb2 as pb


@strawberry.type(description="rows sharing entityKey form one sequence, ordered by orderColumn")
class SequenceSpec(FromProto[pb.SequenceSpec]):
    entity_key: str
    order_column: str


@strawberry.type(description="childTable.childColumn holds values of parentTable.parentColumn")
class ForeignKey(FromProto[pb.ForeignKey]):
    parent_table: str
    parent_column: str
    child_table: str
    child_column: str


@strawberry.type(
    description="what is wrong with one link's values, counted over the whole tables "
    "(rows are kept, never dropped)"
)
class ReferentialProblems:
    foreign_key: ForeignKey
    orphan_count: int = strawberry.field(
        description="child rows whose key is not among the parent's keys"
    )
    orphan_examples: list[str]
    duplicate_parent_key_count: int = strawberry.field(
        description="parent key values that appear more than once"
    )
    duplicate_parent_key_examples: list[str]
    null_child_key_count: int
    null_parent_key_count: int

    @classmethod
    def from_proto(cls, found: pb.ReferentialProblems) -> ReferentialProblems:
        return from_message(cls, found, foreign_key=ForeignKey.from_proto(found.foreign_key))


@strawberry.input(description="rows sharing entityKey form one sequence, ordered by orderColumn")
class SequenceInput:
    entity_key: str
    order_column: str


@strawberry.input(description="a table's keys, replaced whole")
class TableKeysInput:
    table: str
    primary_key: str | None = strawberry.field(default=None, description="null: none")
    sequence: SequenceInput | None = strawberry.field(
        default=None, description="null: the table is not sequential"
    )

    def to_proto(self) -> pb.TableKeys:
        return pb.TableKeys(
            table=self.table,
            primary_key=self.primary_key or "",
            sequence=pb.SequenceSpec(
                entity_key=self.sequence.entity_key, order_column=self.sequence.order_column
            )
            if self.sequence is not None
            else None,
        )


@strawberry.input(description="childTable.childColumn holds values of parentTable.parentColumn")
class ForeignKeyInput:
    parent_table: str
    parent_column: str
    child_table: str
    child_column: str

    def to_proto(self) -> pb.ForeignKey:
        return pb.ForeignKey(
            parent_table=self.parent_table,
            parent_column=self.parent_column,
            child_table=self.child_table,
            child_column=self.child_column,
        )
