"""Places: the states, cities, postal codes and phone area codes that belong together.

A row of a table draws one place, and every address-like field of the row (``city``,
``state``, ``postal_code``, ``address``, a ``phone``'s area code) is written from it, so no
row says "Springfield, TX 99501". What agrees comes from offline data, as far as it goes:

- en_US: every active STANDARD ZIP code of the 50 states and DC (the ``zipcodes`` package):
  its city, state and one of its area codes.
- fr_FR: Faker's départements: the state is the département, and the postal code starts
  with its number (20 for Corsica, 971..976 overseas). Faker's French cities are invented
  names and stay independent.
- ja_JP: Faker's cities, which are the cities and wards of Chiba, Tokyo and Kanagawa, with
  their prefecture, and a postal code in the prefecture's range (Faker's towns, which
  street addresses use, have no city: they stay independent).
- de_DE: Faker has no data linking a German city to its state or postal code: they stay
  independent (``None``).
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa

US_STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana",
    "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire", "NJ": "New Jersey",
    "NM": "New Mexico", "NY": "New York", "NC": "North Carolina", "ND": "North Dakota",
    "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
}  # fmt: skip

# Faker's ja_JP city list runs prefecture by prefecture; each block starts at the city named
# here. The first three digits of a Japanese postal code are the prefecture's: Tokyo 100-208,
# Kanagawa 210-259, Chiba 260-299.
_JA_PREFECTURES = (
    ("八千代市", "千葉県", 260, 299),
    ("千代田区", "東京都", 100, 208),
    ("横浜市鶴見区", "神奈川県", 210, 259),
)
# Corsica's two départements share the 20 of the old one: 2A 200xx-201xx, 2B 202xx-206xx.
_FR_POSTAL_RANGES = {"2A": (20_000, 20_199), "2B": (20_200, 20_699)}


@dataclass(frozen=True)
class Places:
    """One entry per place, in aligned arrays; ``None`` where a part is not tied to it."""

    states: pa.Array
    cities: pa.Array | None
    # A place's postal codes are the numbers postal_low..postal_high, written with
    # postal_digits digits and a '-' after the first postal_dash of them (0: none).
    postal_low: np.ndarray
    postal_high: np.ndarray
    postal_digits: int
    postal_dash: int = 0
    # Place i's phone area codes are area_codes[area_offsets[i]:area_offsets[i + 1]].
    area_codes: pa.Array | None = None
    area_offsets: np.ndarray | None = None

    def __len__(self) -> int:
        return len(self.states)


def _ranges(bounds: Sequence[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    low, high = zip(*bounds, strict=True) if bounds else ((), ())
    return np.asarray(low, dtype=np.int64), np.asarray(high, dtype=np.int64)


def _us_state(zipcodes: Any, abbreviation: str) -> pa.Table:
    """One state's active STANDARD ZIP codes, as Arrow columns (no Python objects kept)."""
    found = zipcodes.filter_by(state=abbreviation, zip_code_type="STANDARD", active=True)
    # A few ZIP codes list no area code: they take their state's.
    state_codes = sorted({code for z in found for code in z["area_codes"]})
    return pa.table(
        {
            "zip": pa.array([int(z["zip_code"]) for z in found], pa.int64()),
            "city": pa.array([z["city"] for z in found], pa.string()),
            "state": pa.array([US_STATES[abbreviation]] * len(found), pa.string()),
            "area_codes": pa.array(
                [sorted(z["area_codes"]) or state_codes for z in found], pa.list_(pa.string())
            ),
        }
    )


def _us_places() -> Places:
    import zipcodes

    # State by state, keeping Arrow columns only: the package answers with dicts of 15 keys,
    # and the memory of 30,000 of them would stay behind, reusable by Python but unseen by
    # the memory limit of the template checking processes (which load this at rest).
    table = pa.concat_tables([_us_state(zipcodes, state) for state in US_STATES])
    table = table.sort_by("zip")
    codes = table.column("area_codes").combine_chunks()
    zips = table.column("zip").to_numpy()
    return Places(
        states=table.column("state").combine_chunks(),
        cities=table.column("city").combine_chunks(),
        postal_low=zips,
        postal_high=zips,
        postal_digits=5,
        area_codes=codes.flatten(),
        area_offsets=(codes.offsets.to_numpy() - codes.offsets[0].as_py()).astype(np.int64),
    )


def _fr_places() -> Places:
    departments = importlib.import_module("faker.providers.address.fr_FR").Provider.departments
    bounds = []
    for number, _ in departments:
        if number in _FR_POSTAL_RANGES:
            bounds.append(_FR_POSTAL_RANGES[number])
        else:
            scale = 10 ** (5 - len(number))
            bounds.append((int(number) * scale, (int(number) + 1) * scale - 1))
    low, high = _ranges(bounds)
    return Places(
        states=pa.array([name for _, name in departments], pa.string()),
        cities=None,
        postal_low=low,
        postal_high=high,
        postal_digits=5,
    )


def _ja_places() -> Places:
    cities = list(importlib.import_module("faker.providers.address.ja_JP").Provider.cities)
    starts = [cities.index(first) for first, *_ in _JA_PREFECTURES] + [len(cities)]
    states, bounds = [], []
    for (_, prefecture, first, last), start, end in zip(
        _JA_PREFECTURES, starts, starts[1:], strict=False
    ):
        states += [prefecture] * (end - start)
        bounds += [(first * 10_000, last * 10_000 + 9_999)] * (end - start)
    low, high = _ranges(bounds)
    return Places(
        states=pa.array(states, pa.string()),
        cities=pa.array(cities, pa.string()),
        postal_low=low,
        postal_high=high,
        postal_digits=7,
        postal_dash=3,
    )


_BUILDERS = {"en_US": _us_places, "fr_FR": _fr_places, "ja_JP": _ja_places}


@functools.cache
def get_places(locale: str) -> Places | None:
    """The cached places of ``locale``, or ``None`` where its address parts are independent."""
    builder = _BUILDERS.get(locale)
    return builder() if builder else None
