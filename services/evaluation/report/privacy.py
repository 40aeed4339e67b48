"""Privacy: distance to closest record against a holdout, NNDR, copies, uniqueness, MIA.

All distances are the SDMetrics DCR distance described in `neighbors` (mean per-column
distance in [0, 1]). Inputs are canonical frames (`columns.canonical_frame`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score

from services.evaluation.report.columns import ColumnPlan, canonical_frame, plan_columns
from services.evaluation.report.models import (
    DcrBaselineProtection,
    PrivacyResult,
    PrivacyThresholds,
)
from services.evaluation.report.neighbors import fit_encoder, nearest_neighbours

DISTANCE_NOTE = (
    "mean over measured columns of a per-column distance in [0, 1]: numerical and datetime "
    "|a - b| / range of the real training column (capped at 1), categorical 0 if equal else 1, "
    "missing vs present 1 (SDMetrics' DCR distance)"
)


PII_SDTYPES = frozenset(
    {
        "email", "phone_number", "name", "first_name", "last_name", "address", "city",
        "postal_code", "country", "ip_address", "credit_card_number", "ssn", "url",
    }
)  # fmt: skip
# A membership-inference AUC whose 95 % interval is this wide or wider is said to be rough.
ROUGH_AUC_SPREAD = 0.05
# PII kinds that identify a person on their own: their replay is judged. City, postal
# code, first or last name alone collide with real values by chance and are only shown.
IDENTIFYING_PII = frozenset(
    {"name", "email", "phone_number", "ssn", "credit_card_number", "address", "ip_address"}
)


# A text column is a register of names when each of at least this many real training values
# is in one row (ISLR College's names): a synthetic value equal to one of them copies a real
# row's identifying value. Such columns are shown beside the PII columns (not judged), with a
# note from this share of copies up.
UNIQUE_NAME_ROWS = 20
UNIQUE_NAME_NOTE_SHARE = 0.05


def unique_names(
    metadata: Mapping[str, Any], train: pd.DataFrame, synthetic: pd.DataFrame
) -> tuple[str, ...]:
    """The categorical text columns whose real training values are each in one row."""
    found = []
    for name, spec in (metadata.get("columns") or {}).items():
        if spec.get("sdtype") != "categorical" or spec.get("pii"):
            continue
        if name not in train.columns or name not in synthetic.columns:
            continue
        values = train[name].dropna()
        if len(values) < UNIQUE_NAME_ROWS or not values.is_unique:
            continue
        if values.map(lambda v: isinstance(v, str)).all():
            found.append(name)
    return tuple(found)


@dataclass(frozen=True)
class PrivacyInputs:
    """Canonical train, holdout and synthetic frames, already sampled; `pii` maps each PII
    column to its (raw real training values, raw synthetic values) and whether it is
    identifying."""

    train: pd.DataFrame
    holdout: pd.DataFrame
    synthetic: pd.DataFrame
    pii: Mapping[str, tuple[pd.Series, pd.Series, bool]] = field(default_factory=dict)
    # Columns of `pii` that are registers of names (`unique_names`), not PII.
    unique_names: tuple[str, ...] = ()


def privacy_metrics(
    inputs: PrivacyInputs, plan: ColumnPlan, thresholds: PrivacyThresholds, seed: int
) -> tuple[PrivacyResult, int]:
    """The privacy section, and how many training rows the DCR share was measured against."""
    train, holdout, synthetic = inputs.train, inputs.holdout, inputs.synthetic
    # The DCR share compares against equally many training and holdout rows, so that an
    # independent sample lands at 0.5: shuffle train and use its first len(holdout) rows.
    order = np.random.default_rng(seed).permutation(len(train))
    train = train.iloc[order].reset_index(drop=True)
    share_rows = min(len(train), len(holdout))
    encoder = fit_encoder(train, [train, holdout, synthetic], plan)
    encoded_synthetic = encoder.encode(synthetic)
    to_train = nearest_neighbours(
        encoder, encoded_synthetic, encoder.encode(train), prefix_rows=share_rows
    )
    to_holdout = nearest_neighbours(encoder, encoded_synthetic, encoder.encode(holdout))
    share = _closer_share(to_train.nearest_in_prefix, to_holdout.nearest)
    copies, unique = _copies_and_uniqueness(train, synthetic)
    holdout_copies, _ = _copies_and_uniqueness(train, holdout)
    mia_auc = _membership_auc(to_train.reference_nearest, to_holdout.reference_nearest)
    replay = {name: replay_share(real, fake) for name, (real, fake, _) in inputs.pii.items()}
    judged = [replay[name] for name, (_, _, identifying) in inputs.pii.items() if identifying]
    replay_share_max = max((v for v in judged if v is not None), default=None)
    values = {
        "dcr_share": share,
        "nndr": _median(_nndr(to_train.nearest, to_train.second)),
        "exact_copies": max(0.0, copies - holdout_copies),
        "mia_auc": mia_auc,
        "pii_replay": replay_share_max,
    }
    verdict, reasons = privacy_verdict(values, thresholds)
    spread = _auc_spread(
        mia_auc, len(to_train.reference_nearest), len(to_holdout.reference_nearest)
    )
    for name in inputs.unique_names:
        copied = replay.get(name)
        if copied is not None and copied >= UNIQUE_NAME_NOTE_SHARE:
            reasons.append(
                f"note: {copied:.0%} of the synthetic {name!r} values are real ones, and each "
                f"real one is in one real row: a copy of that row's identifying value"
            )
    if mia_auc is not None and spread >= ROUGH_AUC_SPREAD:
        reasons.append(
            f"note: with {len(holdout):,} holdout rows the membership-inference AUC is "
            f"{mia_auc:.3f} ± {spread:.2f} (95 %): a verdict from so few rows is rough"
        )
    result = PrivacyResult(
        distance=DISTANCE_NOTE,
        dcr_share_closer_to_train=share,
        dcr_share_ci95=1.96 * np.sqrt(share * (1.0 - share) / len(synthetic)),
        median_dcr_train=_median(to_train.nearest),
        median_dcr_holdout=_median(to_holdout.nearest),
        median_nndr=values["nndr"],
        exact_copy_share=copies,
        holdout_copy_share=holdout_copies,
        exact_copy_excess=values["exact_copies"],
        uniqueness_share=unique,
        mia_auc=mia_auc,
        mia_risk=None if mia_auc is None else max(0.0, 2.0 * mia_auc - 1.0),
        pii_replay=replay,
        pii_replay_share=replay_share_max,
        verdict=verdict,
        reasons=reasons,
    )
    return result, share_rows


def replay_share(real: pd.Series, synthetic: pd.Series) -> float | None:
    """Share of the synthetic values (present ones) equal to some real value, compared as
    trimmed lower-case text."""

    def normalised(values: pd.Series) -> pd.Series:
        return values.dropna().astype(str).str.strip().str.lower()

    fake = normalised(synthetic)
    if fake.empty:
        return None
    return float(fake.isin(set(normalised(real))).mean())


def _closer_share(to_train: np.ndarray, to_holdout: np.ndarray) -> float:
    """Share of rows strictly closer to train than to holdout; ties count half."""
    return float(np.mean(to_train < to_holdout) + 0.5 * np.mean(to_train == to_holdout))


def _nndr(nearest: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Nearest / second-nearest distance; 0 where both are 0 (the row sits on real records)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = nearest / second
    return np.where(second > 0, ratio, np.where(np.isinf(second), np.nan, 0.0))


def _copies_and_uniqueness(train: pd.DataFrame, synthetic: pd.DataFrame) -> tuple[float, float]:
    """Share of synthetic rows equal to a training row, and share unique and not in train."""
    train_hashes = pd.util.hash_pandas_object(train, index=False)
    synthetic_hashes = pd.util.hash_pandas_object(synthetic, index=False)
    copied = synthetic_hashes.isin(train_hashes)
    once = ~synthetic_hashes.duplicated(keep=False)
    return float(copied.mean()), float((once & ~copied).mean())


def _membership_auc(member_distances: np.ndarray, outsider_distances: np.ndarray) -> float | None:
    """AUC of telling training rows from holdout rows by closeness to a synthetic row."""
    labels = np.r_[np.ones(len(member_distances)), np.zeros(len(outsider_distances))]
    closeness = -np.r_[member_distances, outsider_distances]
    if len(np.unique(labels)) < 2:
        return None
    return float(roc_auc_score(labels, closeness))


def _auc_spread(auc: float | None, members: int, outsiders: int) -> float:
    """Half the 95 % interval of an AUC from ``members`` and ``outsiders`` rows (Hanley and
    McNeil, 1982): about ±0.16 for 9 holdout rows, ±0.02 for 2,000."""
    if auc is None or members < 1 or outsiders < 1:
        return 0.0
    q1, q2 = auc / (2.0 - auc), 2.0 * auc * auc / (1.0 + auc)
    variance = (
        auc * (1.0 - auc) + (members - 1) * (q1 - auc * auc) + (outsiders - 1) * (q2 - auc * auc)
    ) / (members * outsiders)
    return float(1.96 * np.sqrt(max(variance, 0.0)))


def _median(values: np.ndarray) -> float | None:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else None


_CHECKS = (
    # (key, what it measures, True where a higher value is worse)
    ("dcr_share", "share of synthetic rows closer to training than to holdout rows", True),
    ("nndr", "median nearest-neighbour distance ratio", False),
    (
        "exact_copies",
        "share of synthetic rows that copy a training row, beyond the holdout's own copy rate",
        True,
    ),
    ("mia_auc", "membership-inference AUC", True),
    ("pii_replay", "largest share of synthetic PII values equal to a real one", True),
)


def privacy_verdict(
    values: Mapping[str, float | None], thresholds: PrivacyThresholds
) -> tuple[str, list[str]]:
    """'pass', 'warn' or 'fail' (the worst check wins) and one reason per check that tripped."""
    reasons: list[str] = []
    worst = "pass"
    for key, label, higher_is_worse in _CHECKS:
        value = values.get(key)
        if value is None:
            continue
        for level in ("fail", "warn"):
            limit = getattr(thresholds, f"{key}_{level}")
            tripped = value >= limit if higher_is_worse else value <= limit
            if tripped:
                sign = ">=" if higher_is_worse else "<="
                reasons.append(f"{level}: {label} is {value:.3f} ({sign} {limit:.3f})")
                worst = level if worst != "fail" else worst
                break
    return worst, reasons


def dcr_baseline_protection(
    real: pd.DataFrame, synthetic: pd.DataFrame, metadata: Mapping[str, Any], seed: int = 0
) -> DcrBaselineProtection:
    """SDMetrics' DCRBaselineProtection score with our vectorized search.

    score = min(median DCR of synthetic rows to real / median DCR of random rows to real, 1),
    where random rows are drawn per column as SDMetrics draws them (uniform within the real
    range, integers for integer columns, uniform choice of real categories, missing at the
    real missing rate). The random baseline differs from SDMetrics' own random draw, so
    scores agree within sampling noise while the synthetic median agrees exactly.
    """
    plan = plan_columns(metadata, {"real": real, "synthetic": synthetic})
    real_rows, synthetic_rows = canonical_frame(real, plan), canonical_frame(synthetic, plan)
    random_rows = _random_rows(real_rows, len(synthetic_rows), plan, seed)
    encoder = fit_encoder(real_rows, [real_rows, synthetic_rows, random_rows], plan)
    encoded_real = encoder.encode(real_rows)
    synthetic_median = _median(
        nearest_neighbours(encoder, encoder.encode(synthetic_rows), encoded_real).nearest
    )
    random_median = _median(
        nearest_neighbours(encoder, encoder.encode(random_rows), encoded_real).nearest
    )
    score = None
    if synthetic_median is not None and random_median:
        score = min(synthetic_median / random_median, 1.0)
    return DcrBaselineProtection(
        score=score, median_dcr_synthetic=synthetic_median, median_dcr_random=random_median
    )


def _random_rows(real: pd.DataFrame, n_rows: int, plan: ColumnPlan, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    data: dict[str, Any] = {}
    for column in real.columns:
        values = real[column]
        present = values.dropna()
        if plan.kind(column) == "categorical" or present.empty:
            drawn = rng.choice(pd.unique(present), size=n_rows) if len(present) else [None] * n_rows
            drawn = pd.Series(drawn, dtype=object)
        elif plan.kind(column) == "numerical" and np.all(np.mod(present, 1) == 0):
            drawn = pd.Series(
                rng.integers(int(present.min()), int(present.max()) + 1, size=n_rows), dtype=float
            )
        else:
            drawn = pd.Series(rng.uniform(present.min(), present.max(), size=n_rows))
        missing = rng.random(n_rows) < values.isna().mean()
        data[column] = drawn.where(~missing, None if drawn.dtype == object else np.nan)
    return pd.DataFrame(data)
