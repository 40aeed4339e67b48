"""What bounds a report's work on a wide table: the column pairs it scores, the columns its
correlation matrices hold, and the rows its utility models and privacy search take.

Pairwise parts grow with the square of the column count: 124,750 pairs in a 500-column
table, 499,500 in a 1,000-column one (the upload limit). Up to ``MAX_PAIRS`` pairs every
pair is scored, as always; past it, the pairs a user watches (the utility target with each
column, the columns of each declared rule, a dependency's source with each column it
determines, a total with its parts, a leader with its numbers) and, to fill ``MAX_PAIRS``,
a sample of the others drawn with the report's seed (same table and seed, same pairs). The
score is the mean over the pairs scored, which the report counts. The mean of a sample of
2,000 pair scores, each between 0 and 1, is within 0.03 of the mean over all the pairs it
is drawn from with 95 % confidence (Hoeffding, which holds drawn without replacement too);
the watched pairs are scored in full. The correlation matrices keep at most
``MAX_MATRIX_COLUMNS`` columns the same way (the watched ones first): a heatmap of 50
columns is already 1,225 cells.

Rows: the utility models' work grows with rows x columns, the privacy search's with rows x
rows x columns. Each takes at most the rows that keep its work within a fixed budget: the
utility models 5,000,000 cells (``UTILITY_CELLS``: 50,000 rows up to 100 columns), the
privacy search what 30,000 rows of 15 columns cost (``PRIVACY_WORK``: adult's 26,049 training
rows keep them all; 8,660 rows of 500 columns took 119 s, 5,196 take a third of it). The rows
are a seeded sample as for any row cap, and the report's sample sizes say how many.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from common.contracts.dependencies import Dependency
from common.contracts.rules import Rule
from services.evaluation.report.models import LeaderCheck, TotalCheck

MAX_PAIRS = 2_000
MAX_MATRIX_COLUMNS = 50
UTILITY_CELLS = 5_000_000  # 10,000 rows of 500 columns
PRIVACY_WORK = 30_000 * 30_000 * 15  # 5,196 rows of 500 columns

Pair = tuple[str, str]


def pair_count(columns: int) -> int:
    return columns * (columns - 1) // 2


def utility_rows(cap: int | None, columns: int) -> int:
    """The rows the utility models train on: ``cap``, or fewer on a wide table."""
    return min(cap or UTILITY_CELLS, max(1_000, UTILITY_CELLS // max(columns, 1)))


def privacy_rows(cap: int | None, columns: int) -> int:
    """The rows per table the privacy search takes: ``cap``, or fewer on a wide table."""
    bound = math.isqrt(PRIVACY_WORK // max(columns, 1))
    return min(cap or bound, bound)


def watched_pairs(
    *,
    target: str | None,
    columns: Sequence[str],
    metadata: Mapping[str, Any],
    dependencies: Iterable[Dependency] = (),
    totals: Iterable[TotalCheck] = (),
    leaders: Iterable[LeaderCheck] = (),
) -> list[Pair]:
    """The pairs a user watches: those within each rule's columns, each dependency's, each
    total's and each leader's, then the target with every column (so the columns of these
    come first, then the target, when `choose_columns` takes the first ones)."""
    groups = [Rule.model_validate(r).named_columns() for r in metadata.get("rules") or []]
    groups += [[d.source, *d.columns] for d in dependencies]
    groups += [[t.column, *t.parts] for t in totals] + [[c.column, *c.columns] for c in leaders]
    pairs = [pair for group in groups for pair in itertools.combinations(dict.fromkeys(group), 2)]
    return pairs + [(target, name) for name in columns if target not in (None, name)]


def choose_pairs(
    columns: Sequence[str], watched: Iterable[Pair], cap: int, seed: int
) -> list[Pair] | None:
    """The pairs of ``columns`` to score, in column order; None: every pair (no more than
    ``cap``)."""
    size = len(columns)
    if pair_count(size) <= cap:
        return None
    position = {name: i for i, name in enumerate(columns)}
    chosen: dict[int, None] = {}
    for a, b in watched:
        if a in position and b in position and a != b:
            i, j = sorted((position[a], position[b]))
            chosen[i * size + j] = None
    kept = list(chosen)[:cap]
    first, second = np.triu_indices(size, k=1)
    others = np.setdiff1d(first * size + second, np.asarray(kept, dtype=np.int64))
    drawn = np.random.default_rng(seed).choice(others, cap - len(kept), replace=False)
    flat = np.sort(np.concatenate([np.asarray(kept, dtype=np.int64), drawn]))
    return [(columns[k // size], columns[k % size]) for k in flat.tolist()]


def choose_columns(
    columns: Sequence[str], watched: Iterable[Pair], cap: int, seed: int
) -> list[str]:
    """At most ``cap`` of ``columns``, in column order: the watched ones first (in the order
    they are watched), then a seeded sample of the others."""
    if len(columns) <= cap:
        return list(columns)
    present = set(columns)
    first = [name for name in dict.fromkeys(itertools.chain(*watched)) if name in present]
    kept = set(first[:cap])
    rest = [name for name in columns if name not in kept]
    rng = np.random.default_rng(seed)
    kept |= {rest[i] for i in rng.choice(len(rest), cap - len(kept), replace=False)}
    return [name for name in columns if name in kept]
