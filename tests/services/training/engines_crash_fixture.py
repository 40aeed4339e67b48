"""A test-only engine that fails on purpose, loaded in the child by its module name, and its
spec (``CRASHING``), which the runner's and the worker's tests register."""

import os
import signal
import time
from pathlib import Path

from services.training.engines.base import EngineSpec, FitReport, ParamSpec, ProgressUpdate
from services.training.engines.capabilities import Engine

CRASHING = EngineSpec(
    name="crashing",
    library="none",
    license="test",
    description="fails on purpose",
    factory="engines_crash_fixture:CrashingEngine",
    epoch_based=False,
    parameters=(
        ParamSpec(
            "mode", "str", "raise", "how to fail", choices=("raise", "exit", "segfault", "hang")
        ),
    ),
)


class CrashingEngine(Engine):
    name = "crashing"

    def fit(self, table, metadata, params, progress):
        progress(ProgressUpdate(percent=1.0, message="about to fail"))
        mode = params.options["mode"]
        if mode == "raise":
            raise ValueError("the engine broke on purpose")
        if mode == "exit":
            os._exit(3)
        if mode == "segfault":
            os.kill(os.getpid(), signal.SIGSEGV)
        while mode == "hang":
            time.sleep(60)  # silent: the runner must still send heartbeats and honour cancel
        return FitReport()

    def save(self, directory: Path) -> None:
        raise NotImplementedError

    @classmethod
    def load(cls, directory: Path):
        raise NotImplementedError

    def sample(self, n, seed, conditions=None):
        raise NotImplementedError

    @staticmethod
    def library_versions():
        return {}
