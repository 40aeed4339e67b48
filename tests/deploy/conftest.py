"""Fixtures for the deployment tests: rendered kustomize overlays and the parsed Dockerfile."""

import json
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
K8S = REPO / "deploy" / "k8s"
DOCKERFILE = REPO / "deploy" / "docker" / "Dockerfile"
OVERLAYS = ("dev", "prod")

Manifest = dict[str, Any]


def render(overlay: str) -> list[Manifest]:
    """Render one overlay with `kubectl kustomize`, as an operator's `kubectl apply -k` would."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.fail("kubectl (with its built-in kustomize) is needed to render deploy/k8s")
    result = subprocess.run(
        [kubectl, "kustomize", str(K8S / "overlays" / overlay)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"kustomize failed for {overlay}:\n{result.stderr}"
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="session")
def rendered() -> dict[str, list[Manifest]]:
    """Both overlays, rendered once for the whole test session."""
    return {overlay: render(overlay) for overlay in OVERLAYS}


@pytest.fixture(params=OVERLAYS)
def overlay(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def objects(rendered: dict[str, list[Manifest]], overlay: str) -> list[Manifest]:
    return rendered[overlay]


@dataclass
class Stage:
    """One `FROM ... AS name` stage of a Dockerfile with its instructions in order."""

    name: str
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def args_of(self, keyword: str) -> list[str]:
        return [args for kw, args in self.instructions if kw == keyword]

    def entrypoint(self) -> list[str]:
        """The exec-form ENTRYPOINT the image runs (the last one wins, as in Docker)."""
        values = self.args_of("ENTRYPOINT")
        assert values, f"stage {self.name} has no ENTRYPOINT"
        return json.loads(values[-1])


def _logical_lines(text: str) -> Iterator[str]:
    """Dockerfile lines with comments dropped and backslash continuations joined."""
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#") or (not line and not pending):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        yield (pending + line).strip()
        pending = ""


def parse_dockerfile(text: str) -> dict[str, Stage]:
    """Stages by name; instructions before the first FROM (global ARGs) are ignored."""
    stages: dict[str, Stage] = {}
    current: Stage | None = None
    for line in _logical_lines(text):
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = args.split()
            if len(words) != 3 or words[1].upper() != "AS":
                pytest.fail(f"every stage must be named (FROM image AS name): {line}")
            current = Stage(name=words[2], base=words[0])
            stages[current.name] = current
        elif current is not None:
            current.instructions.append((keyword, args.strip()))
    return stages


@pytest.fixture(scope="session")
def dockerfile() -> dict[str, Stage]:
    return parse_dockerfile(DOCKERFILE.read_text())
