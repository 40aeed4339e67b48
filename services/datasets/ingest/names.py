"""Column names and user file names."""

from __future__ import annotations

import re

from .errors import IngestError

_UNSAFE_FILENAME = re.compile(r"[\x00-\x1f\x7f<>:\"'`|?*\\/]")
MAX_FILENAME_CHARS = 255


def unique_names(raw: list[str]) -> list[str]:
    """Strip names, generate `column_<i>` (1-based) for empty ones, and suffix duplicates `_2`."""
    stripped = [name.strip() or f"column_{i + 1}" for i, name in enumerate(raw)]
    taken: set[str] = set()
    result: list[str] = []
    for name in stripped:
        candidate, suffix = name, 2
        while candidate in taken:
            candidate, suffix = f"{name}_{suffix}", suffix + 1
        taken.add(candidate)
        result.append(candidate)
    return result


def resolve_names(detected: list[str] | None, count: int, user: list[str] | None) -> list[str]:
    """The user's names win over the header's; otherwise names are generated."""
    if user is not None:
        if len(user) != count:
            raise IngestError(
                "column_count_mismatch",
                f"{len(user)} column names were given but the file has {count} columns",
            )
        return unique_names(user)
    return unique_names(detected if detected is not None else [""] * count)


def validate_filename(name: str) -> str:
    """The user's file name, stripped, for display only; storage keys never come from it.

    Raises IngestError("invalid_filename") for path parts, markup or control characters.
    """
    cleaned = name.strip()
    if not cleaned or len(cleaned) > MAX_FILENAME_CHARS:
        raise IngestError("invalid_filename", "the file name is empty or too long")
    if cleaned in (".", "..") or _UNSAFE_FILENAME.search(cleaned):
        raise IngestError(
            "invalid_filename",
            f"the file name {cleaned!r} contains a path or characters that are not allowed",
        )
    return cleaned
