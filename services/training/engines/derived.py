"""The finders of the columns that generation sets from other columns rather than learns:
a column that one column determines (`common.contracts.dependencies`), a number column that
is the sum of others (`common.contracts.totals`) and a category column naming the largest of
some number columns (`common.contracts.leaders`), all among the learned columns."""

from __future__ import annotations

from collections.abc import Mapping

from common.contracts.dependencies import DependencyFinder
from common.contracts.leaders import LeaderFinder
from common.contracts.totals import TotalFinder


def dependency_finder(kinds: Mapping[str, str]) -> DependencyFinder:
    """A finder of the dependencies between the learned columns: categorical sources,
    categorical or numeric dependants (``kinds``: each column's profile kind)."""
    sources = [name for name, kind in kinds.items() if kind == "categorical"]
    targets = [name for name, kind in kinds.items() if kind in ("categorical", "numeric")]
    return DependencyFinder(sources, targets)


def total_finder(kinds: Mapping[str, str]) -> TotalFinder:
    """A finder of the totals among the learned number columns."""
    return TotalFinder([name for name, kind in kinds.items() if kind == "numeric"])


def leader_finder(kinds: Mapping[str, str]) -> LeaderFinder:
    """A finder of the category columns naming the largest of some learned number columns."""
    categories = [name for name, kind in kinds.items() if kind == "categorical"]
    return LeaderFinder(categories, [name for name, kind in kinds.items() if kind == "numeric"])
