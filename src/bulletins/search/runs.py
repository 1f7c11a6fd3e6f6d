"""Posting lists under a memory budget: filled in memory, spilled to disk as sorted runs, and
merged key by key while the shards are cut.

A build adds its bulletins in doc-id order. ``SpillingPostings`` fills a ``shards.Postings``
until its estimated size passes the budget, then writes it out as a *run*, every list in JS
order of its key (``shards.js_order``, the order shards are cut in), and starts again from
empty lists. A run covers a range of doc ids and the runs follow each other, so a key's
complete list is its pieces in run order, each piece's first doc-id gap (counted from -1 in
a fresh list) encoded again from the previous piece's last id: exactly what
``Postings.merge`` does in memory. ``merged`` streams the runs with ``heapq.merge`` (stable:
for one key the earlier run comes first) and joins the pieces of one key at a time, so what
is held while the shards are cut is one key's list and a block of each run, however large
the archive. The lists are byte for byte the ones one ``Postings`` holding everything gives
(tested with a budget small enough to spill after every bulletin).

A run file is a sequence of marshal blocks, each a list of ``(key, kind, last id, list)``
records (kind ``"p"`` positional, ``"d"`` counts) of about ``BLOCK_BYTES`` of postings.
"""

from __future__ import annotations

import heapq
import itertools
import marshal
import shutil
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from bulletins.search.listmarks import Marks
from bulletins.search.shards import Postings, encoder, first_number, js_order

BUDGET = 64 * 2**20  # estimated bytes of posting lists held before a run is spilled
MAX_RUNS = 128  # runs read at once by the merge (an open file each): more are joined into one first
BLOCK_BYTES = 64 * 1024  # bytes (postings, keys and 16 per record) per marshal block of a run file
PIECE_BYTES = 2048  # a run's piece beginning nearer its list's start is no mark: a walk passes it at once
KEY_BYTES = 220  # what one held list costs besides its bytes: key, slot, bytearray, dict entry (measured)

Record = tuple[str, str, int, bytes]  # key, "p" | "d", last doc id, encoded list


def record_order(record: Record) -> tuple[bytes, str]:
    """The order of records in a run: the key in JS order, then the kind."""
    return js_order(record[0]), record[1]


def write_run(path: Path, postings: Postings) -> int:
    """Write every list of ``postings`` to ``path`` in key order, emptying ``postings`` as it
    goes; the CRC-32 of the file's bytes."""
    return write_records(path, sorted_records(postings))


def sorted_records(postings: Postings) -> Iterator[Record]:
    """The lists of ``postings`` as records in key order, each taken out of ``postings`` as
    it is handed on (no second copy of the lists is made). The sort keys are made by C calls
    (``js_order``) and compared as plain tuples: no Python call per key."""
    keys = [
        *zip(map(js_order, postings.positional), itertools.repeat("p"), postings.positional),
        *zip(map(js_order, postings.counts), itertools.repeat("d"), postings.counts),
    ]
    keys.sort()
    return _popped(postings, keys)


def _popped(postings: Postings, keys: list[tuple[bytes, str, str]]) -> Iterator[Record]:
    positional, counts = postings.positional, postings.counts
    for _, kind, key in keys:
        last, buf = (positional if kind == "p" else counts).pop(key)
        yield key, kind, last, bytes(buf)


def write_records(path: Path, records: Iterable[Record]) -> int:
    """Write ``records`` (in key order) as a run file; the CRC-32 of its bytes."""
    writer = RunWriter(path)
    for record in records:
        writer.add(record)
    return writer.close()


class RunWriter:
    """A run file written record by record (in key order), a block at a time."""

    def __init__(self, path: Path):
        self.fh = Path(path).open("wb")  # noqa: SIM115 (kept open across add calls; close() closes it)
        self.crc, self.block, self.size = 0, [], 0

    def add(self, record: Record) -> None:
        self.block.append(record)
        self.size += len(record[3]) + len(record[0]) + 16
        if self.size >= BLOCK_BYTES:
            self._dump()

    def _dump(self) -> None:
        data = marshal.dumps(self.block)
        self.fh.write(data)
        self.crc = zlib.crc32(data, self.crc)
        self.block, self.size = [], 0

    def close(self) -> int:
        """Finish the file; the CRC-32 of its bytes."""
        if self.block:
            self._dump()
        self.fh.close()
        return self.crc


def read_run(path: Path) -> Iterator[Record]:
    """The records of a run file, one block held at a time."""
    with path.open("rb") as fh:
        while True:
            try:
                block = marshal.load(fh)
            except EOFError:
                return
            yield from block


def merged(runs: list[Iterable[Record]], marks: Marks | None = None) -> Iterator[Record]:
    """One record per (key, kind) of the runs (given in doc-id order), in key order: the
    pieces of a key joined as ``Postings.merge`` joins them. One run is passed on as it is
    (a run holds one record per key). MARKS, when given, gets the offset where each piece
    begins past ``PIECE_BYTES`` and the id before it (``listmarks``; its caller saves them)."""
    if len(runs) == 1:
        yield from runs[0]
        return
    stream = heapq.merge(*runs, key=record_order)
    for (key, kind), group in itertools.groupby(stream, key=lambda r: (r[0], r[1])):
        pieces = list(group)  # one per run holding the key
        yield pieces[0] if len(pieces) == 1 else _joined(key, kind, pieces, marks)


