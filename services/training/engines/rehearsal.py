"""What a spare engine child does while it waits for its job: the platform's own steps of a
job once, on two tiny linked tables, so that the job does not pay for doing them first.

A fresh child of the fork server pays for the first Parquet read and write, the first
pandas conversions and the first profile in it: every page that Arrow's and Python's
allocators hand out, and every inherited page they write to, is faulted in then (these
steps on the tiny tables below: ~4,500 page faults and 0.3-0.5 s at load 7 the first time in
a child, 100-150 faults and 0.1 s the second time). On a sub-second job that is a large part
of what the platform adds to the engine's own time. A spare waits for its job
anyway (see `spare`), so it takes those faults before the job arrives.

Only the platform's steps are rehearsed (Parquet in, `prepare`, a model pickled into an
uncompressed tar and read back, `finish`, Parquet out in the real schema), never an engine:
which engine the next job runs is not known, and an engine's fit costs seconds.
"""

from __future__ import annotations

import logging
import pickle
import tarfile
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from common.contracts.relational import RelationalSchema
from services.training.engines.arrow_rows import to_arrow
from services.training.engines.relational import finish, prepare

log = logging.getLogger(__name__)

_ROWS = 200


def rehearse() -> None:
    """Runs a job's platform steps once on tiny tables. Never raises: a spare that could not
    rehearse still runs its job, only without the head start."""
    try:
        with tempfile.TemporaryDirectory(prefix="rehearsal-") as tmp:
            _rehearse(Path(tmp))
    except Exception:
        log.warning("an engine child's rehearsal failed; its job starts cold", exc_info=True)


def _rehearse(folder: Path) -> None:
    tables, schema = _tiny_tables()
    read = {}
    for name, frame in tables.items():
        path = folder / f"{name}.parquet"
        pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), path)
        table = pq.read_table(path)
        read[name] = (table.to_pandas(), table.schema)
    metadata = {"parents": {"columns": {"kind": {"sdtype": "categorical"}}}}
    prepared = prepare(
        {name: frame for name, (frame, _) in read.items()},
        schema,
        metadata,
        {name: arrow for name, (_, arrow) in read.items()},
    )
    model = folder / "model"
    model.mkdir()
    (model / "model.pkl").write_bytes(pickle.dumps(prepared.tables, protocol=5))
    with tarfile.open(folder / "model.tar", "w") as tar:
        tar.add(model, arcname="model")
    with tarfile.open(folder / "model.tar") as tar:
        tar.extractall(folder / "unpacked", filter="data")
    # The pickle written just above, in this process's own temporary folder.
    unpacked = (folder / "unpacked" / "model" / "model.pkl").read_bytes()
    samples = pickle.loads(unpacked)  # noqa: S301
    for name, frame in finish(samples, schema, prepared.profiles, 0).items():
        pq.write_table(to_arrow(frame, prepared.profiles[name]), folder / f"{name}-out.parquet")


def _tiny_tables() -> tuple[dict[str, pd.DataFrame], RelationalSchema]:
    """Parents and their children with the column kinds real tables have: integer and text
    keys, categories, numbers, times."""
    rng = np.random.default_rng(0)
    parents = pd.DataFrame(
        {
            "parent_id": np.arange(1, _ROWS // 10 + 1),
            "kind": rng.choice(["a", "b", "c"], _ROWS // 10),
        }
    )
    children = pd.DataFrame(
        {
            "code": [f"C{number:04d}" for number in range(_ROWS)],
            "parent_id": rng.integers(1, _ROWS // 10 + 1, _ROWS),
            "value": rng.normal(size=_ROWS).round(3),
            "count": rng.integers(0, 100, _ROWS),
            "at": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 999, _ROWS), "D"),
        }
    )
    schema = RelationalSchema.parse(
        {
            "tables": [
                {"name": "parents", "columns": list(parents.columns), "primary_key": "parent_id"},
                {"name": "children", "columns": list(children.columns), "primary_key": "code"},
            ],
            "foreign_keys": [
                {
                    "parent_table": "parents",
                    "parent_column": "parent_id",
                    "child_table": "children",
                    "child_column": "parent_id",
                }
            ],
        }
    )
    return {"parents": parents, "children": children}, schema
