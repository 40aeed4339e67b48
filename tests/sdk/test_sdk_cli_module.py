"""``python -m synthetica_client.cli`` runs the command line, as it did while the CLI was one
module with an ``if __name__ == "__main__"`` guard (a package needs a ``__main__.py``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SDK_SRC = Path(__file__).resolve().parents[2] / "sdk" / "src"


def test_the_cli_runs_as_a_module():
    path = os.pathsep.join([str(SDK_SRC), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    done = subprocess.run(
        [sys.executable, "-m", "synthetica_client.cli", "--help"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Usage: synthetica" in done.stdout
