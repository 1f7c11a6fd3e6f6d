"""The fixity cache's lines, read back: each checked by its CRC-32 and parsed.

The cache (``fixity_stream``) is a text file of one line per file of the output, sorted by
path: ``<crc32> <size> <mtime_ns> <manifest line>``, where the CRC-32 is of the rest of the
line (``sealed.line``), and a last line ``# manifest <size> <mtime_ns>`` (or ``# manifest -``)
for the manifest written from it. A line whose CRC-32 or form is not right, or a path out of
order, is a ``CacheError``: the cache then counts as none.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from bulletins import sealed
from bulletins.site.fixity import unescape_path

TRAILER = "# manifest "
# ASCII digits only: the manifest line of a cache line read back begins where its third group does,
# counted in characters, which are its bytes so
_LINE = re.compile(r"(\d+) (\d+) (\\?)([0-9a-f]{64})  ([^\n]+)\n", re.ASCII)


class CacheError(ValueError):
    """A cache line that cannot be read, or a path out of order."""


def read_cache(path: Path, stamp: list, offset: int = 0, stop: str | None = None) -> Iterator[tuple]:
    """``(path, size, mtime_ns, sha256, raw, cut)`` from a cache file, in order, from the line at
    byte OFFSET up to the first path from STOP on (not included), else to the trailer, whose
    ``[size, mtime_ns]`` of the manifest STAMP gets (left empty without one); RAW: the line's
    bytes as read (CRC-32 included), whose manifest line is ``RAW[CUT:]``, so an unchanged file's
    lines are written again as they were read (``_Lines``). Raises CacheError."""
    if not os.path.lexists(path):
        return
    try:
        with open(path, "rb") as fh:
            fh.seek(offset)
            yield from _entries(fh, stamp, stop)
    except (OSError, UnicodeDecodeError) as err:
        raise CacheError(str(err)) from err


def _entries(raws, stamp: list, stop: str | None = None) -> Iterator[tuple[str, int, int, str, bytes, int]]:
    last = None
    for number, raw in enumerate(raws, start=1):
        line = unsealed(raw, number)
        if line.startswith(TRAILER):
            stamp[:] = _trailer(line[len(TRAILER) :], number)
            return
        match = _matched(line, number)
        size, mtime_ns, escaped, digest, name = match.groups()
        if escaped:
            name = unescape_path(name)
        if last is not None and name <= last:
            raise CacheError(f"line {number}: {name!r} out of order")
        if stop is not None and name >= stop:
            return
        last = name
        yield name, int(size), int(mtime_ns), digest, raw, sealed.LINE_CRC + match.start(3)
    raise CacheError("no trailer line")


def unsealed(raw: bytes, number: int) -> str:
    """The text of the cache's line RAW once its CRC-32 is checked (``sealed.line_text``; the
    trailer as it is); a CacheError when they differ (unchecked, a hash changed for another of its
    length, on a file whose size and mtime still match, went into the new manifest). Some 0.5 us a
    line, 0.12 s more than decoding it for the 330,000 lines of a rebuild's half at 100,000."""
    try:
        return sealed.line_text(raw)
    except ValueError:
        if raw.startswith(b"#"):
            return raw.decode("utf-8")
        raise CacheError(f"line {number}: not the bytes written") from None


def parse_cache_line(line: str, number: int) -> tuple[str, int, int, str]:
    size, mtime_ns, escaped, digest, name = _matched(line, number).groups()
    return (unescape_path(name) if escaped else name), int(size), int(mtime_ns), digest


def _matched(line: str, number: int) -> re.Match:
    match = _LINE.fullmatch(line)
    if match is None:
        raise CacheError(f"line {number}: expected '<size> <mtime_ns> <sha256>  <path>', got {line[:80]!r}")
    return match


def split_point(path: Path, smallest: int, checked: bool = True) -> tuple[int, str] | None:
    """Where a cache file of at least SMALLEST bytes is cut in two halves: the byte offset and
    path of the first whole line past its middle (None for a smaller file, or where that is
    not a line of a file); CHECKED: its lines carry their CRC-32 (the cache's, not the noted
    file's)."""
    try:
        with open(path, "rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            if size < max(smallest, 1):
                return None
            fh.seek(size // 2)
            fh.readline()
            offset, raw = fh.tell(), fh.readline()
        line = unsealed(raw, 0) if checked else raw.decode("utf-8")
        return None if line.startswith(TRAILER) else (offset, parse_cache_line(line, 0)[0])
    except (OSError, UnicodeDecodeError, CacheError):
        return None


def _trailer(text: str, number: int) -> list[int]:
    if text.strip() == "-":
        return []
    try:
        size, mtime_ns = (int(v) for v in text.split())
    except ValueError as err:
        raise CacheError(f"line {number}: {err}") from err
    return [size, mtime_ns]
