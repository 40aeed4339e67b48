"""Generates the SDK's typed GraphQL code: ariadne-codegen on ``operations/*.graphql`` against
the gateway's exported ``gateway/schema.graphql``, into ``src/synthetica_client/_generated``
(committed; never edit it by hand). ``make sdk`` runs this.

ariadne-codegen (every release so far) requires graphql-core < 3.3 and fails on the 3.3 that
the gateway's Strawberry requires, so it is installed apart, in a folder of its own
(``make venv`` puts it in ``.venv/sdk-codegen``), and runs in a child process that sees only
that folder's packages.

    python sdk/codegen.py                 # regenerate in place
    python sdk/codegen.py --out DIR       # generate into DIR/_generated (the drift test)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

SDK = Path(__file__).resolve().parent
REPO = SDK.parent
TOOL_DIR = Path(os.environ.get("SDK_CODEGEN_DIR", REPO / ".venv" / "sdk-codegen"))
PACKAGE = SDK / "src" / "synthetica_client"


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    raise TypeError(f"unexpected setting {value!r}")


def _config(target: Path) -> str:
    """The [tool.ariadne-codegen] table of sdk/pyproject.toml with absolute paths and the
    target folder replaced."""
    settings = tomllib.loads((SDK / "pyproject.toml").read_text())["tool"]["ariadne-codegen"]
    settings = dict(settings)
    scalars = settings.pop("scalars", {})
    settings["schema_path"] = str((SDK / settings["schema_path"]).resolve())
    settings["queries_path"] = str((SDK / settings["queries_path"]).resolve())
    settings["target_package_path"] = str(target)
    lines = ["[tool.ariadne-codegen]"] + [f"{k} = {_toml_value(v)}" for k, v in settings.items()]
    for name, scalar in scalars.items():
        lines.append(f"[tool.ariadne-codegen.scalars.{name}]")
        lines += [f"{k} = {_toml_value(v)}" for k, v in scalar.items()]
    return "\n".join(lines) + "\n"


def generate(target: Path) -> Path:
    """Writes the generated package into ``target/_generated``; returns that folder."""
    if not (TOOL_DIR / "ariadne_codegen").is_dir():
        raise SystemExit(f"ariadne-codegen is not installed in {TOOL_DIR}: run `make venv`")
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        config = Path(scratch) / "pyproject.toml"
        config.write_text(_config(target))
        env = {**os.environ, "PYTHONPATH": str(TOOL_DIR), "PYTHONNOUSERSITE": "1"}
        subprocess.run(  # noqa: S603 - our own interpreter and arguments
            [sys.executable, "-m", "ariadne_codegen", "--config", str(config)],
            cwd=scratch,
            env=env,
            check=True,
            capture_output=True,
        )
    return target / "_generated"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, help="generate into OUT/_generated instead of in place")
    args = parser.parse_args()
    if args.out:
        print(generate(args.out.resolve()))
        return
    with tempfile.TemporaryDirectory() as scratch:
        fresh = generate(Path(scratch))
        shutil.rmtree(PACKAGE / "_generated", ignore_errors=True)
        shutil.copytree(fresh, PACKAGE / "_generated", ignore=shutil.ignore_patterns("__pycache__"))
    print(PACKAGE / "_generated")


if __name__ == "__main__":
    main()
