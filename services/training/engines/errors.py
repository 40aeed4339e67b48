"""The engine layer's errors (`UnknownEngineError`, which lists the registry, is in ``base``).
They pickle with their fields: an engine's error raised in the runner's child process reaches
the worker as itself."""

from __future__ import annotations

from typing import Any


class EngineError(Exception):
    """Base class of every error raised by the engine layer. One whose constructor takes
    other arguments than its message names the attributes that hold them in ``fields``
    (in order): it pickles with those."""

    fields: tuple[str, ...] = ()

    def __reduce__(self) -> Any:
        if not self.fields:
            return super().__reduce__()
        return (type(self), tuple(getattr(self, name) for name in self.fields))


class InvalidParamsError(EngineError):
    fields = ("field", "message")

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class InvalidConditionError(EngineError):
    fields = ("column", "message")

    def __init__(self, column: str, message: str) -> None:
        self.column = column
        self.message = message
        super().__init__(f"condition on {column!r}: {message}")
