"""Errors raised by ingestion; the gRPC layer maps them to INVALID_ARGUMENT / RESOURCE_EXHAUSTED."""

from __future__ import annotations


class IngestError(Exception):
    """A file that cannot be ingested, with a stable `code` and a message that names the problem."""

    def __init__(self, code: str, message: str, *, line: int | None = None) -> None:
        self.code = code
        self.message = f"line {line}: {message}" if line is not None else message
        self.line = line
        super().__init__(self.message)


class MetadataError(Exception):
    """A metadata update that does not fit the data; `problems` lists (column, problem) pairs."""

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"column {col!r}: {problem}" for col, problem in problems))
