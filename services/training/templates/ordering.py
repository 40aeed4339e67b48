"""The order a schema is generated in: tables after the tables their foreign keys point to,
fields after the fields their expressions read."""

from __future__ import annotations

from collections.abc import Iterator

from common.contracts.template_schema import FieldSpec, Schema, TableSpec
from services.training.templates.expressions import (
    Expression,
    ExpressionError,
    compile_expression,
    compile_template,
)


def field_order(schema: Schema, table_index: int) -> list[int]:
    """Field indices of a table in an order where every field comes after what it reads."""
    table = schema.tables[table_index]
    positions = {f.name: i for i, f in enumerate(table.fields)}
    order: list[int] = []
    state: dict[int, int] = {}

    def visit(i: int) -> None:
        if state.get(i) == 2:
            return
        state[i] = 1
        for name in sorted(reads(table.fields[i])):
            if name in positions and state.get(positions[name]) != 1:
                visit(positions[name])
        state[i] = 2
        order.append(i)

    for i in range(len(table.fields)):
        visit(i)
    return order


def table_order(schema: Schema) -> list[int]:
    """Table indices, parents (foreign key targets) before their children."""
    names = {t.name: i for i, t in enumerate(schema.tables)}
    order: list[int] = []
    seen: set[int] = set()

    def visit(i: int) -> None:
        if i in seen:
            return
        seen.add(i)
        for parent in parents(schema.tables[i]):
            if parent in names:
                visit(names[parent])
        order.append(i)

    for i in range(len(schema.tables)):
        visit(i)
    return order


def parents(table: TableSpec) -> list[str]:
    return [f.foreign_key.table for f in table.fields if f.foreign_key]


def field_expression(spec: FieldSpec) -> Expression | None:
    """The compiled ``derive`` or ``template`` of a field, or None for generated fields."""
    if spec.derive:
        return compile_expression(spec.derive)
    if spec.template:
        return compile_template(spec.template)
    return None


def reads(spec: FieldSpec) -> frozenset[str]:
    try:
        expression = field_expression(spec)
    except ExpressionError:
        return frozenset()
    return expression.names if expression else frozenset()


def cycles(graph: dict[str, list[str]]) -> Iterator[list[str]]:
    """Yield one cycle per strongly tangled group, as a path that returns to its start."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> Iterator[list[str]]:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                yield [*stack[stack.index(nxt) :], nxt]
            elif nxt in graph and nxt not in state:
                yield from visit(nxt)
        stack.pop()
        state[node] = 2

    for node in graph:
        if node not in state:
            yield from visit(node)
