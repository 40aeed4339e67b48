"""The template schema, a contract: tables of typed fields, derivations and foreign keys.
Training validates, stores and generates it; evaluation reads it back to check that a
template batch conforms.

Types and distributions are plain strings here so that :func:`validate_schema` can
report every unknown one at once, with the path of the field that uses it.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

Scalar = bool | int | float | str


class SchemaError(ValueError):
    """A schema or request that cannot be generated; ``errors`` holds ``(path, message)``."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{path}: {message}" for path, message in errors))


class ForeignKey(BaseModel):
    """Points a field at a unique key field of another table of the same schema."""

    model_config = ConfigDict(extra="forbid")

    table: str
    field: str
    # "random": each child picks a parent at random; "sequential": children come in
    # contiguous blocks per parent (time series per device).
    mode: str = "random"


class FieldSpec(BaseModel):
    """One column. ``derive`` / ``template`` compute it from other fields of the same row."""

    model_config = ConfigDict(extra="forbid")

    name: str
    type: str
    distribution: str | None = None
    params: dict[str, Scalar] = Field(default_factory=dict)
    null_rate: float = 0.0
    unique: bool = False
    min: int | float | str | None = None
    max: int | float | str | None = None
    format: str | None = None
    regex: str | None = None
    categories: list[Scalar] | None = None
    weights: list[float] | None = None
    derive: str | None = None
    template: str | None = None
    foreign_key: ForeignKey | None = None
    # Hidden fields take part in derivations but are not written out.
    hidden: bool = False


class TableSpec(BaseModel):
    """A table: a fixed ``count``, or ``rows_per_parent`` children per row of its FK parent."""

    model_config = ConfigDict(extra="forbid")

    name: str
    count: int | None = None
    rows_per_parent: float | None = None
    fields: list[FieldSpec]


class Schema(BaseModel):
    """A whole custom schema; tables may reference each other with foreign keys."""

    model_config = ConfigDict(extra="forbid")

    tables: list[TableSpec]


def _path(loc: tuple[int | str, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "schema"


def parse_schema(data: str | bytes | dict[str, Any] | Schema) -> Schema:
    """A :class:`Schema` from JSON text or a dict; shape errors raise :class:`SchemaError`."""
    if isinstance(data, Schema):
        return data
    try:
        if isinstance(data, str | bytes):
            data = json.loads(data)
        return Schema.model_validate(data)
    except json.JSONDecodeError as exc:
        raise SchemaError([("schema", f"invalid JSON: {exc.msg} at line {exc.lineno}")]) from None
    except ValidationError as exc:
        errors = [(_path(tuple(e["loc"])), e["msg"]) for e in exc.errors()]
        raise SchemaError(errors) from None
