"""A limit on fields asked again under the same name, checked before validation.

GraphQL's OverlappingFieldsCanBeMerged rule compares every pair of fields that share a
response name in a selection set, which is quadratic: ``{ me { id email } me { id email } ...}``
790 times, a 12 KB request within the token limit, cost the gateway 0.6-0.8 s of CPU to
validate, whoever sent it (validation needs no credentials). A real query names a field once
or a few times (a fragment and the field beside it), so the pairs of same-named fields,
counted over every selection set with fragments expanded (each fragment once per selection
set, as execution does), must stay under a small budget; past it the query is refused
before validation starts, in linear time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    Node,
    SelectionSetNode,
)
from strawberry.extensions import ValidationCache


def repeated_pairs(document: DocumentNode) -> int:
    """Pairs of fields with the same response name in the same selection set, summed over
    the document's selection sets."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    total = 0
    for selection_set in _selection_sets(document):
        names = Counter(_response_names(selection_set, fragments, set()))
        total += sum(n * (n - 1) // 2 for n in names.values())
    return total


def _selection_sets(node: Node) -> Iterator[SelectionSetNode]:
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, SelectionSetNode):
            yield current
        for key in current.keys:
            value = getattr(current, key, None)
            if isinstance(value, Node):
                stack.append(value)
            elif isinstance(value, tuple | list):
                stack.extend(v for v in value if isinstance(v, Node))


def _response_names(
    selection_set: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    spread: set[str],
) -> Iterator[str]:
    """The response names this selection set asks for itself (fragments expanded, each
    fragment once: ``spread`` holds those already expanded, which also stops cycles)."""
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield (selection.alias or selection.name).value
        elif isinstance(selection, InlineFragmentNode):
            yield from _response_names(selection.selection_set, fragments, spread)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name in spread or name not in fragments:
                continue
            spread.add(name)
            yield from _response_names(fragments[name].selection_set, fragments, spread)


def guarded_validation_cache(max_pairs: int, maxsize: int) -> type[ValidationCache]:
    """Strawberry's ValidationCache, refusing a document with more than ``max_pairs``
    repeated field pairs before the (cached) validation runs."""

    class GuardedValidationCache(ValidationCache):
        def __init__(self) -> None:
            super().__init__(maxsize=maxsize)

        def on_validate(self) -> Iterator[None]:
            document = self.execution_context.graphql_document
            pairs = repeated_pairs(document) if document is not None else 0
            if pairs > max_pairs:
                self.execution_context.pre_execution_errors = [
                    GraphQLError(
                        f"the query asks for fields again under the same name too often ({pairs}"
                        f" pairs; at most {max_pairs}): ask for each field once",
                        extensions={
                            "code": "QUERY_TOO_COSTLY",
                            "reason": "FIELDS_REPEATED",
                            "limit": max_pairs,
                        },
                    )
                ]
                yield
                return
            yield from super().on_validate()

    return GuardedValidationCache
