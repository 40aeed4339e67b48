"""Text columns unique in every real row: names of colleges, companies, products.

Such a column is no key, so the engines learn it as a category, and drew its values again:
every synthetic name was a real one (a copy of a real row's identifying value, beside
another row's figures), many of them repeated. A user expects names like the real ones,
each once, and none of them a real one.

So, for a categorical column whose `UNIQUE_MIN_ROWS` or more real values are each in one
row, written in words (`MULTI_WORD_SHARE` of them two words or more), and that no rule of
the profile reads or sets (a dependency's source, a concatenation's part):

- each value is the engine's real name with one of its rarest capitalised words swapped
  for another real name's distinctive word at the same position (a capitalised word of
  letters in at most `DISTINCTIVE_ROWS` real names: `Abilene`, not `University` or `of`):
  `Abilene Christian University` becomes `Pikeville Christian University`, `Pontiac
  Firebird` `Pontiac Corolla`; never a real value, never one already made;
- failing that in `ATTEMPTS` draws, any of its capitalised words, then any distinctive word
  at all; a value with none to swap (`R&D`) is itself when not yet made, else an unused real
  value where one is left: drawn without repeats, as a category;
- a name with digits (`Apt 4B Tower`, `Acme Co000123x`) has its digits drawn anew first
  (`Apt 7B Tower`): its numbers tell it apart, and its words may be common ones, with none
  to swap (such names stayed real);
- conditioned columns (``frozen``) keep their values;
- a shard of a sharded job (``Shard``: shard ``index`` of ``count``) makes only the names
  whose CRC-32 modulo ``count`` is ``index``, with up to `SHARD_ATTEMPTS` times as many
  tries: the shards run at once and know nothing of each other's names, yet never make the
  same one (but for the fallbacks above, once the names the words make run out).

The evaluation report shows, per such column, the share of synthetic values equal to a real
one (``privacy.pii_replay``).
"""

from __future__ import annotations

import dataclasses
import zlib
from collections import Counter
from collections.abc import Collection, Iterator
from typing import Any

import numpy as np
import pandas as pd

from services.training.engines.profile import RULE_FIELDS

UNIQUE_MIN_ROWS = 20
MULTI_WORD_SHARE = 0.5
DISTINCTIVE_ROWS = 2
ATTEMPTS = 32
# After this many names in a row found no new name (every one the words make is made: a
# long run, or a shard's share of them), the rest of the chunk stops drawing and takes the
# fallbacks at once: a draw costs ATTEMPTS tries per value and per shard, for nothing.
GIVE_UP_AFTER = 64
SHARD_ATTEMPTS = 4
# The names a run keeps to make none twice (about 100 MB); past them a name may come again.
MAX_NAMES_KEPT = 1_000_000


@dataclasses.dataclass(frozen=True)
class Shard:
    """Which part of a sharded run these rows are: shard ``index`` of ``count``."""

    index: int = 0
    count: int = 1

    def owns(self, name: str) -> bool:
        return self.count == 1 or zlib.crc32(name.encode()) % self.count == self.index


WHOLE_RUN = Shard()


def ruled_columns(profile: Any) -> set[str]:
    """Every column a rule of the profile names (sources, targets, parts)."""
    names: set[str] = set()
    for field in RULE_FIELDS:
        names.update(_named(getattr(profile, field, ())))
    return names


def _named(rules: Any) -> Iterator[str]:
    for rule in rules:
        for field in dataclasses.fields(rule):
            value = getattr(rule, field.name)
            if isinstance(value, str):
                yield value
            elif isinstance(value, tuple):
                yield from (v for v in value if isinstance(v, str))


def unique_label_columns(profile: Any) -> list[Any]:
    """The profile's categorical columns of names unique in every real row."""
    ruled = ruled_columns(profile)
    found = []
    for column in profile.columns:
        if column.kind != "categorical" or column.name in ruled:
            continue
        categories = column.categories
        if len(categories) < UNIQUE_MIN_ROWS or any(c != 1 for c in column.category_counts):
            continue
        if not all(isinstance(c, str) for c in categories):
            continue
        words = sum(len(c.split()) >= 2 for c in categories)
        if words >= MULTI_WORD_SHARE * len(categories):
            found.append(column)
    return found


def invent_unique_labels(
    rows: pd.DataFrame, profile: Any, rng: np.random.Generator, frozen: Collection[str] = ()
) -> None:
    """Each unique-name column of ``rows`` (conformed: real categories) made anew, in place."""
    for column in unique_label_columns(profile):
        if column.name in frozen or column.name not in rows.columns:
            continue
        rows[column.name] = _invented(rows[column.name], column.categories, rng)


def _word(word: str) -> bool:
    """A capitalised word of letters (`Abilene`; not `of`, `SUNY`, `Mary's`, `A&M`), or a
    word of a script without capitals (Arabic `القاهرة`, Hindi, Hangul), whose names were
    otherwise left real."""
    if not word.isalpha():
        return False
    if word.lower() == word.upper():
        return True
    return word[:1].isupper() and not word.isupper()


def _distinctive(word: str, counts: Counter[str]) -> bool:
    return counts[word] <= DISTINCTIVE_ROWS and _word(word)


