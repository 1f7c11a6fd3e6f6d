"""Term shards packed and written by a worker process while this one merges the lists.

Merging the posting lists and cutting them into shards is one pass in key order, here; packing
a shard (DEFLATE, then 15-bit units, ``write.packed_shard``: 0.2 ms for a shard of 24 KB of
long lists, 0.7 ms of short ones) depends on nothing but its text, and at that point of a build
the other processor has nothing to do. So each shard cut here goes, as its JSON text, to one
worker process that packs and writes it (``IndexWriter.place``) while the merge goes on; a
shard whose file is as the last build left it goes nowhere (``IndexWriter.kept``). The files
are counted here in the order they were cut (``IndexWriter.record_placed``), so the writer's
counts and record are the ones of a build that wrote them in turn. With one process the shards
are packed here. Past ``build.DIRECT_SHARDS`` shards, directory files listing them are packed
the same way, at the default strategy (``write_directories``).
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import os
from collections import deque
from pathlib import Path
from typing import NamedTuple

from bulletins.bound import bound_to
from bulletins.search.write import (
    IndexWriter,
    Placed,
    directory_name,
    dumps,
    hash_units,
    packed_json,
    packed_shard,
    short_hash,
)

DIRECTORY_SHARDS = 256  # shard entries a directory file lists (past build.DIRECT_SHARDS shards)
SEPARATOR = " "  # between shard entries, in the manifest and a directory (no key holds a space)
HASH_UNITS = 2  # an entry: its two hash units, then its bound
IN_FLIGHT = 64  # shards sent and not yet counted: bounds the texts held (about 30 KB each)
_writers: dict[str, IndexWriter] = {}  # in the worker: one per index folder (it keeps the folders made)


def _packed(text: str | bytes, directory: bool) -> dict:
    """A term shard's TEXT packed with its strategy, a DIRECTORY's with the default."""
    return packed_json(text) if directory else packed_shard(text)


def _place(root: str, name: str, text: str | bytes, key: str, directory: bool) -> Placed:
    writer = _writers.get(root) or _writers.setdefault(root, IndexWriter(Path(root)))
    return writer.place_script(name, _packed(text, directory), key)


class ShardPacker:
    """Packs and writes the shards given to ``write`` on a worker process (PROCESSES > 1) or
    here, counting them with WRITER in the order given; ``finish`` waits for the last."""

    def __init__(self, writer: IndexWriter, processes: int, start_method: str = "fork"):
        self.writer = writer
        self.pending: deque[Placed | cf.Future] = deque()
        self.pool = None
        if processes > 1:
            context = multiprocessing.get_context(start_method)
            self.pool = cf.ProcessPoolExecutor(1, mp_context=context, initializer=bound_to, initargs=(os.getpid(),))

    def write(self, name: str, text: str | bytes, key: str, directory: bool = False) -> None:
        """``<name>.js`` registering the packed ``text`` (a term shard's, else a DIRECTORY's; or
        its UTF-8 bytes), its content key ``key``."""
        if self.keep(name, key):
            return
        if self.pool is None:
            self.writer.record_placed(self.writer.place_script(name, _packed(text, directory), key))
            return
        self.pending.append(self.pool.submit(_place, str(self.writer.root), name, text, key, directory))
        self._count_done()

    def keep(self, name: str, key: str) -> bool:
        """``<name>.js`` counted as it is, when the last build left it with content key KEY
        (``IndexWriter.kept``); False (nothing counted) when it did not."""
        placed = self.writer.kept(name, key)
        if placed is None:
            return False
        if self.pool is None:
            self.writer.record_placed(placed)
        else:
            self.pending.append(placed)
            self._count_done()
        return True

    def _count_done(self) -> None:
        """Count the shards done at the head of the queue, and wait past IN_FLIGHT."""
        while len(self.pending) > IN_FLIGHT or (self.pending and _done(self.pending[0])):
            self._count_first()

    def finish(self) -> None:
        """Wait for every shard sent and count it."""
        while self.pending:
            self._count_first()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def _count_first(self) -> None:
        first = self.pending.popleft()
        self.writer.record_placed(first.result() if isinstance(first, cf.Future) else first)


def _done(item: Placed | cf.Future) -> bool:
    return not isinstance(item, cf.Future) or item.done()


class Listed(NamedTuple):
    """What ``build._write_shards`` made: the manifest's list (``text``: shard entries, or directory
    entries when ``directories``), the shard count and the count keys seen."""

    text: str
    count: int
    present: set
    directories: bool


def write_directories(shards: ShardPacker, entries: list[str], salt: str) -> list[str]:
    """Directory files of DIRECTORY_SHARDS consecutive shard ENTRIES each (``{"s": entries}``,
    packed and written as a shard is, hashed with SALT, the index format) and their entries:
    hash units, then the bound of their first shard."""
    listed = []
    for start in range(0, len(entries), DIRECTORY_SHARDS):
        group = entries[start : start + DIRECTORY_SHARDS]
        text = dumps({"s": SEPARATOR.join(group)})
        units, bound = hash_units(salt, text), group[0][HASH_UNITS:]
        shards.write(directory_name(bound, units), text, short_hash(text), directory=True)
        listed.append(units + bound)
    return listed
