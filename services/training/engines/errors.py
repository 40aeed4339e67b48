"""The engine layer's errors (`UnknownEngineError`, which lists the registry, is in ``base``).
They pickle with their fields: an engine's error raised in the runner's child process reaches
the worker as itself."""

from __future__ import annotations

from typing import Any


class EngineError(Exception):
    """Base class of every error raised by the engine layer."""


class InvalidParamsError(EngineError):
    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.field, self.message))


class InvalidConditionError(EngineError):
    def __init__(self, column: str, message: str) -> None:
        self.column = column
        self.message = message
        super().__init__(f"condition on {column!r}: {message}")

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.column, self.message))
