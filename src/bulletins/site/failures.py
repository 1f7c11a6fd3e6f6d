"""What to tell a publisher when the machine, not the archive, stops a build or an ingest.

A full disk, a used-up quota, a read-only or forbidden folder are no bug of the tool and no fault
in an article: one line saying what happened, where, how much room is left and what to do serves
better than a traceback. ``explain`` turns such an ``OSError`` into that line, and answers None
for every other error (those keep their traceback: they are ours to fix).

What a stopped build leaves is safe to build on: the next build, with room made, writes what is
missing or was cut short and equals a cold build (``tests/test_disk_full.py``).
"""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
from collections.abc import Callable, Mapping

WHAT = {
    errno.ENOSPC: "no space left on the disk",
    errno.EDQUOT: "the disk quota is used up",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
}
ROOM = {errno.ENOSPC, errno.EDQUOT}  # errors that room on the disk mends
KEPT = "what was written is kept, and the next run finishes the rest"  # a build's, an ingest's


def _existing(path: str) -> str:
    """PATH, or its nearest parent that exists."""
    path = os.path.abspath(path)
    while not os.path.exists(path) and os.path.dirname(path) != path:
        path = os.path.dirname(path)
    return path


def free_bytes(path: str) -> int | None:
    """Bytes free to this user on the file system holding PATH (or its nearest existing
    parent); None when not even that can be asked."""
    try:
        return shutil.disk_usage(_existing(path)).free
    except OSError:
        return None


def disk_of(path: str) -> int | None:
    """The device of the file system holding PATH (or its nearest existing parent); None when
    it cannot be asked."""
    try:
        return os.stat(_existing(path)).st_dev
    except OSError:
        return None


def format_bytes(count: int) -> str:
    """1,536 -> '1.5 KB'; decimal units, as ``df -H`` and file managers show them."""
    size = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{count:,} bytes" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def explain(
    error: BaseException,
    folders: Mapping[str, str],
    free: Callable[[str], int | None] = free_bytes,
    doing: str = "The build",
    kept: str = KEPT,
    disk: Callable[[str], object] = disk_of,
) -> str | None:
    """One line for an OSError the machine caused (``WHAT``; SQLite's "database or disk is
    full" counts as a full disk), naming the file when the error does and the room left in each
    of FOLDERS (a label -> a path, e.g. ``{"output": "output"}``; FREE its bytes free, DISK its
    file system); None for any other error. DOING names what stopped; KEPT says what it leaves."""
    if isinstance(error, sqlite3.OperationalError) and "disk is full" in str(error):
        error = OSError(errno.ENOSPC, str(error))
    if not isinstance(error, OSError) or error.errno not in WHAT:
        return None
    written = error.filename2 or error.filename  # a copy's or a rename's error names its target second
    where = f" writing {written}" if written else ""
    line = f"{doing} stopped: {WHAT[error.errno]}{where}."
    if error.errno in ROOM:
        shares = _rooms(folders, free, disk)
        line += f" Free now: {'; '.join(shares)}." if shares else ""
        line += " Make room (or point the folder at a larger disk) and run it again:"
    else:
        line += " Give this user write access (or choose another folder) and run it again:"
    return f"{line} {kept}."


def _rooms(folders: Mapping[str, str], free: Callable[[str], int | None], disk: Callable[[str], object]) -> list[str]:
    """ "<room> for <label> (<path>) and ..." for each disk holding FOLDERS, its room read once:
    folders on one disk share a figure, even while other processes write to it (two readings
    would differ). A folder whose disk cannot be asked is a disk of its own; one whose room
    cannot be asked is left out."""
    rooms: dict[object, tuple[int | None, list[str]]] = {}
    for label, path in folders.items():
        device = disk(path)
        key = ("folder", path) if device is None else device
        if key not in rooms:
            rooms[key] = (free(path), [])
        rooms[key][1].append(f"{label} ({path})")
    return [f"{format_bytes(left)} for {' and '.join(named)}" for left, named in rooms.values() if left is not None]
