"""SDV's metadata detection: a child started for each upload against the warm child that
answers one upload after another (``services/datasets/ingest/sdv_detection.py``).

    nice -n 10 .venv/bin/python bench/bench_sdv_detection.py [--uploads 10] [--rows 1000]

Both sides detect the same table (the first --rows rows of adult) --uploads times, in this
process, one after the other:

    baseline: a new child per detection, stopped after its answer (what every upload paid
              before: start Python, import ``sdv.metadata``, detect)
    warm:     ``SdvDetection()`` as ingestion uses it: the first detection starts the child,
              the others reuse it

Per detection: wall seconds, and CPU seconds of this process and its children together
(the children's counted once they are reaped; the warm child is stopped at the end and
counted). The verdicts of both sides must be the same.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.datasets.ingest import sdv_detection  # noqa: E402
from services.datasets.ingest.sdv_detection import (  # noqa: E402
    SDV_IDLE_SECONDS,
    SDV_TIMEOUT_SECONDS,
    DetectionChild,
    SdvDetection,
    _ipc_bytes,
)
from tests import adult  # noqa: E402


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def baseline(body: bytes, uploads: int) -> tuple[float, float, list]:
    verdicts = []
    wall, cpu = time.monotonic(), _cpu()
    for _ in range(uploads):
        child = DetectionChild(SDV_IDLE_SECONDS)
        verdicts.append(child.ask(body, SDV_TIMEOUT_SECONDS))
        child.stop()
    return time.monotonic() - wall, _cpu() - cpu, verdicts


def warm(frame, uploads: int) -> tuple[float, float, list]:
    verdicts = []
    wall, cpu = time.monotonic(), _cpu()
    for _ in range(uploads):
        with SdvDetection() as detection:
            columns, key = detection.columns(frame)
        verdicts.append({"columns": columns, "primary_key": key})
    sdv_detection._stop_warm()  # reaped: its CPU time is counted
    return time.monotonic() - wall, _cpu() - cpu, verdicts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--uploads", type=int, default=10)
    parser.add_argument("--rows", type=int, default=1000)
    options = parser.parse_args()
    frame = adult.frame(options.rows)
    base_wall, base_cpu, base_verdicts = baseline(_ipc_bytes(frame), options.uploads)
    warm_wall, warm_cpu, warm_verdicts = warm(frame, options.uploads)
    assert base_verdicts == warm_verdicts, "the warm child answered differently"
    n = options.uploads
    print(f"{n} detections of {options.rows} rows of adult, per detection:")
    print(f"  baseline (a child each): {base_wall / n:.2f} s wall, {base_cpu / n:.2f} CPU-s")
    print(f"  warm child:              {warm_wall / n:.2f} s wall, {warm_cpu / n:.2f} CPU-s")
    print(f"  warm / baseline: {warm_wall / base_wall:.2f}x wall, {warm_cpu / base_cpu:.2f}x CPU")


if __name__ == "__main__":
    main()
