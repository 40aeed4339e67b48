"""A joined column's parts are kept a real pairing (`Concatenation.keep_real`): a row whose
parts spell no real value takes those of its own value, where they split one way only."""

from __future__ import annotations

import numpy as np
import pandas as pd

from common.contracts.concatenations import Concatenation

MAKE = Concatenation("Make", ("Manufacturer", "Model"), " ")
REAL = {
    "Make": ["Acura Integra", "Suzuki Swift", "Land Rover Defender", "Land Rover X"],
    "Manufacturer": ["Acura", "Suzuki", "Land", "Land Rover"],
    "Model": ["Integra", "Swift", "Rover Defender", "Defender", "X"],
}


def _rows(*triples: tuple[str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(triples, columns=["Make", "Manufacturer", "Model"], dtype=object)


def _kept(rows: pd.DataFrame, frozen: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    MAKE.keep_real(rows, REAL, np.random.default_rng(0), frozen)
    return list(zip(rows["Manufacturer"], rows["Model"], strict=True))


def test_a_model_beside_another_maker_takes_its_own_make_s_parts():
    rows = _rows(
        ("Suzuki Swift", "Acura", "Swift"),  # "Acura Swift" is no real make
        ("Acura Integra", "Acura", "Integra"),  # a real one: left alone
        ("Acura Integra", "Suzuki", "Integra"),
    )
    assert _kept(rows) == [("Suzuki", "Swift"), ("Acura", "Integra"), ("Acura", "Integra")]


def test_a_make_spelled_two_ways_and_a_missing_part_are_left_alone():
    rows = _rows(("Land Rover Defender", "Acura", "Swift"), ("Suzuki Swift", None, "Integra"))
    assert _kept(rows) == [("Acura", "Swift"), (None, "Integra")]


def test_a_conditioned_part_keeps_its_value_with_a_real_partner():
    rows = _rows(*[("Acura Integra", "Suzuki", "Integra")] * 5)
    assert _kept(rows, frozen=("Manufacturer",)) == [("Suzuki", "Swift")] * 5


def test_long_hostile_values_are_not_split():
    long = "A" * 5_000
    real = {"Make": [f"{long} B"], "Manufacturer": [long], "Model": ["B"]}
    rows = _rows((f"{long} B", "Acura", "B"))
    MAKE.keep_real(rows, real, np.random.default_rng(0))
    assert list(rows["Manufacturer"]) == ["Acura"]