def made_once(
    rows: pd.DataFrame,
    profile: Any,
    rng: np.random.Generator,
    used: dict[str, set[str]],
    frozen: Collection[str] = (),
    shard: Shard = WHOLE_RUN,
) -> None:
    """The names of ``rows`` repeated in it or made before in the run (``used``: per column,
    updated), or that another shard of the run may make, made anew, in place. A chunk whose
    rows a condition or rule turned down is drawn in rounds, each made anew on its own, and a
    run is several chunks: College's names came back 18 times in 300 rows with Apps at least
    its median."""
    for column in unique_label_columns(profile):
        if column.name in frozen or column.name not in rows.columns:
            continue
        kept = used.setdefault(column.name, set())
        # Past MAX_NAMES_KEPT a chunk's names are kept to the chunk.
        taken = kept if len(kept) < MAX_NAMES_KEPT else set(kept)
        values = rows[column.name]
        again = (values.isin(taken) | values.duplicated()).to_numpy() & values.notna().to_numpy()
        if shard.count > 1:
            again |= values.map(lambda v: isinstance(v, str) and not shard.owns(v)).to_numpy(bool)
        if again.any():
            taken.update(values[~again].dropna())
            made = _invented(values[again], column.categories, rng, taken, shard)
            rows[column.name] = values.mask(
                again, pd.Series(made.to_numpy(), index=values.index[again])
            )
        taken.update(rows[column.name].dropna())


def _invented(
    values: pd.Series,
    categories: tuple[str, ...],
    rng: np.random.Generator,
    used: set[str] | None = None,
    shard: Shard = WHOLE_RUN,
) -> pd.Series:
    """``values`` made anew, none of them in ``used`` (updated with them), each one the
    ``shard`` owns where it can."""
    used = set() if used is None else used
    fresh = _Fresh(set(categories), used, shard)
    counts: Counter[str] = Counter(w for name in categories for w in set(name.split(" ")))
    pool = sorted(w for w in counts if _distinctive(w, counts))
    # The distinctive words at each position: a car's model for a model (`Pontiac Corolla`,
    # not `Pontiac Toyota`), a place for a place.
    placed: dict[int, set[str]] = {}
    for name in categories:
        for i, word in enumerate(name.split(" ")):
            if _distinctive(word, counts):
                placed.setdefault(i, set()).add(word)
    pools = {i: sorted(words) for i, words in placed.items() if len(words) >= 2}
    out: list[Any] = []
    misses = 0
    for value in values:
        if not isinstance(value, str):
            out.append(value)
            continue
        made = None
        if misses < GIVE_UP_AFTER:
            made = _renumbered(value, fresh, rng)
            if made is None and pool:
                made = _swap(value, pools, pool, counts, fresh, rng)
            tried = bool(pool) or any(ch.isdigit() for ch in value)
            misses = 0 if made is not None or not tried else misses + 1
        if made is None:
            made = value if value not in used and shard.owns(value) else None
        out.append(made)
        if made is not None:
            used.add(made)
    spare = [c for c in categories if c not in used and shard.owns(c)]
    rng.shuffle(spare)
    result = pd.Series(out, index=values.index, dtype=object)
    # Repeats left (one-word names): unused real names, while there are any.
    holes = np.flatnonzero(result.isna().to_numpy() & values.notna().to_numpy())
    for position, name in zip(holes, spare, strict=False):
        result.iloc[position] = name
    still = result.isna() & values.notna()
    result[still] = values[still]
    return result


@dataclasses.dataclass(frozen=True)
class _Fresh:
    """What a made name must be: no real one, none made before, one the shard owns."""

    real: set[str]
    used: set[str]
    shard: Shard

    @property
    def attempts(self) -> int:
        """A shard owns 1/count of the names: more tries, at most SHARD_ATTEMPTS times as
        many (a draw that fails costs them all)."""
        return ATTEMPTS * min(self.shard.count, SHARD_ATTEMPTS)

    def __call__(self, made: str) -> bool:
        return made not in self.real and made not in self.used and self.shard.owns(made)


def _renumbered(value: str, fresh: _Fresh, rng: np.random.Generator, longer: int = 2) -> str | None:
    """``value`` with its digits drawn anew (`Apt 4B Tower` becomes `Apt 7B Tower`, `Acme
    Co000123x` `Acme Co000871x`; a first digit that is not 0 stays not 0): its numbers are
    what tell it apart, and no word swap changes them. When every draw made a real or used
    name (`Apt 1A` to `Apt 9D` all taken), its last number gets a digit more (`Apt 37B`), up
    to ``longer`` times. None when it has no digits."""
    digits = [i for i, ch in enumerate(value) if ch.isdigit()]
    if not digits:
        return None
    chars = list(value)
    for _ in range(fresh.attempts):
        for i in digits:
            leading = i == 0 or not value[i - 1].isdigit()
            low = 1 if leading and value[i] != "0" else 0
            chars[i] = str(int(rng.integers(low, 10)))
        made = "".join(chars)
        if fresh(made):
            return made
    if not longer:
        return None
    wider = value[: digits[-1] + 1] + "0" + value[digits[-1] + 1 :]
    return _renumbered(wider, fresh, rng, longer - 1)


def _swap(
    value: str,
    pools: dict[int, list[str]],
    pool: list[str],
    counts: Counter[str],
    fresh: _Fresh,
    rng: np.random.Generator,
) -> str | None:
    words = value.split(" ")
    # The value's rarest words first (`Lutheran` in `Texas Lutheran College`), then any of
    # its capitalised words, then from the whole pool.
    rarest = min((counts[w] for w in words if _word(w)), default=0)
    capitalised = [i for i, w in enumerate(words) if _word(w)]
    rare = [i for i in capitalised if counts[words[i]] == rarest]
    for slots, anywhere in ((rare, False), (capitalised, False), (capitalised, True)):
        for _ in range(fresh.attempts if slots else 0):
            slot = slots[int(rng.integers(len(slots)))]
            choices = pool if anywhere else pools.get(slot, pool)
            word = choices[int(rng.integers(len(choices)))]
            made = " ".join([*words[:slot], word, *words[slot + 1 :]])
            if fresh(made):
                return made
    return None
