"""JSON arguments (engine options, generate conditions, template options) as protobuf
Structs, bounded in depth.

protobuf parses at most 100 nested messages, and a Struct spends three on each level of JSON
(the Struct, its map entry, the Value): an object nested some 33 levels deep was built here
but could not be read by the service, and the caller got "internal error". No option,
condition or template option needs more than a few levels, so a value nested deeper than
MAX_DEPTH is refused, naming the argument.
"""

from __future__ import annotations

from google.protobuf import struct_pb2

from gateway.errors import ApiError

MAX_DEPTH = 10


def depth(value: object) -> int:
    """How deep objects and lists nest in ``value`` (a scalar: 0), counted without recursion
    and only up to one past MAX_DEPTH."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        if level > MAX_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def struct_of(value: object, field: str) -> struct_pb2.Struct | None:
    """``value`` (a JSON object, or None) as a Struct; BAD_USER_INPUT naming ``field`` when
    it is not an object or nests deeper than MAX_DEPTH."""
    if value is None:
        return None
    problem = None
    if not isinstance(value, dict):
        problem = "must be a JSON object"
    elif depth(value) > MAX_DEPTH:
        problem = f"must not nest objects and lists more than {MAX_DEPTH} levels deep"
    if problem is not None:
        raise ApiError(
            f"{field} {problem}",
            code="BAD_USER_INPUT",
            fields=[{"field": field, "message": problem}],
        )
    message = struct_pb2.Struct()
    message.update(value)
    return message
