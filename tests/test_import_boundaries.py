"""A service reaches another service only through that service's ``client.py`` (or the shared
contracts in ``common/contracts/``), and the gateway only through clients: importing another
service's internals (its models, enums, converters) ties two deployables together behind the
wire contract's back."""

from __future__ import annotations

import ast
import functools
import re
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SERVICES = ("auth", "datasets", "training", "evaluation", "notify")


def imported_modules(source: str) -> set[str]:
    """Every module a Python source imports, ``from x import y`` counted as ``x`` and ``x.y``."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def crossings(owner: str | None, modules: set[str]) -> set[str]:
    """The imports of another service's internals by code of ``owner`` (None: the gateway)."""
    bad = set()
    for module in modules:
        parts = module.split(".")
        if len(parts) < 3 or parts[0] != "services" or parts[1] == owner:
            continue
        if parts[1] in SERVICES and parts[2] != "client":
            bad.add(".".join(parts[:3]))
    return bad


@functools.cache
def violations() -> frozenset[tuple[str, str]]:
    roots = [(REPO / "services" / svc, svc) for svc in SERVICES] + [(REPO / "gateway", None)]
    found = set()
    for root, owner in roots:
        for path in root.rglob("*.py"):
            for module in crossings(owner, imported_modules(path.read_text())):
                found.add((str(path.relative_to(REPO)), module))
    return frozenset(found)


def test_services_and_gateway_import_other_services_only_through_their_clients() -> None:
    assert violations() == set()


@pytest.mark.parametrize(
    ("owner", "source", "expected"),
    [
        (
            "training",
            "from services.datasets.enums import PrivacyGate",
            {"services.datasets.enums"},
        ),
        ("training", "import services.evaluation.models as m", {"services.evaluation.models"}),
        ("training", "from services.datasets import convert", {"services.datasets.convert"}),
        (None, "from services.auth.service import login", {"services.auth.service"}),
        ("training", "from services.datasets.client import DatasetsClient", set()),
        ("training", "from services.datasets import client", set()),
        ("training", "from services.training.gate import privacy_gate", set()),
        ("training", "from common.contracts.privacy_gate import PrivacyGate", set()),
    ],
)
def test_a_crossing_is_caught(owner: str | None, source: str, expected: set[str]) -> None:
    assert crossings(owner, imported_modules(source)) == expected


# A module longer than this holds more than one idea: split it where a part stands alone.
MAX_MODULE_LINES = 450
# Generated code and migrations are written by tools, not read as modules.
_NOT_MODULES = re.compile(r"^gen/|/migrations/|/_generated/")


def tracked_modules() -> list[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--", "*.py"], cwd=REPO, capture_output=True, check=True
    )
    return [p for p in listed.stdout.decode().split("\0") if p and not _NOT_MODULES.search(p)]


def test_no_module_is_over_the_line_limit() -> None:
    modules = tracked_modules()
    assert "services/training/engines/runner.py" in modules
    lines = {path: len((REPO / path).read_text().splitlines()) for path in modules}
    assert {path: n for path, n in lines.items() if n > MAX_MODULE_LINES} == {}
