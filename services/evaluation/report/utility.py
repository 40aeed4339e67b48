"""ML utility: train on synthetic, test on the real holdout (TSTR), against train on real (TRTR).

One fixed model for both runs: scikit-learn's HistGradientBoosting (classifier for a
categorical or boolean target, regressor for a numerical one), fixed random_state and no
early stopping, with categorical features ordinal-encoded by an encoder fitted on the real
training rows only, so both runs see identical features. Inputs are canonical frames.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import accuracy_score, f1_score, r2_score, roc_auc_score
from sklearn.preprocessing import OrdinalEncoder
from threadpoolctl import threadpool_limits

from services.evaluation.report.columns import ColumnPlan
from services.evaluation.report.errors import ReportError
from services.evaluation.report.models import UtilityMetric, UtilityResult

SEED = 0
# HistGradientBoosting takes at most 255 bins per feature, one kept for missing values.
MAX_CATEGORIES = 254
MODEL_NAME = "HistGradientBoosting{task}(max_iter=100, early_stopping=False, random_state=0)"


def choose_target(plan: ColumnPlan, requested: str | None, train: pd.DataFrame) -> str | None:
    """The requested target after checks, or by default the last categorical column that
    varies in the real training data (None if there is none)."""
    if requested is None:
        varying = [name for name in plan.categorical if train[name].dropna().nunique() > 1]
        return varying[-1] if varying else None
    if requested not in plan.sdtypes:
        raise ReportError(f"target column {requested!r} is not in the table", field="target_column")
    if plan.kind(requested) not in ("categorical", "numerical"):
        raise ReportError(
            f"target column {requested!r} must be categorical, boolean or numerical, "
            f"not {plan.sdtypes[requested]}",
            field="target_column",
        )
    return requested


def check_target(
    target: str,
    plan: ColumnPlan,
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
) -> None:
    """Raise ReportError for a target the models cannot learn or be scored on."""
    for table, frame in (("real training", train), ("synthetic", synthetic)):
        if frame[target].dropna().nunique() < 2:
            raise ReportError(
                f"target column {target!r} is constant or empty in the {table} data",
                field="target_column",
            )
    if holdout[target].dropna().empty:
        raise ReportError(
            f"target column {target!r} has no values in the holdout data", field="target_column"
        )
    if plan.kind(target) == "categorical":
        real_classes = set(train[target].dropna()) | set(holdout[target].dropna())
        unseen = sorted(set(synthetic[target].dropna()) - real_classes)
        if unseen:
            raise ReportError(
                f"target column {target!r} has classes only in the synthetic data: {unseen[:5]}",
                field="target_column",
            )


@dataclass(frozen=True)
class _Design:
    """Feature matrices and labels for the three tables, encoded the same way."""

    categorical_mask: np.ndarray
    x_real: np.ndarray
    y_real: np.ndarray
    x_synthetic: np.ndarray
    y_synthetic: np.ndarray
    x_holdout: np.ndarray
    y_holdout: np.ndarray


def utility_metrics(
    target: str,
    plan: ColumnPlan,
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
) -> UtilityResult:
    """TSTR and TRTR scores and their synthetic/real ratios (call `check_target` first)."""
    design = _design(target, plan, train, holdout, synthetic)
    # One OpenMP thread: these fits take about a second each, and OpenMP's spinning threads
    # turn that into tens of seconds when the cores are shared with other processes.
    with threadpool_limits(1, user_api="openmp"):
        if plan.kind(target) == "numerical":
            task, classes = "regression", []
            real, synthetic_scores = _regression_scores(design)
        else:
            task = "classification"
            classes = sorted(set(design.y_real) | set(design.y_holdout))
            real, synthetic_scores = _classification_scores(design, classes)
    metrics = [
        UtilityMetric(
            name=name,
            synthetic=synthetic_scores[name],
            real=real[name],
            ratio=_ratio(synthetic_scores[name], real[name]),
        )
        for name in real
    ]
    return UtilityResult(
        target_column=target,
        task=task,
        model=MODEL_NAME.format(task="Regressor" if task == "regression" else "Classifier"),
        classes=classes,
        metrics=metrics,
    )


def _design(
    target: str,
    plan: ColumnPlan,
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
) -> _Design:
    frames = [frame[frame[target].notna()] for frame in (train, holdout, synthetic)]
    features = [name for name in train.columns if name != target]
    categorical = [name for name in features if plan.kind(name) == "categorical"]
    continuous = [name for name in features if name not in categorical]
    encoder = OrdinalEncoder(
        handle_unknown="use_encoded_value",
        unknown_value=np.nan,
        encoded_missing_value=np.nan,
        max_categories=MAX_CATEGORIES,
    )
    if categorical:
        encoder.fit(frames[0][categorical])

    def matrix(frame: pd.DataFrame) -> np.ndarray:
        encoded = (
            encoder.transform(frame[categorical]) if categorical else np.empty((len(frame), 0))
        )
        return np.hstack([encoded, frame[continuous].to_numpy(dtype="float64")])

    real, hold, synth = frames
    return _Design(
        categorical_mask=np.r_[np.ones(len(categorical), bool), np.zeros(len(continuous), bool)],
        x_real=matrix(real),
        y_real=real[target].to_numpy(),
        x_synthetic=matrix(synth),
        y_synthetic=synth[target].to_numpy(),
        x_holdout=matrix(hold),
        y_holdout=hold[target].to_numpy(),
    )


def _classification_scores(
    design: _Design, classes: list[str]
) -> tuple[dict[str, float | None], dict[str, float | None]]:
    def scores(x: np.ndarray, y: np.ndarray) -> dict[str, float | None]:
        model = HistGradientBoostingClassifier(
            max_iter=100,
            early_stopping=False,
            random_state=SEED,
            categorical_features=design.categorical_mask,
        ).fit(x, y)
        predicted = model.predict(design.x_holdout)
        proba = pd.DataFrame(model.predict_proba(design.x_holdout), columns=model.classes_).reindex(
            columns=classes, fill_value=0.0
        )
        return {
            "accuracy": accuracy_score(design.y_holdout, predicted),
            "f1_macro": f1_score(design.y_holdout, predicted, average="macro", zero_division=0),
            "roc_auc": one_vs_rest_auc(design.y_holdout, proba),
        }

    return scores(design.x_real, design.y_real), scores(design.x_synthetic, design.y_synthetic)


def one_vs_rest_auc(y_true: np.ndarray, proba: pd.DataFrame) -> float | None:
    """Mean one-vs-rest ROC AUC over the classes present in y_true (for two classes this is
    the binary AUC of the positive class); None when y_true has a single class."""
    aucs = [
        roc_auc_score(y_true == label, proba[label])
        for label in proba.columns
        if 0 < np.sum(y_true == label) < len(y_true)
    ]
    return float(np.mean(aucs)) if aucs else None


def _regression_scores(
    design: _Design,
) -> tuple[dict[str, float | None], dict[str, float | None]]:
    def scores(x: np.ndarray, y: np.ndarray) -> dict[str, float | None]:
        model = HistGradientBoostingRegressor(
            max_iter=100,
            early_stopping=False,
            random_state=SEED,
            categorical_features=design.categorical_mask,
        ).fit(x, y.astype("float64"))
        return {"r2": r2_score(design.y_holdout.astype("float64"), model.predict(design.x_holdout))}

    return scores(design.x_real, design.y_real), scores(design.x_synthetic, design.y_synthetic)


def _ratio(synthetic: float | None, real: float | None) -> float | None:
    if synthetic is None or real is None or real <= 0:
        return None
    return synthetic / real
