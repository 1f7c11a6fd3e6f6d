"""What a rebuild's index keeps of each bulletin it saw last time, so that it need not make the
bulletin's ``SearchDoc`` again.

Making a ``SearchDoc`` from an article reads the article's HTML back from the article cache
and strips it to text; the builder then serializes the result-data row and hashes it, and
hashes the indexed text (``doctokens.digest``). At 100,000 bulletins that is some 8 s of an
unchanged rebuild's index, in a fork that shares the build's memory for as long as it runs
(each page of memory the build then writes is copied: see README, *Scale*). None of it changes
while the article's source file, its URL, its status and its category do not.

So each bulletin's ``Memo`` (the row's key, the text's digest, its date, category and status)
is kept under its ``memo key`` (``documents.article_memo_key``: the source file's stamp, URL,
status and category) in ``bulletins-search-docs.marshal`` in the cache folder (``sealed``). The file names
the content-cache key it was made under (``readcache.cache_key``: the settings that can change
a page and this package's code); a file made under another key, damaged or of another format
is read as empty. A memo is only ever a shortcut: where it is missing, the bulletin is made as
before, and the index is the same either way (tested byte for byte).

Memory. A build holds a memo for every bulletin from its first to its last (the index's
phase, the build's highest at a million bulletins), so a memo is one record of 49 bytes in one
``bytearray`` (``RECORD``, file version 3): its key's 16-byte BLAKE2b digest (``held_key``; the
key is some 70 characters with Han text in it, the category), the row's key and the text's
digest as the bytes their hex digits spell (5 and 16), and its date, category and status as
numbers into one table of names (a day's bulletins share one date). The last build's records
stay as read, one bytes object, found through a dict of their keys' digests to their places.
100,000 memos put as a build puts them hold 55.6 bytes each (traced, their strings made in the
traced span); version 2 kept a dict of keys' digests to tuples of strings, 323.5 bytes a memo
so measured, and version 1 the keys whole. A file of an earlier version was made by other code,
so under another key: it reads as empty, as every content cache does after an upgrade.
"""

from __future__ import annotations

import contextlib
import hashlib
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from bulletins import sealed

FILE = "bulletins-search-docs.marshal"
VERSION = 3  # 3: records in one bytes (``RECORD``); 2: a dict of tuples by keys' digests; 1: by keys
KEY_BYTES, ROW_BYTES, DIGEST_BYTES = 16, 5, 16  # a held key; a row key's 10 and a digest's 32 hex digits
RECORD = struct.Struct(f"<{KEY_BYTES}s{ROW_BYTES}s{DIGEST_BYTES}s3I")  # held key, row, digest, three names


class Memo(NamedTuple):
    """What the index needs of a bulletin whose ``SearchDoc`` is not made again."""

    row_key: str  # ``short_hash`` of its result-data row
    digest: str  # ``doctokens.digest`` of its indexed text
    date: str
    category: str
    status: str


