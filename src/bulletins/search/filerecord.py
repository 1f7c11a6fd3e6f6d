"""The record of the files the search index's build wrote (``cache/search-files.marshal``): for
each file its content key, its size and its modification time, so that the next build takes a
file it would write again with the same key as it is, without packing its data.

Most of an index's files are its bulletins' result data, one a bulletin, named by the
bulletin's day and slot (``f/2024/0315-7.js``, ``write.fragment_name``) and keyed by a digest of
10 hex digits: a dict of their names and of entries ``"<key> <size> <mtime_ns>"`` held 179.5
bytes a file (a million files, traced), 180 MB at a million bulletins, to the index's last step,
where that build holds the most. ``FileRecord`` holds such a file as four numbers in four
arrays (its day and slot, its key's 5 bytes, its size, its mtime): 25.9 bytes. That takes the
files in order of day and slot, as a build names them (the ids of every day's first block come
first, ``docids``); any other file, or one out of that order (a crowded day's later blocks), is
kept in a dict of entries as before. A name is found by bisection of the arrays, then in the
dict. The writer puts and compares numbers (``put``, ``same``), never a string an entry.

The file (``sealed.write_pieces``) holds a head (the index's folder, ``RECORD_FORMAT``, the
arrays' byte order), each array's bytes and the dict; reading it takes each array whole. A
record of another format, folder or byte order, or one damaged, reads as empty: every file is
then packed and compared byte for byte, once.
"""

from __future__ import annotations

import re
import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from itertools import chain
from pathlib import Path

from bulletins import sealed

RECORD_FILE = "search-files.marshal"  # in the cache folder: what the last build wrote
LEGACY_FILE = "search-files.json"  # formats 1-4 (JSON), removed when a record is saved
# 5: sealed arrays, result-data files held as numbers (``FileRecord``); 4: term shards of long
# lists packed by Huffman coding alone (``shard_strategy``; an entry's key names a file's data,
# not its packing, so the files of format 3 are made again); 3: files packed at DEFLATE_LEVEL 5
# (format 2's at level 9); 2: an entry is one string (``record_entry``); 1 had lists
RECORD_FORMAT = 5
_DAY = re.compile(r"f/([0-9]{4})/([0-9]{4})")  # ASCII digits: \d takes any script's
KEY_BYTES, SLOT_BITS = 5, 24
_days: dict[str, int] = {}  # "f/2024/0315" -> 20240315: one entry a day named


def record_entry(key: str, found: list | None) -> str | None:
    """A file's record entry: its content key and its ``file_stamp``, in one string."""
    return None if found is None else f"{key} {found[0]} {found[1]}"


def _code(relpath: str) -> int | None:
    """A result-data file's day and slot as one number, ordered as (day, slot); None for a name
    of another form (or another spelling of a slot: ``07``)."""
    if relpath[11:12] != "-" or relpath[-3:] != ".js" or len(relpath) > 23:
        return None
    day = _days.get(relpath[:11])
    if day is None:
        found = _DAY.fullmatch(relpath[:11])
        if found is None:
            return None
        day = _days[relpath[:11]] = int(found[1] + found[2])
    slot = relpath[12:-3]
    if not (slot.isascii() and slot.isdigit()) or (slot[0] == "0" and slot != "0"):
        return None
    number = int(slot)
    return day << SLOT_BITS | number if number < 1 << SLOT_BITS else None


def _span(at: int) -> slice:
    """Where the key of the file at AT is in the keys' bytes."""
    return slice(at * KEY_BYTES, (at + 1) * KEY_BYTES)


def _name(code: int) -> str:
    day = str(code >> SLOT_BITS).zfill(8)
    return f"f/{day[:4]}/{day[4:]}-{code & ((1 << SLOT_BITS) - 1)}.js"


def _key_bytes(key, size, mtime) -> bytes | None:
    """KEY's 5 bytes, when the arrays can hold an entry of KEY, SIZE and MTIME and give it back
    as it was (KEY 10 lowercase hex digits); else None."""
    if type(key) is not str or len(key) != 10 or type(size) is not int or type(mtime) is not int:
        return None
    if not (0 <= size < 1 << 32 and 0 <= mtime < 1 << 63):
        return None
    try:
        raw = bytes.fromhex(key)
    except ValueError:
        return None
    return raw if raw.hex() == key else None  # fromhex takes capitals and spaces too


def _parsed(entry) -> tuple[str, int, int] | None:
    """ENTRY's key, size and mtime, when the arrays can hold them and give ENTRY back as it is."""
    parts = entry.split(" ") if type(entry) is str else ()
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts[1:]):
        return None
    key, size, mtime = parts[0], int(parts[1]), int(parts[2])
    exact = _key_bytes(key, size, mtime) is not None and record_entry(key, [size, mtime]) == entry
    return (key, size, mtime) if exact else None


