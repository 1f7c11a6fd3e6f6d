"""A rebuild's files brought into the kernel's caches by a forked process, ahead of the build.

A daily rebuild finds the last build's files on disk, not in memory: the article cache's records
(440 MB at 100,000 articles) are read one at a time in the order Pelican meets their articles,
each a disk read; every article file and every output page is looked up (``stat``) once or
twice. Measured at 100,000 articles after the page cache was dropped: reading the records one by
one took 3.2-6.1 s, the same file read straight through 1.0 s, and 0.3 s once in memory.

So at the start of a build that has an article cache, a forked process (``nice``, on the other
core while this one starts Pelican) reads the cache files straight through, then looks up every
file below the content and output folders. It changes nothing and reports nothing: the build
reads what it always read, only sooner. ``BULLETINS_WARM_CACHES = False`` turns it off (a
folder on a network file system, a machine without a spare core); ``finalized`` ends it.
"""

from __future__ import annotations

import os
import signal
from contextlib import suppress
from pathlib import Path

from bulletins.plugins.incremental.articlecache import FILE as ARTICLE_CACHE
from bulletins.plugins.progress.phaselog import memory_kb

PREFIX = "bulletins-"  # the cache files a rebuild reads whole (not the search index's state)
CHUNK = 1 << 20
_children: list[int] = []


def cache_files(cache_path: str) -> list[str]:
    """The files below CACHE_PATH a rebuild reads: the article cache first, then the rest of
    ours, largest first."""
    try:
        names = [e for e in os.scandir(cache_path) if e.is_file() and e.name.startswith(PREFIX)]
    except OSError:
        return []
    names.sort(key=lambda e: (e.name != ARTICLE_CACHE, -e.stat().st_size, e.name))
    return [e.path for e in names]


def read_through(path: str, buffer: bytearray) -> int:
    """Read PATH from start to end into BUFFER; the bytes read (0 when it cannot be opened)."""
    total = 0
    with suppress(OSError), open(path, "rb", buffering=0) as fh:
        with suppress(AttributeError, OSError):
            os.posix_fadvise(fh.fileno(), 0, 0, os.POSIX_FADV_SEQUENTIAL)
        while n := fh.readinto(buffer):
            total += n
    return total


def look_up(folder: str) -> int:
    """``stat`` every file below FOLDER (symbolic links not followed); how many."""
    count, stack = 0, [folder]
    while stack:
        with suppress(OSError), os.scandir(stack.pop()) as entries:
            for entry in entries:
                with suppress(OSError):
                    if entry.is_dir(follow_symlinks=False):
                        stack.append(entry.path)
                    else:
                        entry.stat(follow_symlinks=False)
                        count += 1
    return count


def will_need(paths, budget: int | None = None) -> int:
    """Ask the kernel to bring PATHS into memory now, each with one ``posix_fadvise(WILLNEED)``,
    which queues the file's reads and returns: files read one after another from disk wait for
    each read in turn (a cold build's articles, from a dropped page cache: 30,000 of them in
    7.2 s read in turn, 1.2 s with this first). Stops past BUDGET bytes (default: half the memory
    available), so that the first files are not pushed out by the last. How many were advised
    (0 where the system has no ``posix_fadvise``)."""
    if not hasattr(os, "posix_fadvise"):
        return 0
    left, count = budget if budget is not None else available_bytes() // 2, 0
    for path in paths:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO would block a plain open
        except OSError:
            continue
        try:
            left -= os.fstat(fd).st_size
            if left < 0:
                break
            os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_WILLNEED)
            count += 1
        except OSError:
            continue
        finally:
            os.close(fd)
    return count


def available_bytes(meminfo: str = "/proc/meminfo") -> int:
    """The memory available (``MemAvailable``, read as ``forked.room_for_a_copy`` reads it);
    1 GiB where the system does not say."""
    try:
        kb = memory_kb("MemAvailable", Path(meminfo).read_text(encoding="ascii"))
    except OSError:
        kb = None
    return kb * 1024 if kb is not None else 1 << 30


def warm(files: list[str], folders: list[str]) -> None:
    buffer = bytearray(CHUNK)
    for path in files:
        read_through(path, buffer)
    for folder in folders:
        look_up(folder)


def plan(settings) -> tuple[list[str], list[str]] | None:
    """What to warm for SETTINGS, or None: off, or no article cache (a first build)."""
    if not settings.get("BULLETINS_WARM_CACHES", True):
        return None
    cache_path = settings.get("CACHE_PATH") or ""
    if not os.path.isfile(os.path.join(cache_path, ARTICLE_CACHE)):
        return None
    folders = [settings.get("PATH"), settings.get("OUTPUT_PATH")]
    return cache_files(cache_path), [f for f in folders if f and os.path.isdir(f)]


def start(pelican) -> int | None:
    """``initialized``: fork the process that warms this build's files; its pid, or None."""
    planned = plan(pelican.settings)
    if planned is None or not hasattr(os, "fork"):
        return None
    try:
        pid = os.fork()
    except OSError:
        return None
    if pid == 0:  # the child: only system calls, then out without running any exit handler
        try:
            os.nice(10)
            warm(*planned)
        finally:
            os._exit(0)
    _children.append(pid)
    return pid


def stop(*_args) -> None:
    """``finalized``: end a warming process still running, and reap it."""
    while _children:
        pid = _children.pop()
        with suppress(OSError):
            if os.waitpid(pid, os.WNOHANG) == (0, 0):
                os.kill(pid, signal.SIGTERM)
                os.waitpid(pid, 0)
