"""A query cost limit, beside the depth, token and alias limits.

Each field costs 1, and a field that takes ``first`` multiplies the cost of what it selects
by the page size asked for: ``projects(first: 100) { datasets(first: 100) { name } }`` costs
about 10,000. ``previewRows(n:)`` counts each row it asks for (it selects nothing, and one
row can hold a thousand columns): ``datasets(first: 100) { nodes { previewRows(n: 50) } } }``
costs about 5,200, where it cost 200 and 30 aliases of it read 3,000 previews in one request.
A size passed as a variable counts as the largest the field gives (200 on a page, 1,000
preview rows), since validation runs before variables are known; a missing one counts as its
default."""

from __future__ import annotations

from typing import Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    ValidationContext,
    ValidationRule,
    get_named_type,
)

from common.pagination import MAX_PAGE_SIZE

# The arguments that say how many items a field gives, and the most it gives for each (the
# datasets and training services preview at most 1,000 rows).
SIZE_ARGUMENTS = {"first": MAX_PAGE_SIZE, "n": 1000}


def cost_limit_rule(max_cost: int) -> type[ValidationRule]:
    class QueryCost(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            root = {
                OperationType.QUERY: self.context.schema.query_type,
                OperationType.MUTATION: self.context.schema.mutation_type,
                OperationType.SUBSCRIPTION: self.context.schema.subscription_type,
            }[node.operation]
            if root is None:
                return
            cost = _selection_cost(self.context, node.selection_set, root, set())
            if cost > max_cost:
                self.report_error(
                    GraphQLError(
                        f"query cost {cost} exceeds the limit of {max_cost}: ask for smaller"
                        " pages or fewer nested lists",
                        node,
                        extensions={"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": max_cost},
                    )
                )

    return QueryCost


def _selection_cost(
    context: ValidationContext,
    selection_set: SelectionSetNode | None,
    parent: GraphQLObjectType,
    seen_fragments: set[str],
) -> int:
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            total += _field_cost(context, selection, parent, seen_fragments)
        elif isinstance(selection, InlineFragmentNode):
            condition = selection.type_condition
            target = context.schema.get_type(condition.name.value) if condition else parent
            total += _selection_cost(
                context, selection.selection_set, target or parent, seen_fragments
            )
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = context.get_fragment(name)
            if fragment is None or name in seen_fragments:
                continue
            target = context.schema.get_type(fragment.type_condition.name.value) or parent
            total += _selection_cost(
                context, fragment.selection_set, target, seen_fragments | {name}
            )
    return total


def _field_cost(
    context: ValidationContext, node: FieldNode, parent: Any, seen_fragments: set[str]
) -> int:
    fields = getattr(parent, "fields", None) or {}
    definition = fields.get(node.name.value)
    if definition is None:  # __typename, introspection, or an unknown field others report
        return 1
    child = get_named_type(definition.type)
    children = _selection_cost(context, node.selection_set, child, seen_fragments)
    size = _size(node, definition)
    if size is None:
        return 1 + children
    # A list of values (preview rows) selects nothing: each of its items counts one.
    return 1 + size * max(children, 1)


def _size(node: FieldNode, definition: Any) -> int | None:
    """How many items the field is asked for; None for a field without a size argument."""
    for name, largest in SIZE_ARGUMENTS.items():
        argument = definition.args.get(name)
        if argument is None:
            continue
        for given in node.arguments or ():
            if given.name.value == name:
                if isinstance(given.value, IntValueNode):
                    return max(1, int(given.value.value))
                return largest
        default = argument.default_value
        return default if isinstance(default, int) and default > 0 else largest
    return None
