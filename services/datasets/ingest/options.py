"""What the user may tell ingestion about a file, and the limits the service enforces."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, Field

FileFormat = Literal["auto", "csv", "tsv", "parquet", "json", "jsonl"]

MiB = 1024 * 1024


class IngestOptions(BaseModel):
    """User options; `None` means detect it from the content."""

    format: FileFormat = "auto"
    delimiter: str | None = Field(default=None, min_length=1, max_length=1)
    has_header: bool | None = None
    encoding: str | None = None
    column_names: list[str] | None = None
    missing_values: list[str] = Field(default_factory=list)
    holdout_fraction: float = Field(default=0.2, ge=0.0, le=0.9)
    seed: int = 0
    # The file's column types are the source's own (a database import): text columns stay
    # text instead of being typed from their values.
    typed_source: bool = False

    def stored(self) -> dict[str, object]:
        """The form kept in the dataset's row (JSONB), read back with ``model_validate``."""
        return self.model_dump(mode="json", exclude_none=True)


@dataclass(frozen=True)
class IngestLimits:
    """Service settings; every one of them produces a named error when exceeded."""

    max_bytes: int = 2 * 1024 * MiB
    max_rows: int = 50_000_000
    max_columns: int = 1000
    max_line_bytes: int = MiB
