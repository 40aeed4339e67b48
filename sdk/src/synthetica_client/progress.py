"""Progress bars (rich) for uploads, jobs and downloads. They draw on stderr, and only on a
terminal: in a pipe, a log file or CI they stay quiet. Pass ``progress=True`` to draw them
when the console is a terminal, or a ``rich.console.Console`` of your own to draw them
there whatever it is (``Console(file=..., force_terminal=True)`` captures them)."""

from __future__ import annotations

from typing import Any, Protocol

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


class JobProgress(Protocol):
    """A job's progress as the API reports it: a ``jobUpdates`` message, or a job's
    ``progress``."""

    @property
    def percent(self) -> float: ...
    @property
    def epoch(self) -> int: ...
    @property
    def total_epochs(self) -> int: ...
    @property
    def loss(self) -> float | None: ...
    @property
    def eta_seconds(self) -> float | None: ...
    @property
    def message(self) -> str: ...


def job_detail(status: str, p: JobProgress) -> str:
    """The text beside a job's bar: status or message, epoch, loss, ETA."""
    parts = [f"{status.lower()}: {p.message}" if p.message else status.lower()]
    if p.total_epochs:
        parts.append(f"epoch {p.epoch}/{p.total_epochs}")
    elif p.epoch:
        parts.append(f"epoch {p.epoch}")
    if p.loss is not None:
        parts.append(f"loss {p.loss:.4g}")
    if p.eta_seconds is not None and p.eta_seconds > 0:
        minutes, seconds = divmod(round(p.eta_seconds), 60)
        parts.append(f"ETA {minutes}:{seconds:02d}")
    return " · ".join(parts)
