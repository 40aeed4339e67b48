"""What a queued job needs besides its row, one type per job kind, stored in the job's
``request`` column as JSON and read back as the same type (never a dict read by key).

A train job has none: everything it needs is the model's row (engine, params, dataset).
Unknown keys are ignored on reading, so a job queued by a newer API role still runs here.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.training.engines.sampling import ANOMALY_COLUMN

CUSTOM_SCHEMA = "custom schema"


class _Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True)

    def to_json(self) -> dict[str, Any]:
        """The form stored in the JSONB column."""
        return self.model_dump(mode="json", by_alias=True, exclude_none=True)


class GeneratePayload(_Payload):
    count: int
    seed: int
    # Column -> fixed value, already validated against the model's columns.
    conditions: dict[str, Any] = Field(default_factory=dict)
    anomaly_ratio: float = 0.0
    # Empty: anomalies are not marked.
    mark_column: str = ""
    enforce_bounds: bool = False

    @property
    def anomaly_column(self) -> str:
        return self.mark_column or ANOMALY_COLUMN


class TemplatePayload(_Payload):
    """A built-in template (``builtin`` with its ``options``) or a custom ``schema``; a saved
    template's schema is copied in, so deleting the template later does not break the job."""

    builtin: str | None = None
    options: dict[str, Any] | None = None
    # "schema" on the wire: the attribute name would shadow pydantic's BaseModel.schema().
    spec: dict[str, Any] | None = Field(default=None, alias="schema")
    count: int
    seed: int
    locale: str
    chunk_rows: int
    # What the job is called in lists: the built-in's or saved template's name, or "custom
    # schema" (jobs queued before it was stored: the built-in's name or "custom schema").
    name: str | None = None

    @property
    def title(self) -> str:
        return self.name or self.builtin or CUSTOM_SCHEMA
