"""Stops a server when the process that started it is gone.

PostgreSQL is started through ``pg_ctl``, which daemonises it: no death signal of its
starter reaches it, and a test run or `make up` killed with ``kill -9`` (a CI timeout, the
OOM killer) used to leave it running, holding its port, memory and data folder. NATS
runs in a session of its own for the same reason as PostgreSQL (a Ctrl-C must not stop it
before the services that use it) and was left behind the same way.

``python tools/watchdog.py --owner PID --pid PID [--signal SIGINT] [--remove DIR]``
runs beside such a server, in a session of its own (so the signal that kills its owner's
process group does not kill it too), until its owner is gone: the end of its standard
input (a pipe only the owner holds; the kernel closes it however the owner ends) or the
owner's pid no longer running, whichever it sees first. Then it sends the server
``--signal``, gives it a while to shut down, kills it if it is still there, and removes
``--remove`` (a throwaway data folder). A server already stopped by its owner is left
alone; a pid since taken by another process is never signalled (psutil compares start
times). Stand-alone (standard library and psutil): it runs as a script, whatever the
importable ``tools`` package is.
"""

from __future__ import annotations

import argparse
import os
import select
import shutil
import signal
import sys

import psutil

POLL_SECONDS = 1.0
GRACE_SECONDS = 30.0


def _process(pid: int) -> psutil.Process | None:
    try:
        return psutil.Process(pid)
    except psutil.NoSuchProcess:
        return None


def _alive(process: psutil.Process | None) -> bool:
    try:
        return process is not None and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def wait_for_owner(owner: psutil.Process | None) -> None:
    """Until standard input ends or ``owner`` is no longer running."""
    stdin = sys.stdin.fileno()
    while _alive(owner):
        readable, _, _ = select.select([stdin], [], [], POLL_SECONDS)
        if readable and not os.read(stdin, 4096):
            return


def stop(server: psutil.Process | None, sig: signal.Signals) -> bool:
    """Whether ``server`` was still running and had to be stopped."""
    if not _alive(server):
        return False
    assert server is not None
    try:
        server.send_signal(sig)
        server.wait(GRACE_SECONDS)
    except psutil.TimeoutExpired:
        server.kill()
        server.wait(GRACE_SECONDS)
    except psutil.NoSuchProcess:
        pass
    return True


def main() -> None:
    # Ctrl-C and a closed terminal are for the owner, which stops the server itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    parser = argparse.ArgumentParser(prog="tools/watchdog.py")
    parser.add_argument("--owner", type=int, required=True, help="pid of the owner")
    parser.add_argument("--pid", type=int, required=True, help="pid of the server")
    parser.add_argument("--name", default="server", help="the server, as said in the log")
    parser.add_argument("--signal", default="SIGTERM", help="what asks the server to stop")
    parser.add_argument("--remove", help="a folder to delete once the server is stopped")
    options = parser.parse_args()
    server = _process(options.pid)
    wait_for_owner(_process(options.owner))
    if stop(server, signal.Signals[options.signal]):
        print(
            f"watchdog: {options.name} (pid {options.pid}) stopped: its owner"
            f" (pid {options.owner}) is gone",
            file=sys.stderr,
            flush=True,
        )
        if options.remove:
            shutil.rmtree(options.remove, ignore_errors=True)


if __name__ == "__main__":
    main()
