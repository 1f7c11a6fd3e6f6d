"""Where each article's raw source comes from and where it goes in the output.

A file source is copied byte for byte; a record of a JSONL collection is written as that one
original line. Whatever the source was, the copy is never served as HTML: sources may carry
scripts, so any name a browser could render is given a ``.txt`` suffix.

Only regular files inside the project's source roots are copied (``locate``): the ``Source``
header is editable text, and ``../../proc/self/environ``, ``/etc/shadow`` or a symlink out of
the sources folder must never reach the published site. ``plan`` is pure; ``locate`` and
``open_regular`` only read the file system.
"""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from bulletins.site.output_files import with_suffix

SAFE_SUFFIXES = {".txt", ".json"}
COLLECTION_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")


@dataclass(frozen=True)
class RawCopy:
    source: str  # the article's Source, as ingest wrote it
    line: int | None  # 1-based record line in a collection, None for a whole file
    target: str  # output-relative path, also the URL below SITEURL


def is_collection(source: str) -> bool:
    return source.lower().endswith(COLLECTION_SUFFIXES)


def plan(save_as: str, source: str, line: int | None, raw_dir: str = "raw") -> RawCopy | None:
    """``bulletins/2022/02/x.html`` + ``sources/a.htm`` -> ``raw/bulletins/2022/02/x.htm.txt``."""
    if not source:
        return None
    stem = _under(raw_dir, with_suffix(save_as, ""))
    if is_collection(source):
        if not line or line < 1:
            return None
        return RawCopy(source, line, f"{stem}.json")
    suffix = PurePosixPath(source).suffix.lower()
    if suffix in SAFE_SUFFIXES:
        return RawCopy(source, None, f"{stem}{suffix}")
    return RawCopy(source, None, f"{stem}{suffix}.txt" if suffix else f"{stem}.txt")


def _under(folder: str, path: str) -> str:
    """``str(PurePosixPath(folder) / path)`` for a plain relative PATH (``with_suffix``'s)."""
    if path in ("", ".") or path.startswith(("/", "./")) or path.endswith("/.") or "/./" in path or "//" in path:
        return str(PurePosixPath(folder) / path)
    prefix = _folder(folder)
    return path if prefix == "." else f"{prefix}/{path}"


@functools.cache
def _folder(folder: str) -> str:
    return str(PurePosixPath(folder))


def parse_line(value: object) -> int | None:
    """The ``SourceLine`` header as an int (Pelican gives strings); junk -> None."""
    try:
        line = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return line if line > 0 else None


@dataclass(frozen=True)
class Located:
    """The real path of a source that may be copied, or why it may not (``problem``)."""

    path: Path | None
    problem: str | None = None


NOT_FOUND = "not found"
OUTSIDE = "outside the source roots"
NOT_REGULAR = "not a regular file"


def real_roots(roots: Sequence[str], base: str) -> list[Path]:
    """ROOTS (relative ones against BASE) with every symlink resolved."""
    return [Path(os.path.realpath(os.path.join(base, root))) for root in roots]


def locate(
    source: str, bases: Sequence[str], roots: Sequence[Path], find: Callable[[str], Path | None] | None = None
) -> Located:
    """SOURCE (relative to the first of BASES where it exists, or absolute) with its symlinks
    resolved; refused unless that is a regular file inside one of ROOTS (real paths). FIND maps a
    name that is not on disk as written (a non-UTF-8 file name shown readable) to the real file."""
    path = Path(source)
    candidates = [path] if path.is_absolute() else [Path(base) / path for base in bases]
    for candidate in candidates:
        if not os.path.lexists(candidate):
            candidate = find(str(candidate)) if find else None
            if candidate is None:
                continue
        real = Path(os.path.realpath(candidate))
        if not any(real.is_relative_to(root) for root in roots):
            return Located(None, OUTSIDE)
        try:
            mode = os.stat(real).st_mode
        except OSError:
            return Located(None, NOT_FOUND)
        return Located(real, None) if stat.S_ISREG(mode) else Located(None, NOT_REGULAR)
    return Located(None, NOT_FOUND)


def open_regular(path: Path) -> BinaryIO:
    """PATH opened for reading, without following a symlink or waiting on a FIFO; OSError
    unless it is (still) a regular file."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{path} is {NOT_REGULAR}")
    return os.fdopen(fd, "rb")
