"""Adult census rows for the report tests, split into train / holdout / an independent set;
and the `world` of the service tests (real auth, datasets and training services).

Equal-sized train and holdout (2,000 rows each) keep the tests fast and make the DCR share
of an independent sample land near 0.5.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

from services.evaluation.report import Report, ReportOptions, build_report
from tests import adult as adult_table
from tests.services.training.training_world import opened_world

ROWS = 2_000


@dataclass(frozen=True)
class Adult:
    train: pd.DataFrame
    holdout: pd.DataFrame
    independent: pd.DataFrame
    metadata: dict[str, Any]

    def shuffled(self, seed: int = 1) -> pd.DataFrame:
        """Train with every column permuted on its own: same marginals, no joint structure."""
        rng = np.random.default_rng(seed)
        return pd.DataFrame(
            {name: rng.permutation(self.train[name].to_numpy()) for name in self.train}
        )


@pytest.fixture(scope="session")
def adult() -> Adult:
    frame = adult_table.frame().sample(n=3 * ROWS, random_state=7)
    frame = frame.reset_index(drop=True)
    metadata = {
        "columns": {
            name: {"sdtype": "numerical" if frame[name].dtype != object else "categorical"}
            for name in adult_table.COLUMNS
        }
    }
    return Adult(
        train=frame.iloc[:ROWS].reset_index(drop=True),
        holdout=frame.iloc[ROWS : 2 * ROWS].reset_index(drop=True),
        independent=frame.iloc[2 * ROWS :].reset_index(drop=True),
        metadata=metadata,
    )


OPTIONS = ReportOptions(sample_rows=1_000)


@pytest.fixture(scope="session")
def copy_report(adult: Adult) -> Report:
    return build_report(adult.train, adult.holdout, adult.train.copy(), adult.metadata, OPTIONS)


@pytest.fixture(scope="session")
def independent_report(adult: Adult) -> Report:
    return build_report(adult.train, adult.holdout, adult.independent, adult.metadata, OPTIONS)


@pytest.fixture(scope="session")
def shuffled_report(adult: Adult) -> Report:
    return build_report(adult.train, adult.holdout, adult.shuffled(), adult.metadata, OPTIONS)


@pytest.fixture
async def world(training_api, training_worker, datasets_server, auth_server, service_token):
    """Users, datasets, models and batches made through the real services (the session's
    training worker generates the batches that the evaluation service then reports on)."""
    async with opened_world(training_api, datasets_server, auth_server, service_token) as world:
        yield world