class DocMemo:
    """The last build's memos (``get``) and this build's (``put``), saved by ``save``."""

    def __init__(self, path: Path, key: str):
        self.path, self.key = path, key
        self.names: dict[str, int] = {}  # dates, categories and statuses, numbered (``listed``)
        self.listed: list[str] = []
        self.records, self.old = _load(path, key, self)  # the last build's records, their places
        self.new = bytearray()  # this build's records
        self.hits = 0
        self.last: tuple[str, bytes] | None = None  # the key asked last and its digest

    def __len__(self) -> int:
        """This build's memos so far."""
        return len(self.new) // RECORD.size

    def held(self, memo_key: str) -> bytes:
        """``held_key(memo_key)``, made once for a bulletin that ``get`` missed and ``put`` keeps."""
        if self.last is None or self.last[0] is not memo_key:
            self.last = (memo_key, held_key(memo_key))
        return self.last[1]

    def get(self, memo_key: str | None) -> Memo | None:
        at = self.old.get(self.held(memo_key)) if memo_key is not None else None
        if at is None:
            return None
        self.hits += 1
        record = self.records[at : at + RECORD.size]
        self.new += record  # the names it numbers are this build's too: the table only grows
        return self.memo(record)

    def put(self, memo_key: str | None, memo: Memo) -> None:
        if memo_key is not None and (record := self.record(self.held(memo_key), memo)) is not None:
            self.new += record

    def record(self, held: bytes, memo: tuple) -> bytes | None:
        """MEMO under the held key HELD as a ``RECORD``; None for one no record holds as it is
        (a row key or digest not of lowercase hex digits of their length, a name not a string)."""
        row_key, digest, *names = memo
        row, text = _raw(row_key, ROW_BYTES), _raw(digest, DIGEST_BYTES)
        if row is None or text is None or len(held) != KEY_BYTES or any(type(n) is not str for n in names):
            return None
        return RECORD.pack(held, row, text, *map(self.number, names))

    def number(self, name: str) -> int:
        """NAME's number in the table, given it when new."""
        found = self.names.get(name)
        if found is None:
            found = self.names[name] = len(self.listed)
            self.listed.append(name)
        return found

    def memo(self, record) -> Memo:
        """The ``Memo`` a ``RECORD`` holds (its names the table's strings)."""
        _, row, text, *numbers = RECORD.unpack(record)
        return Memo(row.hex(), text.hex(), *(self.listed[n] for n in numbers))

    def memos(self) -> dict[bytes, Memo]:
        """This build's memos by held key (for tests and tools: a build never makes this)."""
        return {r[0]: self.memo(bytes(self.new[i : i + RECORD.size])) for i, r in _records(self.new)}

    def save(self) -> None:
        """This build's memos, in place of the last build's (written aside, then renamed)."""
        with contextlib.suppress(OSError):  # no memos kept: the next build makes each bulletin again
            sealed.write_sealed(self.path, (VERSION, self.key, self.listed, self.new))


def held_key(memo_key: str) -> bytes:
    """The 16-byte BLAKE2b digest a memo is kept under (two keys alike in it: one in 2^64 at
    four billion bulletins)."""
    return hashlib.blake2b(memo_key.encode("utf-8", "surrogatepass"), digest_size=KEY_BYTES).digest()


def _raw(digits, size: int) -> bytes | None:
    """The SIZE bytes the lowercase hex DIGITS spell; None for anything else."""
    if type(digits) is not str or len(digits) != 2 * size:
        return None
    try:
        raw = bytes.fromhex(digits)
    except ValueError:
        return None
    return raw if raw.hex() == digits else None


def _records(data) -> Iterator[tuple[int, tuple]]:
    """Each ``RECORD`` of DATA unpacked, with its place."""
    return zip(range(0, len(data), RECORD.size), RECORD.iter_unpack(data))


def _load(path: Path, key: str, memo: DocMemo) -> tuple[bytes, dict[bytes, int]]:
    """The records of the memo file PATH made under KEY and their places by held key, the
    file's names put in MEMO's table first (numbered as there); none for a file of another key,
    of another version, damaged or of another shape. A record naming a number past the table is
    left out."""
    try:
        value = sealed.read_sealed(path)
    except (OSError, ValueError):
        return b"", {}
    if type(value) is not tuple or len(value) != 4 or value[:2] != (VERSION, key):
        return b"", {}
    names, data = value[2:]
    ok = type(names) is list and all(type(n) is str for n in names) and len(set(names)) == len(names)
    if not ok or type(data) is not bytes or len(data) % RECORD.size:
        return b"", {}
    for name in names:
        memo.number(name)
    return data, {r[0]: at for at, r in _records(data) if max(r[3:]) < len(names)}


def open_memo(cache_dir: Path | str | None, key: str | None) -> DocMemo | None:
    """The memo of CACHE_DIR made under KEY; None without a cache folder or a key."""
    if not cache_dir or not key:
        return None
    return DocMemo(Path(cache_dir) / FILE, key)
