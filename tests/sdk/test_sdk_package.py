"""``pip install ./sdk`` on its own, in a fresh virtualenv: the client installs with its few
dependencies (no torch, no SDV, no pandas unless asked), imports, and its ``synthetica``
command runs. Slow: the virtualenv and the build take a minute or more."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def run(*args: str, cwd: Path | None = None) -> str:
    done = subprocess.run(args, capture_output=True, text=True, cwd=cwd, check=False, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_pip_install_sdk_in_a_fresh_virtualenv(tmp_path):
    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", str(venv))
    python = venv / "bin" / "python"
    # Installed from a copy: the build must not need anything outside sdk/.
    copy = tmp_path / "sdk"
    run("cp", "-r", str(REPO / "sdk"), str(copy))
    run(str(python), "-m", "pip", "install", "--quiet", str(copy))

    installed = {
        line.split("==")[0].lower()
        for line in run(str(python), "-m", "pip", "list", "--format=freeze").splitlines()
    }
    assert "synthetica-client" in installed
    assert not installed & {
        "torch",
        "sdv",
        "pandas",
        "pyarrow",
        "grpcio",
        "strawberry-graphql",
        "graphql-core",
    }

    shown = run(str(venv / "bin" / "synthetica"), "--help")
    assert "Usage: synthetica" in shown and "datasets" in shown
    version = run(
        str(python), "-c", "import synthetica_client as s; print(s.__version__, s.Client.__name__)"
    )
    assert version.split() == ["0.1.0", "Client"]
    # Where no server answers, the command says so in one line and fails.
    failed = subprocess.run(
        [str(venv / "bin" / "synthetica"), "--url", "http://127.0.0.1:1", "whoami"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert failed.returncode == 1
    assert failed.stderr.startswith("error: SERVICE_UNAVAILABLE: cannot reach http://127.0.0.1:1")
