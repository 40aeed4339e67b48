"""Fake PII beside a gender column (`services.training.engines.fake_pii`): missing and
unexpected gender values, as generation meets them in the rows an engine made."""

from __future__ import annotations

import numpy as np
import pandas as pd

from services.training.engines.conform import conform
from services.training.engines.profile import build_profile
from services.training.templates.vocab import get_vocabulary

METADATA = {
    "columns": {
        "first_name": {"sdtype": "first_name", "pii": True},
        "gender": {"sdtype": "categorical"},
        "age": {"sdtype": "numerical"},
    }
}


def test_a_missing_or_unknown_gender_gets_any_first_name_and_the_others_agree():
    # A missing gender failed the whole generation ("boolean value of NA is ambiguous").
    genders = ["Female", "Male", None, "divers", "F", " m ", "x" * 5_000, np.nan] * 50
    real = pd.DataFrame(
        {"first_name": ["Ann", "Bob"] * 200, "gender": genders, "age": np.arange(400)}
    )
    profile = build_profile(real, METADATA)
    engine = pd.DataFrame({"gender": genders[:16], "age": np.arange(16)})
    out = conform(engine, profile, first_row=0, seed=3)
    vocab = get_vocabulary(profile.locale)
    female, male = (
        set(vocab.first_names_female.to_pylist()),
        set(vocab.first_names_male.to_pylist()),
    )
    assert out["first_name"].notna().sum() > 0
    for gender, name in zip(out["gender"], out["first_name"], strict=True):
        if gender in ("Female", "F") and name is not None:
            assert name in female, (gender, name)
        if gender in ("Male", " m ") and name is not None:
            assert name in male, (gender, name)
