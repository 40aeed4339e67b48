"""A diverging GAN reports NaN or infinite losses. JSON has neither: the model's metrics
(stored in PostgreSQL, read through GraphQL for the job page's loss curve) and the live
job updates carry only finite losses, and the epochs are still all counted."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pandas as pd

from services.training.engines.base import TrainParams
from services.training.engines.capabilities import ProgressUpdate
from services.training.engines.sdv_engines import CTGANEngine, _EpochTracker

LOSSES = [1.5, float("nan"), float("inf"), -float("inf"), 1e308, 0.25]


def test_an_epoch_with_a_loss_that_is_not_finite_has_no_point_on_the_curve() -> None:
    updates: list[ProgressUpdate] = []
    model = SimpleNamespace(loss_values=pd.DataFrame({"Generator Loss": []}))
    tracker = _EpochTracker(
        SimpleNamespace(_model=model),
        len(LOSSES),
        TrainParams(epochs=len(LOSSES)),
        updates.append,
        CTGANEngine._epoch_loss,
    )
    epochs = tracker._epochs(iter(range(len(LOSSES))))
    for epoch in epochs:
        # What ctgan appends as the epoch ends, read by the tracker when the next one asks.
        model.loss_values = pd.DataFrame({"Generator Loss": LOSSES[: epoch + 1]})
    assert tracker.loss_curve == [(1, 1.5), (5, 1e308), (6, 0.25)]
    assert tracker.epochs_run == len(LOSSES)
    assert [u.loss for u in updates if u.epoch] == [1.5, None, None, None, 1e308, 0.25]
    json.dumps(tracker.loss_curve, allow_nan=False)