class FileRecord(Mapping):
    """Names of index files -> their entries (``record_entry``); see the module's docstring."""

    def __init__(self, items=()):
        self.codes, self.keys = array("Q"), bytearray()
        self.sizes, self.mtimes = array("I"), array("q")
        self.others: dict = {}
        self._asked: tuple = (None, None, None)  # the name looked up last, its number and position
        for name, entry in dict(items).items():
            self[name] = entry

    def _find(self, relpath) -> int | None:
        """The position of RELPATH in the arrays, or None."""
        asked, code, at = self._asked
        if relpath is asked:  # the writer asks for a name twice in turn (``named``, then ``put``)
            return at
        codes, code, at = self.codes, _code(relpath) if type(relpath) is str else None, None
        if code is not None and codes and code <= codes[-1]:
            at = bisect_left(codes, code)
            at = at if codes[at] == code else None
        self._asked = (relpath, code, at)
        return at

    def put(self, relpath: str, key: str, size: int, mtime: int) -> None:
        """RELPATH's entry: KEY, SIZE and MTIME (as the arrays' next file when it can be)."""
        if not self._append(relpath, key, size, mtime):
            self[relpath] = record_entry(key, [size, mtime])

    def _append(self, relpath, key, size, mtime) -> bool:
        """RELPATH as the arrays' next file, when it is result data named after the last held,
        its entry one they give back as it is, and it is not in the dict; else False."""
        codes = self.codes
        self._find(relpath)
        code = self._asked[1]
        if code is None or (codes and code <= codes[-1]) or relpath in self.others:
            return False
        raw = _key_bytes(key, size, mtime)
        if raw is None:
            return False
        codes.append(code)
        self.keys += raw
        self.sizes.append(size)
        self.mtimes.append(mtime)
        self._asked = (None, None, None)  # a name asked before is in the arrays now
        return True

    def same(self, relpath: str, key: str, size: int, mtime: int) -> bool:
        """Whether RELPATH's entry is KEY, SIZE and MTIME."""
        at = self._find(relpath)
        if at is None:
            return self.others.get(relpath) == record_entry(key, [size, mtime])
        return self.sizes[at] == size and self.mtimes[at] == mtime and self._key(at) == key

    def has_key(self, relpath: str, key: str) -> bool:
        """Whether RELPATH is held with the content key KEY (its size and mtime aside)."""
        at = self._find(relpath)
        if at is None:
            entry = self.others.get(relpath)
            return type(entry) is str and type(key) is str and entry.startswith(key + " ")
        return self._key(at) == key

    def __setitem__(self, relpath, entry: str) -> None:
        parsed, at = _parsed(entry), self._find(relpath)
        if at is not None:  # a name held already (a record naming a file twice): the last entry
            if parsed is not None:
                key, self.sizes[at], self.mtimes[at] = parsed
                self.keys[_span(at)] = bytes.fromhex(key)
                return
            del self.codes[at], self.sizes[at], self.mtimes[at]
            del self.keys[_span(at)]
            self._asked = (None, None, None)  # the positions after it moved
        elif parsed is not None and self._append(relpath, *parsed):
            return
        self.others[relpath] = entry

    def _key(self, at: int) -> str:
        """The content key of the file at AT in the arrays, as its hex digits."""
        return self.keys[_span(at)].hex()

    def _entry(self, at: int) -> str:
        return f"{self._key(at)} {self.sizes[at]} {self.mtimes[at]}"

    def __getitem__(self, relpath) -> str:
        at = self._find(relpath)
        return self._entry(at) if at is not None else self.others[relpath]

    def __contains__(self, relpath) -> bool:
        return relpath in self.others or self._find(relpath) is not None

    def __len__(self) -> int:
        return len(self.codes) + len(self.others)

    def __iter__(self) -> Iterator:
        yield from map(_name, self.codes)
        yield from self.others

    def items(self) -> Iterator[tuple]:  # the arrays in order, without a search each
        for at, code in enumerate(self.codes):
            yield _name(code), self._entry(at)
        yield from self.others.items()


def _head(root: Path) -> dict:
    return {"root": str(Path(root).resolve()), "format": RECORD_FORMAT, "order": sys.byteorder}


def load_record(folder: Path | str | None, root: Path) -> FileRecord:
    """What the last build wrote into ROOT (``save_record``); empty when there is no record of
    this format for this folder, or it cannot be read whole."""
    if not folder:
        return FileRecord()
    try:
        head, codes, keys, sizes, mtimes, others = sealed.read_pieces(Path(folder) / RECORD_FILE)
        if head != _head(root) or not all(type(b) is bytes for b in (codes, keys, sizes, mtimes)):
            return FileRecord()
        record = FileRecord()
        record.codes.frombytes(codes)
        record.sizes.frombytes(sizes)
        record.mtimes.frombytes(mtimes)
        record.keys[:] = keys
    except (OSError, ValueError):
        return FileRecord()
    count = len(record.codes)
    whole = len(record.sizes) == len(record.mtimes) == count and len(keys) == count * KEY_BYTES
    ascending = whole and all(a < b for a, b in zip(record.codes, record.codes[1:]))
    named = type(others) is dict and all(type(k) is str and type(v) is str for k, v in others.items())
    if not (ascending and named) or any(_code(_name(code)) != code for code in record.codes[-1:]):  # the largest
        return FileRecord()
    record.others = others
    return record


def save_record(folder: Path | str | None, root: Path, files: Mapping) -> None:
    """FILES as the next build's record (``load_record``), written aside, then renamed (the
    record of an earlier format removed)."""
    if not folder:
        return
    record = files if isinstance(files, FileRecord) else FileRecord(files)
    path = Path(folder) / RECORD_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = (record.codes, record.keys, record.sizes, record.mtimes)
    pieces = chain([_head(root)], (bytes(a) for a in arrays), [record.others])  # one array's copy at a time
    sealed.write_pieces(path, pieces)
    (Path(folder) / LEGACY_FILE).unlink(missing_ok=True)
