"""deploy/docker/Dockerfile: one non-root target per process, each with only its own extra."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Stage

REPO = Path(__file__).resolve().parents[2]
TARGETS = ("auth", "datasets", "training", "evaluation", "notify", "gateway")
# Installing any of these means the image can compile native code at run time.
BUILD_TOOLS = ("build-essential", "gcc", "g++", "make", "cmake", "python3-dev", "libpq-dev")


def closure(stages: dict[str, Stage], target: str) -> list[Stage]:
    """The target and every stage it is built FROM or copies from: what `--target` builds."""
    seen: dict[str, Stage] = {}
    todo = [target]
    while todo:
        name = todo.pop()
        if name not in stages or name in seen:
            continue
        stage = seen[name] = stages[name]
        todo.append(stage.base)
        for copy in stage.args_of("COPY"):
            todo += [word.removeprefix("--from=") for word in copy.split() if "--from=" in word]
    return list(seen.values())


def lineage(stages: dict[str, Stage], target: str) -> list[Stage]:
    """The stages whose filesystem the final image is made of (FROM chain only)."""
    chain = []
    name = target
    while name in stages:
        chain.append(stages[name])
        name = stages[name].base
    return chain


def pip_installs(stages: list[Stage]) -> list[str]:
    return [run for stage in stages for run in stage.args_of("RUN") if "pip install" in run]


def extras_installed(stages: list[Stage]) -> set[str]:
    return {m for run in pip_installs(stages) for m in re.findall(r'"\.\[(\w+)\]"', run)}


@pytest.mark.parametrize("target", TARGETS)
def test_each_service_has_a_final_target(dockerfile: dict[str, Stage], target: str) -> None:
    assert target in dockerfile, f"`docker build --target {target}` would fail"


@pytest.mark.parametrize("target", TARGETS)
def test_targets_run_as_numeric_non_root_user(dockerfile: dict[str, Stage], target: str) -> None:
    # The last USER of the nearest stage that sets one is in effect when the image runs.
    users = [
        stage.args_of("USER")[-1] for stage in lineage(dockerfile, target) if stage.args_of("USER")
    ]
    assert users and users[0] == "10001"


@pytest.mark.parametrize("target", TARGETS)
def test_targets_carry_exactly_their_own_extra(dockerfile: dict[str, Stage], target: str) -> None:
    assert extras_installed(closure(dockerfile, target)) == {target}


@pytest.mark.parametrize("target", TARGETS)
def test_final_images_hold_no_build_tools(dockerfile: dict[str, Stage], target: str) -> None:
    runs = [run for stage in lineage(dockerfile, target) for run in stage.args_of("RUN")]
    installed = " ".join(run for run in runs if "apt-get install" in run or "apk add" in run)
    assert not [
        tool for tool in BUILD_TOOLS if re.search(rf"(?<![\w-]){re.escape(tool)}\b", installed)
    ]
    assert not pip_installs(lineage(dockerfile, target)), "pip belongs in the builder stages"


@pytest.mark.parametrize("target", TARGETS)
def test_entrypoint_runs_an_existing_module(dockerfile: dict[str, Stage], target: str) -> None:
    module = "gateway" if target == "gateway" else f"services.{target}"
    assert dockerfile[target].entrypoint() == ["python", "-m", module]
    assert (REPO / module.replace(".", "/") / "__main__.py").is_file()


def test_auth_image_has_no_torch(dockerfile: dict[str, Stage]) -> None:
    installs = " ".join(pip_installs(closure(dockerfile, "auth")))
    assert "torch" not in installs
    assert "mostlyai" not in installs


def test_training_installs_cpu_torch_before_the_extra(dockerfile: dict[str, Stage]) -> None:
    installs = pip_installs(closure(dockerfile, "training"))
    torch_at = next(i for i, run in enumerate(installs) if "torch==" in run)
    extra_at = next(i for i, run in enumerate(installs) if '".[training]"' in run)
    engine_at = next(i for i, run in enumerate(installs) if "mostlyai-engine" in run)
    assert "download.pytorch.org/whl/cpu" in installs[torch_at]
    assert torch_at < extra_at < engine_at
    # The engine's own torchvision/torchaudio pins must not be resolved.
    assert "--no-deps" in installs[engine_at]
    assert not any("torchvision" in run or "torchaudio" in run for run in installs)


def test_copied_sources_exist(dockerfile: dict[str, Stage]) -> None:
    copies = [
        c for stage in dockerfile.values() for c in stage.args_of("COPY") if "--from" not in c
    ]
    sources = {src for copy in copies for src in copy.split()[:-1]}
    assert sources, "the builder copies the project in"
    missing = sorted(src for src in sources if not (REPO / src).exists())
    assert not missing, f"docker build would fail: {missing} not in the repository"


def test_dockerignore_keeps_context_small_but_complete(dockerfile: dict[str, Stage]) -> None:
    ignored = {
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".venv", "var", ".git", "tests", "bench"} <= ignored
    copies = [
        c for stage in dockerfile.values() for c in stage.args_of("COPY") if "--from" not in c
    ]
    needed = {src for copy in copies for src in copy.split()[:-1]}
    assert not needed & ignored, "a COPY source is excluded from the build context"
