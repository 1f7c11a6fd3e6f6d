"""One build at a time on a cache folder.

Two builds sharing a cache folder (``./run serve`` left running and ``./run build``, or two
terminals) write the same temporary files and records: on the sample site one of two builds
begun together ended with a traceback (``FileNotFoundError`` renaming a temporary the other had
just renamed), and each could have saved a record of pages the other wrote. ``initialized``
wraps the Pelican object's ``run`` so each build holds ``CACHE_PATH/.bulletins-build.lock``
from its start to its end: a second build waits for the first, saying so once, as a second
``bulletins ingest`` into one content folder does. The lock is a POSIX record lock
(``fcntl.lockf``), which belongs to the process that took it and is not inherited by its forks:
a ``flock`` is held by every process with a copy of its file descriptor, and a fork of a build
that a stop left behind would have kept every later build waiting. Where the system has no
``fcntl``, builds are not serialised.

Holding the lock, a build first removes what a killed build left in the cache folder (its
temporary files, the search index's spilled runs: ``site/leftovers.py``); no other build can be
writing them then. Without ``fcntl`` nothing is removed.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import logging
import os
from collections.abc import Iterator

from bulletins.site import leftovers

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None

logger = logging.getLogger("pelican")

LOCK_NAME = ".bulletins-build.lock"


def initialized(pelican) -> None:
    pelican.run = _locked_run(pelican.run, pelican.settings["CACHE_PATH"])


def _locked_run(run, cache: str):
    @functools.wraps(run)
    def wrapper(*args, **kwargs):
        with held(cache) as alone:
            if alone:
                _sweep(cache)
            return run(*args, **kwargs)

    return wrapper


@contextlib.contextmanager
def held(cache: str) -> Iterator[bool]:
    """CACHE's build lock, waited for when another build holds it; True inside when held (False
    where there are no locks: other builds may then be running)."""
    if fcntl is None:
        yield False
        return
    os.makedirs(cache, exist_ok=True)
    with open(os.path.join(cache, LOCK_NAME), "a+b") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:  # EACCES or EAGAIN: another process holds it
            if error.errno not in (errno.EACCES, errno.EAGAIN):
                raise
            logger.warning("%s: another build is using this cache folder; waiting for it to finish", cache)
            fcntl.lockf(handle, fcntl.LOCK_EX)
        yield True


def _sweep(cache: str) -> None:
    removed = leftovers.sweep_cache(cache)
    if removed:
        logger.info("%s: removed what a killed build left: %s", cache, ", ".join(removed))
