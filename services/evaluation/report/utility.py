"""ML utility: train on synthetic, test on the real holdout (TSTR), against train on real (TRTR).

One fixed model for both runs: scikit-learn's HistGradientBoosting (classifier for a
categorical or boolean target, regressor for a numerical one), fixed random_state and no
early stopping, with categorical features ordinal-encoded by an encoder fitted on the real
training rows only, so both runs see identical features. Inputs are canonical frames.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Literal

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
# Names a data scientist reads as the thing to predict.
LABEL_NAME = re.compile(
    r"(^|[_\s.-])(class|label|target|outcome|income|churn|churned|default|survived|species|"
    r"quality|diagnosis|fraud|y)$",
    re.IGNORECASE,
)
MAX_CLASSES = 20
# Where a place is, not something a data scientist predicts from the other columns.
COORDINATE_NAME = re.compile(r"(^|[_\s.-])(lat|latitude|lon|lng|long|longitude)$", re.IGNORECASE)
# A class column is near-constant when fewer rows than this (and than 1 % of the rows) are
# outside its commonest class: the holdout may hold none of them and AUC is undefined.
MIN_MINORITY_ROWS = 10
MIN_MINORITY_SHARE = 0.01

Task = Literal["classification", "regression"]


@dataclass(frozen=True)
class Target:
    """The utility target, its task and why it was chosen (said in the report)."""

    column: str
    task: Task
    reason: str


def task_of(plan: ColumnPlan, column: str, train: pd.DataFrame) -> Task:
    """Classification for categorical columns and for numbers that are 2-20 whole-number
    classes (grades, codes); regression for other numbers."""
    if plan.kind(column) == "categorical":
        return "classification"
    values = pd.to_numeric(train[column], errors="coerce").dropna()
    whole = bool((values % 1 == 0).all())
    return "classification" if whole and 2 <= values.nunique() <= MAX_CLASSES else "regression"


def near_constant(values: pd.Series) -> bool:
    present = values.dropna()
    if present.nunique() < 2:
        return True
    outside = len(present) - int(present.value_counts().iloc[0])
    return outside < max(MIN_MINORITY_ROWS, MIN_MINORITY_SHARE * len(present))


def choose_target(
    plan: ColumnPlan,
    requested: str | None,
    train: pd.DataFrame,
    *,
    stored: str | None = None,
    derived: Collection[str] = (),
) -> Target | None:
    """The requested target (a report option) after checks; else the dataset's target
    column (`stored`); else the one a data scientist would take (`default_target`)."""
    if requested is not None:
        _check_kind(plan, requested)
        return Target(requested, task_of(plan, requested, train), "chosen for this report")
    if stored is not None and stored in plan.sdtypes and plan.kind(stored) in _TARGET_KINDS:
        return Target(stored, task_of(plan, stored, train), "the dataset's target column")
    return default_target(plan, train, derived)


_TARGET_KINDS = ("categorical", "numerical")
# The reason names at most this many of the columns passed over (a wide table's ids).
_NAMED_PASSED = 5


def default_target(
    plan: ColumnPlan, train: pd.DataFrame, derived: Collection[str] = ()
) -> Target | None:
    """The last column with a label-like name (class, label, target, income, ...); else the
    last column that is a class column of 2-20 classes or a varying number to regress. Never
    an id, PII or datetime column, a near-constant one, coordinates (latitude, longitude), nor
    a column other columns determine in every row (`derived`: continent from country, a total
    from its parts; predicting it is a lookup, not a model). The reason names the columns
    passed over. None when nothing qualifies."""
    candidates = [name for name in plan.measured if plan.kind(name) in _TARGET_KINDS]
    labelled = [name for name in candidates if LABEL_NAME.search(name) and name not in derived]
    for name in reversed(labelled):
        task = task_of(plan, name, train)
        if task == "regression" or not near_constant(train[name]):
            return Target(name, task, f"its name ({name!r}) reads as the label to predict")
    passed: list[str] = []
    for name in reversed(list(plan.sdtypes)):
        why = _not_a_target(plan, name, train, candidates, derived)
        if why is not None:
            passed.append(f"{name} ({why})")
            continue
        task = task_of(plan, name, train)
        what = (
            f"a class column of {train[name].dropna().nunique()} classes"
            if task == "classification"
            else "a number to predict (regression)"
        )
        if not passed:
            return Target(name, task, f"the last column, {what}")
        skipped = ", ".join(passed[:_NAMED_PASSED])
        if len(passed) > _NAMED_PASSED:
            skipped += f" and {len(passed) - _NAMED_PASSED} more"
        return Target(name, task, f"the last predictable column, {what}; passed over: {skipped}")
    return None


def _not_a_target(
    plan: ColumnPlan,
    name: str,
    train: pd.DataFrame,
    candidates: list[str],
    derived: Collection[str],
) -> str | None:
    """Why a data scientist would not predict this column; None when they might."""
    if name not in candidates:
        return f"{plan.sdtypes[name]}"
    if name in derived:
        return "determined by other columns"
    if COORDINATE_NAME.search(name):
        return "a coordinate"
    values = train[name].dropna()
    if task_of(plan, name, train) == "classification":
        if values.nunique() > MAX_CLASSES:
            return f"{values.nunique()} classes"
        if near_constant(train[name]):
            return "nearly constant"
    elif values.nunique() < 2:
        return "constant"
    return None


def _check_kind(plan: ColumnPlan, requested: str) -> None:
    if requested not in plan.sdtypes:
        raise ReportError(f"target column {requested!r} is not in the table", field="target_column")
    if plan.kind(requested) not in _TARGET_KINDS:
        raise ReportError(
            f"target column {requested!r} must be categorical, boolean or numerical, "
            f"not {plan.sdtypes[requested]}",
            field="target_column",
        )


def check_target(
    target: Target,
    plan: ColumnPlan,
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
) -> None:
    """Raise ReportError for a target the models cannot learn or be scored on."""
    task, target = target.task, target.column
    train, holdout, synthetic = (
        _with_labels(frame, target, task) for frame in (train, holdout, synthetic)
    )
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
    if task == "classification":
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


def _with_labels(frame: pd.DataFrame, target: str, task: Task) -> pd.DataFrame:
    """For classification, the target as text labels ('5', not 5.0) on every table."""
    if task != "classification" or frame[target].dtype == object:
        return frame
    frame = frame.copy()
    frame[target] = frame[target].map(_label)
    return frame


def _label(value: object) -> str | None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def utility_metrics(
    chosen: Target,
    plan: ColumnPlan,
    train: pd.DataFrame,
    holdout: pd.DataFrame,
    synthetic: pd.DataFrame,
) -> UtilityResult:
    """TSTR and TRTR scores and their synthetic/real ratios (call `check_target` first)."""
    target = chosen.column
    train, holdout, synthetic = (
        _with_labels(frame, target, chosen.task) for frame in (train, holdout, synthetic)
    )
    design = _design(target, plan, train, holdout, synthetic)
    # One OpenMP thread: these fits take about a second each, and OpenMP's spinning threads
    # turn that into tens of seconds when the cores are shared with other processes.
    with threadpool_limits(1, user_api="openmp"):
        if chosen.task == "regression":
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
        target_reason=chosen.reason,
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


def _boosting(design: _Design) -> dict[str, Any]:
    """The gradient boosting both tasks train: fixed rounds and seed, so a score repeats."""
    return {
        "max_iter": 100,
        "early_stopping": False,
        "random_state": SEED,
        "categorical_features": design.categorical_mask,
    }


def _classification_scores(
    design: _Design, classes: list[str]
) -> tuple[dict[str, float | None], dict[str, float | None]]:
    def scores(x: np.ndarray, y: np.ndarray) -> dict[str, float | None]:
        model = HistGradientBoostingClassifier(**_boosting(design)).fit(x, y)
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
        model = HistGradientBoostingRegressor(**_boosting(design)).fit(x, y.astype("float64"))
        return {"r2": r2_score(design.y_holdout.astype("float64"), model.predict(design.x_holdout))}

    return scores(design.x_real, design.y_real), scores(design.x_synthetic, design.y_synthetic)


def _ratio(synthetic: float | None, real: float | None) -> float | None:
    if synthetic is None or real is None or real <= 0:
        return None
    return synthetic / real
