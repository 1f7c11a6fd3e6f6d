"""The article cache's file (``articlecache``): its records, its tables and its index.

``MAGIC``, then records and tables in the order builds appended them, then the index (a pickle
of ``(entries, tables)``: ``name -> Entry`` and the ``TableRef`` of each table), its offset
(``FOOTER``) and ``MAGIC`` again. A record is an article pickled with the numbers of one table
(``records.Table``), then the UTF-8 of its texts (``records.read_record``) and of its body
(``bodies``). Every build that writes records writes their table after them; a table and a
record each carry a CRC-32 in the index, so bytes changed on disk are never taken for what was
written.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import struct
import zlib
from pathlib import Path
from typing import NamedTuple

from bulletins.plugins.incremental.records import TEXT_SLOTS

# 4: strings and wrappers as references (``records``); 5: bodies apart (``bodies``); 6: tables;
# 7: texts after their record, not in its table
MAGIC = b"BULLETINS-ARTICLES 7\n"
FOOTER = struct.Struct("<Q")  # the index's offset, followed by MAGIC
NEW = -1  # an entry's table: the one this build writes at its end


class Entry(NamedTuple):
    """A record's place in the file and what it was made from."""

    size: int  # the article file's size and modification time when it was read
    mtime_ns: int
    offset: int
    length: int
    warning: str | None  # the reader's warning line for the article
    digest: bytes  # of the file's bytes: a file touched (or checked out anew) but not changed keeps its record
    crc: int  # of the record's bytes: a record changed on disk is never taken for the article
    body: int  # the record ends with the article's body, so many bytes of UTF-8 (-1: none apart)
    table: int  # the number of the table whose numbers the record names (``NEW``: this build's)
    texts: tuple  # the lengths of the texts (UTF-8) between the record's pickle and its body

    def stamp(self) -> list[int]:
        """As ``file_stamp`` gives it."""
        return [self.size, self.mtime_ns]


class TableRef(NamedTuple):
    """A table's place in the file."""

    offset: int
    length: int
    crc: int


class OtherVersion(ValueError):
    """A cache file in another version's format: read as none, without a warning."""


def file_digest(path: str) -> bytes | None:
    """The digest of PATH's bytes (read whole, as the reader reads it: ``hashlib.file_digest``
    allocates a 256 KB buffer per call, 3.1 s for 100,000 articles against 1.0 s)."""
    try:
        with open(path, "rb") as fh:
            return hashlib.blake2b(fh.read(), digest_size=16).digest()
    except OSError:
        return None


def tmp_path(path: Path) -> Path:
    """Where a cache file at PATH is written before it is renamed into place."""
    return path.with_name(f".{path.name}.tmp")


def read_index(fd: int) -> dict:
    """The entries of the cache file FD, by name (``read_file``)."""
    return read_file(fd)[0]


def read_file(fd: int) -> tuple[dict, list]:
    """The entries and tables of the cache file FD; ValueError when it is not one of ours."""
    size = os.fstat(fd).st_size
    tail_size = FOOTER.size + len(MAGIC)
    tail = os.pread(fd, tail_size, size - tail_size) if size >= tail_size + len(MAGIC) else b""
    if not tail.endswith(MAGIC) or os.pread(fd, len(MAGIC), 0) != MAGIC:
        head = os.pread(fd, 64, 0).partition(b"\n")[0] + b"\n"
        if head != MAGIC and head.startswith(MAGIC.split()[0] + b" ") and tail.endswith(head[-len(tail) :]):
            raise OtherVersion("written by another version")
        raise ValueError("not an article cache")
    (where,) = FOOTER.unpack(tail[: FOOTER.size])
    end = size - len(tail)
    if not len(MAGIC) <= where <= end:
        raise ValueError("index out of place")
    index = pickle.loads(os.pread(fd, end - where, where))
    if type(index) is not tuple or len(index) != 2 or type(index[0]) is not dict or type(index[1]) is not list:
        raise ValueError("damaged index")
    entries, tables = index
    if any(type(t) is not TableRef or t.offset < len(MAGIC) or t.offset + t.length > where for t in tables):
        raise ValueError("damaged index")
    if any(
        type(e) is not Entry
        or e.offset < len(MAGIC)
        or e.offset + e.length > where
        or e.body > e.length
        or not 0 <= e.table < len(tables)
        or not _lengths(e.texts, e.length - max(e.body, 0))
        for e in entries.values()
    ):
        raise ValueError("damaged index")
    return entries, tables


def _lengths(texts, room: int) -> bool:
    """TEXTS is a tuple of at most ``TEXT_SLOTS`` lengths that fit in ROOM bytes."""
    return (
        type(texts) is tuple
        and len(texts) <= TEXT_SLOTS
        and all(type(n) is int and n >= 0 for n in texts)
        and sum(texts) <= room
    )


def write_end(out, entries: dict, tables: list) -> None:
    """The index of ENTRIES and TABLES, then the footer, at the end of OUT."""
    where = out.tell()
    out.write(pickle.dumps((entries, tables), protocol=pickle.HIGHEST_PROTOCOL))
    out.write(FOOTER.pack(where) + MAGIC)


def write_table(out, items: list) -> TableRef:
    """A table of ITEMS (``records.Table.written_items``) at the end of OUT; its place."""
    data = pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL)
    ref = TableRef(out.tell(), len(data), zlib.crc32(data))
    out.write(data)
    return ref


def copy_table(source: int, ref: TableRef, out) -> TableRef:
    """The table at REF in the file SOURCE copied to the end of OUT; its new place."""
    data = os.pread(source, ref.length, ref.offset)
    moved = ref._replace(offset=out.tell())
    out.write(data)
    return moved


def live_bytes(entries: dict, tables: list) -> int:
    """What the records of ENTRIES and the tables they name take in the file."""
    named = {e.table for e in entries.values()}
    return sum(e.length for e in entries.values()) + sum(tables[n].length for n in named)


def copy_records(source: int, out, entries: dict, tables: list) -> tuple[dict, list]:
    """ENTRIES' records copied from the file SOURCE to OUT, by name, each table they name
    before its first record; their new entries and tables."""
    copied: dict = {}
    numbers: dict[int, int] = {}
    moved: list[TableRef] = []
    for name, entry in sorted(entries.items()):
        if entry.table not in numbers:
            numbers[entry.table] = len(moved)
            moved.append(copy_table(source, tables[entry.table], out))
        data = os.pread(source, entry.length, entry.offset)
        if len(data) == entry.length:
            copied[name] = entry._replace(offset=out.tell(), table=numbers[entry.table])
            out.write(data)
    return copied, moved