def _joined(key: str, kind: str, pieces: list[Record], marks: Marks | None) -> Record:
    """The record of KEY/KIND's PIECES (in run order) as one list; its pieces' beginnings
    noted in MARKS after the marks its first piece already had there."""
    _, _, last, first = pieces[0]
    joined, begun = bytearray(first), []
    for _, _, piece_last, piece in pieces[1:]:
        if len(joined) >= PIECE_BYTES:
            begun.append((len(joined), last))
        head, size = first_number(piece)
        gap = ((head >> 1) - last - 1) << 1 | (head & 1)
        joined += encoder(gap)(gap)
        joined += memoryview(piece)[size:]
        last = piece_last
    record = key, kind, last, bytes(joined)
    if begun and marks is not None:
        marks.keep(key, kind, record[3], marks.find(key, kind, first) + begun)
    return record


def merge_few(stream: Iterable[Record], few: Iterable[Record]) -> Iterator[Record]:
    """``stream`` and ``few`` (a handful of records, say a key per category) merged in key order,
    ``heapq.merge`` without a sort key computed for each record of ``stream`` once ``few`` are
    all out."""
    pending = list(few)
    orders, i = [record_order(r) for r in pending], 0
    stream = iter(stream)
    for record in stream:
        order = record_order(record)
        while i < len(pending) and orders[i] < order:
            yield pending[i]
            i += 1
        yield record
        if i == len(pending):
            yield from stream
            return
    yield from pending[i:]


class SpillingPostings:
    """A ``Postings`` that spills a sorted run to ``folder`` whenever its estimated size
    passes ``budget`` bytes; ``runs()`` gives every run (and what is still held) for
    ``merged``. ``before`` are runs of doc ids below every id added here (a resumed build's
    lists)."""

    def __init__(
        self, parent: Path, budget: int = BUDGET, before: Iterable[Iterable[Record]] = (), marks: Marks | None = None
    ):
        self.parent = Path(parent)
        self.folder: Path | None = None  # made in ``parent`` at the first spill
        self.budget = max(1, budget)
        self.held = Postings()
        self.paths: list[Path] = []
        self.before = list(before)
        self.size = 0
        self.named = 0  # run files named so far
        self.written = 0  # runs spilled or added (``paths`` holds them, or what they were joined into)
        self.marks = marks  # where ``merged`` notes the pieces' beginnings (``listmarks``)
        self.same: Callable[[Record], bool] | None = None  # a record is BEFORE's own, unchanged (``shardcuts``)

    def run_path(self) -> Path:
        """A new run file's path, in doc-id order after every run named before."""
        if self.folder is None:
            self.parent.mkdir(parents=True, exist_ok=True)
            self.folder = Path(tempfile.mkdtemp(prefix=".search-runs-", dir=self.parent))
        self.named += 1
        return self.folder / f"run-{self.named - 1:05d}"

    def add_run(self, path: Path) -> None:
        """A run written elsewhere at ``path`` (from ``run_path``; a worker's chunk): its doc
        ids follow every id here."""
        self.spill()
        self._append(path)

    def _append(self, path: Path) -> None:
        self.paths.append(path)
        self.written += 1
        if len(self.paths) >= MAX_RUNS:  # joined as the final merge would join them
            joined = self.run_path()
            # their marks too, but for runs after BEFORE's: theirs would not begin the list
            write_records(joined, merged([read_run(p) for p in self.paths], None if self.before else self.marks))
            for old in self.paths:
                old.unlink()
            self.paths = [joined]

    def add_doc(self, doc: int, entry) -> None:
        """A bulletin's ``doctokens.DocTokens`` (doc ids increasing)."""
        keys = len(self.held.positional) + len(self.held.counts)
        self.held.add_doc(doc, entry)
        added = len(self.held.positional) + len(self.held.counts) - keys
        self.size += added * KEY_BYTES + _entry_bytes(entry)
        self._check()

    def _check(self) -> None:
        if self.size >= self.budget:
            self.spill()

    def spill(self) -> None:
        if not (self.held.positional or self.held.counts):
            return
        path = self.run_path()
        write_run(path, self.held)
        self._append(path)
        self.held, self.size = Postings(), 0

    def runs(self) -> list[Iterable[Record]]:
        """Every run in doc-id order: the ones given, the spilled ones, what is held."""
        return [*self.before, *(read_run(p) for p in self.paths), sorted_records(self.held)]

    def close(self) -> None:
        """Remove the spilled runs and their folder."""
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)


def _entry_bytes(entry) -> int:
    """About the bytes a bulletin's entries add to the lists: its tails and a doc-id gap per key."""
    keys = entry.one_keys.count("\0") + entry.many_keys.count("\0") + entry.counts_one.count("\0")
    keys += entry.counts_many_keys.count("\0") + 4
    return len(entry.one_tails) + len(entry.many_tails) + len(entry.counts_many_tails) + 2 * keys
