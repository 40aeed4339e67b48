"""Generates Python messages, gRPC stubs and type stubs from proto/ (``make proto``).

The output goes to gen/ and is committed; tests/test_contracts.py regenerates into a temporary
folder and fails when the committed code has drifted from the .proto files.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import grpc_tools
from grpc_tools import protoc

REPO = Path(__file__).resolve().parent.parent
PROTO_ROOT = REPO / "proto"
DEFAULT_OUT = REPO / "gen"


def generate(out_dir: Path = DEFAULT_OUT) -> list[Path]:
    """Generates code for every .proto file under proto/ into ``out_dir``; returns the files."""
    protos = sorted(PROTO_ROOT.rglob("*.proto"))
    out_dir.mkdir(parents=True, exist_ok=True)
    well_known = Path(grpc_tools.__file__).parent / "_proto"
    args = [
        "grpc_tools.protoc",
        f"-I{PROTO_ROOT}",
        f"-I{well_known}",
        f"--python_out={out_dir}",
        f"--pyi_out={out_dir}",
        f"--grpc_python_out={out_dir}",
        *(str(p.relative_to(PROTO_ROOT)) for p in protos),
    ]
    # protoc resolves the relative proto paths against the include folder.
    if protoc.main(args) != 0:
        raise RuntimeError("protoc failed")
    for package_dir in {p.parent for p in out_dir.rglob("*_pb2.py")}:
        current = package_dir
        while current != out_dir:
            (current / "__init__.py").touch()
            current = current.parent
    return sorted(p for p in out_dir.rglob("*") if p.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    files = generate(parser.parse_args().out)
    sys.stdout.write(f"generated {len(files)} files\n")


if __name__ == "__main__":
    main()
