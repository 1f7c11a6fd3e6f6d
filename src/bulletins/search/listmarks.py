"""Marks in the last build's long posting lists, where the walk of a patched list may begin.

A list's entries hold gaps between doc ids, so finding an id in it (``splice.split``) walks
every entry before it, one at a time in Python: patching the lists a removed bulletin held took
9.0 s of the search index's 19.1 s at 100,000 bulletins. The walk notes a mark every
``splice.MARK_NUMBERS`` numbers: the byte offset of an entry and the id of the entry before it.
A mark depends only on the bytes before it, so the marks of a list stay true while those bytes
do, whatever comes after (bulletins added at the end, a patch further on); a patch moves the
marks above it with the bytes they stand in. Each list's marks are kept with the digest of its
bytes up to the last mark, and used only where the list still has those bytes; a walk then
starts from the last mark below the id it looks for.

A build that merges sorted runs (a cold build on worker processes: one run per chunk of 5,000
bulletins; in one process, one per spill of its memory budget; a build that continues the last
lists) knows more marks for free: where each run's piece of a list begins is an entry's offset,
and the last id of the piece before is the id before it (``runs.merged``). A cold build keeps
those, so the first walk of a list after it already begins within one run of the id it looks for.

The marks live in ``search-marks.marshal`` (``sealed``) beside the postings state:
``{(key, kind): (length, digest, offsets, ids)}``, the offsets and ids each packed as 4-byte
little-endian signed numbers (``packed``), in the file and in memory alike; the file holds
them ``PIECE_LISTS`` lists a piece (``sealed.write_pieces``, format 4), so that saving them
makes one piece's bytes at a time (the million's marks in one piece were a 98 MB ``marshal``
copy beside the 127 MiB of marks, at the end of the index's phase). Until format 2 they
were tuples of Python ints, some 36 bytes a number in memory, and in format 2 8-byte numbers: at
1,000,000 bulletins (200 runs of 5,000, so a long list has a mark where each run's piece begins)
the file held some 12 million marks, which a cold build holds from its merge to its end (and a
rebuild's index from its start). An id is below 2**31 (``docids``) and an offset is one within
a list; a list of 2 GiB or more, were there one, keeps no marks. A missing, damaged or foreign file
counts as no marks: every walk starts at the list's beginning, as it did without them, and finds
the same offsets (tested).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import sys
from array import array
from collections.abc import Iterator
from pathlib import Path

from bulletins import sealed

MARKS_FILE = "search-marks.marshal"
FORMAT = 4  # 1: offsets and ids as tuples of ints; 2: as 8-byte numbers; 3: as 4-byte ones, in one piece
PIECE_LISTS = 4096  # the lists a piece of the file holds
_CODE = "i" if array("i").itemsize == 4 else "l"  # a 4-byte signed number (C's int on every common machine)

Mark = tuple[int, int]  # an entry's byte offset, the id of the entry before it


def prefix_digest(buf: bytes, length: int) -> bytes:
    return hashlib.blake2b(memoryview(buf)[:length], digest_size=8).digest()


def packed(numbers) -> bytes:
    """NUMBERS as 4-byte little-endian signed integers (the same bytes on any machine);
    OverflowError for a number outside them."""
    made = array(_CODE, numbers)
    if sys.byteorder == "big":
        made.byteswap()
    return made.tobytes()


def unpacked(data: bytes) -> array:
    """The numbers ``packed`` made DATA of; ValueError for bytes of no whole number of them."""
    made = array(_CODE)
    made.frombytes(data)
    if sys.byteorder == "big":
        made.byteswap()
    return made


class Marks:
    """The marks of a folder's last build (``find``), and this build's (``keep``, ``save``)."""

    def __init__(self, folder: Path | str | None, *, fresh: bool = False):
        """The marks FOLDER holds; none with FRESH, whose ``save`` then replaces them all (a
        build that made every list anew: the old marks are of other bytes)."""
        self.path = Path(folder) / MARKS_FILE if folder else None
        self.lists = {} if fresh else self._load()
        self.changed = fresh

    def _load(self) -> dict:
        """The lists of the folder's file: its pieces after the head (format 4), or the lists of
        a file of format 3, the same marks in one piece; none for anything else."""
        try:
            head, *pieces = sealed.read_pieces(self.path) if self.path else [None]
        except (OSError, ValueError):
            return {}
        if isinstance(head, dict) and head.get("format") == 3 and isinstance(head.get("lists"), dict) and not pieces:
            return head["lists"]
        if head != {"format": FORMAT} or not all(isinstance(piece, dict) for piece in pieces):
            return {}
        lists = {}
        for piece in pieces:
            lists.update(piece)
        return lists

    def find(self, key: str, kind: str, buf: bytes) -> list[Mark]:
        """The marks of the list KEY/KIND whose bytes are BUF, in order; none when the bytes
        before its last mark are not the ones it was noted in (the entry is dropped)."""
        found = self.lists.get((key, kind))
        if found is None:
            return []
        try:
            length, digest, offsets, ids = found
            if 0 < length <= len(buf) and prefix_digest(buf, length) == digest:
                offsets, ids = unpacked(offsets), unpacked(ids)
                if len(offsets) == len(ids):
                    return list(zip(offsets, ids))
        except (TypeError, ValueError):
            pass
        del self.lists[(key, kind)]
        self.changed = True
        return []

    def keep(self, key: str, kind: str, buf: bytes | None, marks: list[Mark]) -> None:
        """MARKS (in order, each below ``len(BUF)``) as the marks of the list KEY/KIND, whose
        bytes are now BUF (None: the list is gone)."""
        if not marks or buf is None:
            self.changed |= self.lists.pop((key, kind), None) is not None
            return
        length = marks[-1][0]
        try:
            offsets, ids = packed(offset for offset, _ in marks), packed(doc for _, doc in marks)
        except OverflowError:  # a list of 2 GiB or more: walked from its start, as without marks
            self.keep(key, kind, None, [])
            return
        self.lists[(key, kind)] = (length, prefix_digest(buf, length), offsets, ids)
        self.changed = True

    def save(self) -> None:
        """Written (then renamed into place) when a list's marks changed; removed when no list
        has any."""
        if self.path is None or not self.changed:
            return
        if not self.lists:
            self.path.unlink(missing_ok=True)
            self.changed = False
            return
        with contextlib.suppress(OSError):  # no marks kept: the next walks start at the beginning
            sealed.write_pieces(self.path, self._pieces())
        self.changed = False

    def _pieces(self) -> Iterator[dict]:
        """The file's pieces: its head, then the lists ``PIECE_LISTS`` at a time."""
        yield {"format": FORMAT}
        items = iter(self.lists.items())
        while piece := dict(itertools.islice(items, PIECE_LISTS)):
            yield piece
