"""Progress bars (rich) for uploads, jobs and downloads. They draw on stderr, and only on a
terminal: in a pipe, a log file or CI they stay quiet. Pass ``progress=True`` to draw them
when the console is a terminal, or a ``rich.console.Console`` of your own to draw them
there whatever it is (``Console(file=..., force_terminal=True)`` captures them)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)

ProgressOption = bool | Console | None
# Displays on screen now: a question on the terminal (Ctrl-C during a wait) pauses them.
_ACTIVE: set[Progress] = set()


def pause_all() -> None:
    for progress in list(_ACTIVE):
        progress.stop()


def resume_all() -> None:
    for progress in list(_ACTIVE):
        progress.start()


def console_for(progress: ProgressOption) -> Console | None:
    """The console to draw on, or None for no bars."""
    if isinstance(progress, Console):
        return progress
    if not progress:
        return None
    console = Console(stderr=True)
    # A terminal, or a notebook (rich draws its bars there as widgets).
    return console if console.is_terminal or console.is_jupyter else None


class Bar:
    """One bar, or nothing at all when there is no console."""

    def __init__(
        self, progress: Progress | None, description: str, total: float | None, **fields: Any
    ) -> None:
        self._progress = progress
        self._task = progress.add_task(description, total=total, **fields) if progress else None

    def update(self, **kwargs: Any) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, **kwargs)

    def advance(self, amount: float) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.advance(self._task, amount)


class Bars:
    """``with Bars.job(console) as bars: bar = bars.add(...)``: a live display when
    ``console`` is given, a no-op otherwise."""

    def __init__(self, progress: Progress | None) -> None:
        self._progress = progress

    @classmethod
    def job(cls, console: Console | None) -> Bars:
        return cls._drawn(
            console, TaskProgressColumn(), TextColumn("{task.fields[detail]}", markup=False)
        )

    @classmethod
    def transfer(cls, console: Console | None) -> Bars:
        return cls._drawn(console, DownloadColumn(), TransferSpeedColumn())

    @classmethod
    def _drawn(cls, console: Console | None, *columns: ProgressColumn) -> Bars:
        """Bars of a description, a bar, ``columns`` and the time elapsed."""
        if console is None:
            return cls(None)
        return cls(
            Progress(
                # Descriptions and details hold names and messages from the server: no markup.
                TextColumn("{task.description}", style="bold", markup=False),
                BarColumn(),
                *columns,
                TimeElapsedColumn(),
                console=console,
                transient=False,
            )
        )

    def add(self, description: str, total: float | None = None, **fields: Any) -> Bar:
        return Bar(self._progress, description, total, **fields)

    def __enter__(self) -> Bars:
        if self._progress is not None:
            _ACTIVE.add(self._progress)
            self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            _ACTIVE.discard(self._progress)
            self._progress.stop()


def job_detail(
    *,
    status: str,
    epoch: int,
    total_epochs: int,
    loss: float | None,
    eta: float | None,
    message: str,
) -> str:
    """The text beside a job's bar: status or message, epoch, loss, ETA."""
    parts = [f"{status.lower()}: {message}" if message else status.lower()]
    if total_epochs:
        parts.append(f"epoch {epoch}/{total_epochs}")
    elif epoch:
        parts.append(f"epoch {epoch}")
    if loss is not None:
        parts.append(f"loss {loss:.4g}")
    if eta is not None and eta > 0:
        minutes, seconds = divmod(round(eta), 60)
        parts.append(f"ETA {minutes}:{seconds:02d}")
    return " · ".join(parts)
