"""Child processes that do not outlive their parent.

A child left running by a parent that was killed (``kill -9``, the OOM killer) keeps working
on behalf of nobody: an ingest worker finishes and deletes the upload its restarted parent
is about to ingest again, an engine trains for hours for a job another worker has taken.
On Linux the kernel can signal a process when its parent dies (``PR_SET_PDEATHSIG``);
elsewhere this does nothing.

``python -m common.lifetime --parent PID MODULE ARGS...`` runs ``python -m MODULE ARGS...``
in this process with that signal set (SIGTERM, so it shuts down gracefully): how devstack
starts its children without a ``preexec_fn`` (unsafe once the parent has threads).
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import logging
import os
import runpy
import signal
import sys

log = logging.getLogger(__name__)

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int, sig: signal.Signals = signal.SIGKILL) -> None:
    """Has the kernel send ``sig`` to this process when its parent exits.

    ``parent_pid`` is the parent as the caller knew it: a parent that died before this call
    already made this process an orphan, which then gets ``sig`` at once. (The signal
    follows the parent *thread* that started this process, so start children from a thread
    that lives as long as the parent: the main thread, or a pool's own.)"""
    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        log.warning("prctl(PR_SET_PDEATHSIG) failed: errno %d", ctypes.get_errno())
        return
    if os.getppid() != parent_pid:
        os.kill(os.getpid(), sig)


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m common.lifetime")
    parser.add_argument("--parent", type=int, required=True, help="pid of the parent")
    parser.add_argument("module")
    parser.add_argument("args", nargs=argparse.REMAINDER)
    options = parser.parse_args()
    die_with_parent(options.parent, signal.SIGTERM)
    sys.argv = [options.module, *options.args]
    runpy.run_module(options.module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
