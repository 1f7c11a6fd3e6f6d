"""A child process that ends with the process that made it.

A build that is stopped ends the forks it began (``forked._stop_started``), but a build that is
killed outright (``kill -9``, the out-of-memory killer) runs nothing: its forks went on writing
the search index, the open data and pages into the output and the cache, for minutes at
100,000 bulletins, while the next build (which the lock lets in at once: a POSIX record lock
is the killed process's alone) wrote the same files. The pools' workers waited on their queues
for ever (three were found 37 minutes after a Ctrl-C at 100,000).

``bound_to`` asks Linux to send the child SIGKILL when its parent ends (``PR_SET_PDEATHSIG``),
and ends it at once when the parent is gone already. Elsewhere nothing is done.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1  # prctl(2)


def bound_to(parent: int) -> None:
    """This process (a fork or a pool's worker of PARENT) ends when PARENT does."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:
        os._exit(1)
