"""Model archives as earlier versions of the platform wrote them, for the tests that they
still load."""

from __future__ import annotations

import tarfile
from pathlib import Path

from sdv.utils import load_synthesizer

SYNTHESIZER = "model/synthesizer.pkl"


def synthesizer_bytes(artifact: Path) -> bytes:
    with tarfile.open(artifact) as tar:
        handle = tar.extractfile(SYNTHESIZER)
        assert handle is not None
        return handle.read()


def with_sdv_save(artifact: Path, out: Path) -> Path:
    """``artifact`` rewritten as the platform wrote SDV models before: the same archive, its
    synthesizer saved by SDV's own `save` (cloudpickle) rather than plain pickle."""
    folder = out.with_suffix(".d")
    with tarfile.open(artifact) as tar:
        names = tar.getnames()
        tar.extractall(folder, filter="data")
    synthesizer = load_synthesizer(str(folder / SYNTHESIZER))
    synthesizer.save(str(folder / SYNTHESIZER))
    with tarfile.open(out, "w") as tar:
        for name in names:  # the manifest first, as `write_artifact` writes it
            tar.add(folder / name, arcname=name, recursive=False)
    assert b"cloudpickle" in synthesizer_bytes(out)
    return out
