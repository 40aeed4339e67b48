"""The modules the engine fork server imports once, so that no job pays for importing them.

Every job's child is forked from that server (see `supervisor`): a module imported there is
already imported in the child. Besides torch and the single-table engines, the relational
ones (SDV's HMA and PAR, tabular_argn per table) and the modules a relational job's child
runs in: without them, each relational train or generate imported SDV's multi-table and
sequential packages itself, a fixed cost on every job.
"""

from __future__ import annotations

MODULES = [
    "torch",
    "services.training.engines.sdv_engines",
    "services.training.engines.argn_engine",
    "services.training.engines.sampling",
    "services.training.engines.sdv_relational",
    "services.training.engines.argn_relational",
    "services.training.engines.relational_runner",
    "services.training.engines.rehearsal",
]
