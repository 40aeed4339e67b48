"""Stops a server when the process that started it is gone.

PostgreSQL is started through ``pg_ctl``, which daemonises it: no death signal of its
starter reaches it, and a test run or `make up` killed with ``kill -9`` (a CI timeout, the
OOM killer) used to leave it running, holding its port, memory and data folder. NATS
runs in a session of its own for the same reason as PostgreSQL (a Ctrl-C must not stop it
before the services that use it) and was left behind the same way.

``python tools/watchdog.py --owner PID (--pid PID | --postgres DIR) [--signal SIG]
[--remove DIR]`` runs beside such a server, in a session of its own (so the signal that
kills its owner's process group does not kill it too), until its owner is gone: the end of
its standard input (a pipe only the owner holds; the kernel closes it however the owner
ends) or the owner no longer running, whichever it sees first. Then it sends the server
``--signal``, gives it a while to shut down, and kills it if it is still there. The owner is
its pid and the start time that pid had when the watchdog started: once the owner is gone
its pid may be given to another process, and a forked child of the owner may still hold the
pipe; a process of that pid started at another time is not the owner, and the watchdog does
not wait for it.

The server is ``--pid``, or the PostgreSQL of data folder ``--postgres``, looked up when
the owner is gone (after any ``pg_ctl`` still starting it ends): that watchdog starts
before the server does and watches it across restarts, so an owner killed, or interrupted
by Ctrl-C, while ``pg_ctl start`` waits leaves nothing behind either. A pid since taken by
another process is never signalled (psutil compares start times; a postmaster's command
line must name its folder).

An owner that ends the watchdog itself writes ``done`` first: it stopped the server (the
watchdog still makes sure). Without that word the owner died, and ``--remove`` (a throwaway
data folder) is deleted too. Stand-alone (standard library and psutil): it runs as a
script, whatever the importable ``tools`` package is.
"""

from __future__ import annotations

import argparse
import os
import select
import shutil
import signal
import sys
from pathlib import Path

import psutil

POLL_SECONDS = 1.0
GRACE_SECONDS = 30.0


def _process(pid: int) -> psutil.Process | None:
    try:
        return psutil.Process(pid)
    except psutil.NoSuchProcess:
        return None


def started_at(pid: int) -> float | None:
    """When the process of ``pid`` started (psutil's create time), None when there is none:
    what tells it from a later process given the same pid."""
    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


def running(pid: int, created: float | None) -> bool:
    """Whether the process that had ``pid`` when it started at ``created`` still runs: that
    pid is running, not a zombie, and started then. A process that got the pid later (the
    kernel reuses pids) is not it. (psutil computes both times the same way: equal, not
    close.)"""
    if created is None:
        return False
    try:
        now = psutil.Process(pid)
        return now.create_time() == created and now.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False


def _alive(process: psutil.Process | None) -> bool:
    """The server's test, the owner's: psutil.Process noted its create time when made."""
    if process is None:
        return False
    try:
        created = process.create_time()
    except psutil.Error:
        return False
    return running(process.pid, created)


def wait_for_owner(owner: int, created: float | None) -> bool:
    """Until standard input ends or the owner (``owner``, started at ``created``) is no
    longer running: whether the owner said ``done`` (it ended the watchdog) rather than
    died."""
    stdin, said = sys.stdin.fileno(), b""
    while running(owner, created):
        readable, _, _ = select.select([stdin], [], [], POLL_SECONDS)
        if readable:
            chunk = os.read(stdin, 64)
            if not chunk:
                break
            said = (said + chunk)[-64:]
    return said.strip() == b"done"


def postmaster(data_dir: str) -> psutil.Process | None:
    """The running PostgreSQL of ``data_dir``, once no ``pg_ctl`` of it is still starting it."""
    starting = [
        p
        for p in psutil.process_iter(["name", "cmdline"])
        if p.info["name"] == "pg_ctl" and data_dir in (p.info["cmdline"] or [])
    ]
    psutil.wait_procs(starting, timeout=GRACE_SECONDS * 3)
    try:
        pid = abs(int((Path(data_dir) / "postmaster.pid").read_text().split()[0]))
    except (OSError, ValueError, IndexError):
        return None
    server = _process(pid)
    try:
        return server if server is not None and data_dir in server.cmdline() else None
    except psutil.Error:
        return None


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
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--pid", type=int, help="pid of the server")
    target.add_argument("--postgres", help="data folder of the PostgreSQL server")
    parser.add_argument("--name", default="server", help="the server, as said in the log")
    parser.add_argument("--signal", default="SIGTERM", help="what asks the server to stop")
    parser.add_argument("--remove", help="a folder to delete once the owner died")
    options = parser.parse_args()
    # Noted at once, while the owner that started the watchdog holds its pid.
    owner_started = started_at(options.owner)
    server = _process(options.pid) if options.pid else None
    done = wait_for_owner(options.owner, owner_started)
    if options.postgres:
        server = postmaster(options.postgres)
    stopped = stop(server, signal.Signals[options.signal])
    if stopped and not done:
        print(
            f"watchdog: {options.name} (pid {server.pid if server else '?'}) stopped: its owner"
            f" (pid {options.owner}) is gone",
            file=sys.stderr,
            flush=True,
        )
    if options.remove and not done:
        shutil.rmtree(options.remove, ignore_errors=True)


if __name__ == "__main__":
    main()
