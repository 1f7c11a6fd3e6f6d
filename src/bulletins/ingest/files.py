"""The content folder's files: the lock a run holds, atomic writes, stale temp files.

Only ``pipeline`` calls these; together they make a run safe against another run into the same
folder (the lock), a reader (atomic replace) and an earlier run killed mid-write (its temp
files are removed under the lock at the start of the next run).
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # not POSIX: nothing keeps two runs into one content folder apart
    fcntl = None

logger = logging.getLogger(__name__)

ARTICLES = "bulletins"  # below the content folder (pelicanconf.ARTICLE_PATHS)
LOCK_NAME = ".bulletins.lock"  # in the content folder: one ingest at a time writes there
_OUR_TEMP = re.compile(r"\..+\.md\.[a-z0-9_]{8}\.tmp")  # write_atomic's temp files (tempfile's names)


@contextlib.contextmanager
def content_lock(content: Path, waiting: Callable[[Path], None] | None = None) -> Iterator[None]:
    """Hold CONTENT's lock (``content/.bulletins.lock``) for a whole run: two ingests into one
    folder take turns, so each sees the other's articles and no slug is claimed twice.
    WAITING is called once when another run holds the lock."""
    if content.exists() and not content.is_dir():
        raise OSError(f"the content folder {content} is a file, not a folder")
    try:
        content.mkdir(parents=True, exist_ok=True)
        handle = open(content / LOCK_NAME, "a+b")  # noqa: SIM115 (closed below, whatever happens)
    except OSError as error:
        raise OSError(f"cannot lock the content folder {content}: {error.strerror or error}") from None
    with handle:
        if fcntl is not None:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                (waiting or _log_waiting)(content)
                fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _log_waiting(content: Path) -> None:
    logger.warning("%s: another ingest is writing there; waiting for it to finish", content)


def remove_stale_temps(content: Path) -> int:
    """Remove the temp files a killed run left below CONTENT (ours only); how many."""
    removed = 0
    for path in (content / ARTICLES).rglob(".*.tmp") if (content / ARTICLES).is_dir() else ():
        if _OUR_TEMP.fullmatch(path.name) and path.is_file():
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def _file_mode() -> int:
    """The mode a new file gets here: 0o666 less the umask (0o644 under umask 022)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def write_atomic(path: Path, data: bytes) -> None:
    """Replace PATH with DATA in one step: readers see the old file or the new, never half.
    The file gets the usual mode for the umask, as if written with ``open``."""
    write_atomic_parts(path, (data,))


def write_atomic_parts(path: Path, parts: Iterable[bytes]) -> None:
    """``write_atomic`` of the bytes PARTS give one after the other, never all held at once."""
    if not path.parent.is_dir():
        path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            os.fchmod(fh.fileno(), _file_mode())
            for part in parts:
                fh.write(part)
        os.replace(tmp, path)
    except BaseException as error:
        Path(tmp).unlink(missing_ok=True)
        if isinstance(error, OSError) and error.filename is None:  # a write's error names no file
            raise OSError(error.errno, error.strerror, str(path)) from error
        raise
