"""Ingestion of uploads: the pure core (file in, typed Parquet, metadata, stats out), plus
``runner`` (the pool of child processes in the service) and ``process`` (what one child does
for one upload)."""

from .errors import IngestError, MetadataError
from .metadata import (
    CategoricalRule,
    ColumnMetadata,
    ColumnUpdate,
    DatasetMetadata,
    MetadataUpdate,
    infer_metadata,
    validate_metadata_update,
)
from .names import validate_filename
from .options import IngestLimits, IngestOptions
from .pipeline import ColumnInfo, IngestResult, ingest
from .preview import preview_rows
from .split import HoldoutSplit, split_holdout
from .stats import DatasetStats, TableStats, compute_stats

__all__ = [
    "CategoricalRule",
    "ColumnInfo",
    "ColumnMetadata",
    "ColumnUpdate",
    "DatasetMetadata",
    "DatasetStats",
    "HoldoutSplit",
    "IngestError",
    "IngestLimits",
    "IngestOptions",
    "IngestResult",
    "MetadataError",
    "MetadataUpdate",
    "TableStats",
    "compute_stats",
    "infer_metadata",
    "ingest",
    "preview_rows",
    "split_holdout",
    "validate_filename",
    "validate_metadata_update",
]
