"""The ``synthetica`` command line: the Python client from a shell.

Every command prints a short, readable answer on stdout (``--json`` on the commands that
read something gives it as JSON instead), progress bars on stderr when it is a terminal,
and on failure one line ``error: CODE: message`` on stderr with exit status 1 (2 for a
command line it does not understand). Ctrl-C exits 130 (128 + SIGINT, the shell's
convention); after cancelling the awaited job (Ctrl-C in a terminal, then yes) it says so.

A module per command group registers its commands on the application or its group
(``_app.py``, where the groups are added); ``--help`` lists the root commands in the order
their modules are imported: account, then training.
"""

from __future__ import annotations

# Imported for their commands.
from synthetica_client.cli import (  # noqa: F401
    account,
    connections,
    datasets,
    jobs,
    projects,
    templates,
    training,
)
from synthetica_client.cli._app import app, err
from synthetica_client.errors import (
    BadUserInput,
    JobCancelled,
    ServiceUnavailable,
    SyntheticaError,
    Unauthenticated,
)

__all__ = ["app", "main"]

# 128 + SIGINT: the shell's exit status for a command Ctrl-C stopped.
INTERRUPTED = 130

# The API's names of the inputs the commands take as options: a refusal names the option
# that was typed (`--rows`), not the field it became (`count`).
_OPTION_OF_FIELD = {
    "count": "--rows",
    "seed": "--seed",
    "params.seed": "--seed",
    "params.epochs": "--epochs",
    "params.time_budget_seconds": "--budget",
}


def main(argv: list[str] | None = None) -> int:
    """The console script: runs a command; a failure becomes one line and exit status 1
    (the command line's own mistakes: 2, from typer); Ctrl-C: INTERRUPTED."""
    try:
        app(args=argv, prog_name="synthetica")
    except JobCancelled as exc:
        if not exc.interrupted:
            return _failed(exc)
        # Ctrl-C, then yes: exit as an interrupted command does (a Ctrl-C outside a terminal
        # exits 130 from typer, leaving the job running), not as a failure.
        err.print(f"Job {exc.job.id} was cancelled (Ctrl-C).", markup=False)
        return INTERRUPTED
    except SyntheticaError as exc:
        return _failed(exc)
    except OSError as exc:
        what = (
            f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc.strerror or exc)
        )
        err.print(f"error: {what}", markup=False, soft_wrap=True)
        return 1
    return 0


def _failed(exc: SyntheticaError) -> int:
    if isinstance(exc, BadUserInput):
        exc.extensions["fields"] = [
            {**f, "field": _OPTION_OF_FIELD.get(str(f.get("field")), f.get("field"))}
            for f in exc.fields
        ]
    err.print(f"error: {exc.code}: {exc}{_next_step(exc)}", markup=False, soft_wrap=True)
    return 1


def _next_step(exc: SyntheticaError) -> str:
    """What to type next, where the error's words do not say it: a command run before any
    login only hears "credentials required", and one run while the stack is down (or at
    another address) "cannot reach"."""
    if isinstance(exc, Unauthenticated) and exc.message == "credentials required":
        return (
            "; you are not logged in: `synthetica login --url http://HOST:PORT`"
            " (no account yet: `synthetica signup --url http://HOST:PORT`) or --api-key"
        )
    if isinstance(exc, ServiceUnavailable) and exc.message.startswith("cannot reach "):
        return (
            "; is the stack running (`make up`), and is that its address?"
            " Another one: --url or SYNTHETICA_URL"
        )
    return ""
