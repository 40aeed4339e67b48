"""The tables of a dataset: their names, and the dataset's shape as a RelationalSchema.

A table name is an identifier (a letter or underscore, then letters, digits, underscores;
at most 63 characters, PostgreSQL's limit): it names a file of a synthetic batch and a table
of its SQL download, so it never holds a path or a quote. The first table of a dataset
(the one its upload created) is named after the file, or the dataset, when the user gives
no name.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from common.errors import InvalidArgument

if TYPE_CHECKING:
    from services.datasets.models import Dataset

MAX_TABLE_NAME_CHARS = 63
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_NOT_WORD = re.compile(r"[^a-z0-9_]+")


def validate_table_name(value: str, field: str = "table_name") -> str:
    if not _IDENTIFIER.fullmatch(value):
        raise InvalidArgument(
            f"a table name is a letter or underscore, then letters, digits or underscores "
            f"(at most {MAX_TABLE_NAME_CHARS} characters); {value[:80]!r} is not",
            field=field,
            reason="INVALID_TABLE_NAME",
        )
    return value


def default_table_name(file_name: str, dataset_name: str) -> str:
    """``orders.csv`` → ``orders``; ``Adult (train).csv.gz`` → ``adult_train``."""
    stem = PurePosixPath(file_name).name.split(".")[0] if file_name else ""
    for candidate in (stem, dataset_name):
        slug = _NOT_WORD.sub("_", candidate.lower()).strip("_")[:MAX_TABLE_NAME_CHARS]
        if slug:
            return slug if not slug[0].isdigit() else f"t_{slug}"[:MAX_TABLE_NAME_CHARS]
    return "table"


def first_table_name(dataset: Dataset) -> str:
    """The name of the table a dataset's upload created (derived for datasets from before
    tables had names)."""
    return dataset.table_name or default_table_name(dataset.file_name, dataset.name)
