"""The last build's posting lists patched where a rebuild changed bulletins, not made again.

When the bulletins of a rebuild, in doc-id order, share a first run of ``prefix`` bulletins
(the same texts, ``doctokens.digest``, at the same ids) and a last run of bulletins with the
last build (the same texts, their ids all moved by one ``shift``) and only the ones between
differ (an edit, a removal, an older bulletin added), every posting list is the last build's
list with

- its entries of ids below ``first_id`` kept as they are (their bytes do not depend on later ids),
- its entries of the old middle (ids ``first_id`` to ``old_end_id``) dropped,
- the entries of the new middle (ids ``first_id`` to ``new_end_id``, posted from their tokens)
  put in,
- its entries of the old suffix kept, their ids moved by ``shift``: only the first of them
  changes, as each entry's id is a gap from the entry before it.

As a day's ids come in blocks (``docids``), a change renumbers only a few of its day's
bulletins: they are the middle, and the ids after it do not move. Changes apart (on several
days, or a day's blocks in two tiers) are patched one stretch after another (``patches``), each
pass a splice with no id moved. A list whose key none of the old and
new middle bulletins holds, with the ids unmoved, is taken as it is, without being read;
otherwise the list is read only up to its first entry of the old suffix. A key left without entries is dropped, as a
cold build never makes it. So a change costs the lists of the keys the changed bulletins hold
(and, when ids move, a walk over each list's entries older than the change), not the postings
of the whole archive, and the lists are the ones a cold build makes (tested).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from bulletins.search.digestlist import comparable
from bulletins.search.listmarks import Mark, Marks
from bulletins.search.runs import Record, record_order
from bulletins.search.shards import LAST, MORE, SEP, encoder, first_number

_NUMBER = re.compile(b"[" + re.escape(MORE.encode("ascii")) + b"]*[" + re.escape(LAST.encode("ascii")) + b"]")
_VALUES: dict[bytes, int] = {}
_WINDOW = 64  # bytes of a list cut into numbers first (then 128, 256, ...)
MARK_NUMBERS = 1024  # numbers walked between two marks (``listmarks``): some 2-3 KB of a list


MAX_PATCHES = 8  # the stretches a rebuild patches one pass after the other (more are joined)
NEAR = 32  # runs of changed bulletins fewer than this many shared ones apart are patched as one


@dataclass(frozen=True)
class Splice:
    """The bulletins before place ``prefix`` (ids below ``first_id``) and from place ``old_end``
    (old; id ``old_end_id``) / ``new_end`` (new; id ``new_end_id``) on are the same; the ones
    between changed. Places count bulletins in doc-id order; ids are ``docids``'."""

    prefix: int
    old_end: int
    new_end: int
    first_id: int
    old_end_id: int
    new_end_id: int

    @property
    def shift(self) -> int:
        return self.new_end_id - self.old_end_id


def plan(old: tuple[list[str], Sequence[int]], new: tuple[list[str], Sequence[int]]) -> Splice:
    """The splice taking the bulletins ``old`` = (digests, ids) to ``new``: the longest first run
    of the same digests at the same ids, then the longest last run of what is left of the same
    digests with their ids all moved alike."""
    (old_digests, old_ids), (new_digests, new_ids) = old, new
    limit = min(len(old_digests), len(new_digests))
    prefix = next((i for i in range(limit) if old_digests[i] != new_digests[i] or old_ids[i] != new_ids[i]), limit)
    shift = new_ids[-1] - old_ids[-1] if limit else 0
    suffix = 0
    while suffix < limit - prefix:
        o, n = len(old_digests) - 1 - suffix, len(new_digests) - 1 - suffix
        if old_digests[o] != new_digests[n] or new_ids[n] - old_ids[o] != shift:
            break
        suffix += 1
    old_end, new_end = len(old_digests) - suffix, len(new_digests) - suffix
    first_id = old_ids[prefix - 1] + 1 if prefix else 0
    return Splice(prefix, old_end, new_end, first_id, _end_id(old_ids, old_end), _end_id(new_ids, new_end))


@dataclass(frozen=True)
class Patch:
    """One stretch of a rebuild's change: the last build's bulletins at places ``old`` (start,
    end) and the new ones at places ``new`` replaced, ids ``splice.first_id`` to
    ``splice.old_end_id``, and every id after them unmoved (shift 0) or moved alike."""

    splice: Splice
    old: tuple[int, int]
    new: tuple[int, int]

    @property
    def changed(self) -> int:
        return self.old[1] - self.old[0] + self.new[1] - self.new[0]


def patches(
    old: tuple[list[str], Sequence[int]], new: tuple[list[str], Sequence[int]], near: int | None = None
) -> list[Patch]:
    """The patches taking ``old`` = (digests, ids) to ``new``: the bulletins the two do not
    share (a digest at an id) in runs between shared ones, those close together joined (a
    day's block is one patch), at most ``MAX_PATCHES`` (the nearest joined), each patched with
    no id moved; or ``plan``'s one patch when it changes fewer bulletins (every later id moved
    alike: a bulletin of an older year)."""
    old, new = (comparable(old[0]), old[1]), (comparable(new[0]), new[1])  # digests compared in C
    found = _joined(_changed_runs(old, new), MAX_PATCHES, NEAR if near is None else near)
    one = plan(old, new)
    single = Patch(one, (one.prefix, one.old_end), (one.prefix, one.new_end))
    return [single] if single.changed <= sum(patch.changed for patch in found) else found


def _changed_runs(old: tuple[list[str], Sequence[int]], new: tuple[list[str], Sequence[int]]) -> list[Patch]:
    """The runs of bulletins, by id, that OLD and NEW do not share, each between shared ones."""
    (old_digests, old_ids), (new_digests, new_ids) = old, new
    i = j = 0
    found: list[list[int]] = []  # old start, old end, new start, new end, first id
    before, current = -1, None
    end = max(old_ids[-1] if len(old_ids) else -1, new_ids[-1] if len(new_ids) else -1) + 1
    while i < len(old_ids) or j < len(new_ids):
        a = old_ids[i] if i < len(old_ids) else end
        b = new_ids[j] if j < len(new_ids) else end
        if a == b and old_digests[i] == new_digests[j]:
            if current is not None:
                found.append([*current, a])
                current = None
            before, i, j = a, i + 1, j + 1
            continue
        current = current or [i, i, j, j, before + 1]
        i, j = i + (a <= b), j + (b <= a)
        current[1], current[3] = i, j
    if current is not None:
        found.append([*current, end])
    return [
        Patch(Splice(n0, n0 + o1 - o0, n1, first, last, last), (o0, o1), (n0, n1))
        for o0, o1, n0, n1, first, last in found
    ]


def _joined(found: list[Patch], most: int, near: int) -> list[Patch]:
    """FOUND with the runs fewer than NEAR shared bulletins apart joined (posting those again
    costs less than a pass over every list), then the closest joined until at most MOST are left."""
    if len(found) <= 1:
        return found
    gaps = [found[k + 1].old[0] - found[k].old[1] for k in range(len(found) - 1)]
    apart = [k for k in range(len(gaps)) if gaps[k] >= near]
    cuts = sorted(sorted(apart, key=lambda k: (gaps[k], k))[len(apart) - (most - 1) :]) if most > 1 else []
    joined, start = [], 0
    for cut in [*cuts, len(found) - 1]:
        a, b = found[start], found[cut]
        first, last = a.splice.first_id, b.splice.old_end_id
        n0, o = a.new[0], (a.old[0], b.old[1])
        splice = Splice(n0, n0 + o[1] - o[0], b.new[1], first, last, last)
        joined.append(Patch(splice, o, (n0, b.new[1])))
        start = cut + 1
    return joined


def _end_id(ids: Sequence[int], end: int) -> int:
    """The id at place END, or past the last one when END is the end."""
    if end < len(ids):
        return ids[end]
    return ids[-1] + 1 if len(ids) else 0


def spliced(
    kept: Iterable[Record],
    middle: Iterable[Record],
    splice: Splice,
    touched: set[tuple[str, str]],
    marks: Marks | None = None,
    changed: set[tuple[str, str]] | None = None,
) -> Iterator[Record]:
    """The records of the new lists in key order: ``kept`` the last build's (key order),
    ``middle`` the new middle bulletins' lists (absolute ids, key order), ``touched`` the
    ``(key, kind)`` pairs the old middle bulletins hold. The walks begin at MARKS' marks and
    leave theirs there (the index build saves them once the last record has passed). The
    ``(key, kind)`` of every record not passed on as it was kept go into CHANGED."""
    marks = marks if marks is not None else Marks(None)
    changed = changed if changed is not None else set()
    pending = list(middle)
    orders, i = [record_order(r) for r in pending], 0
    for old in kept:
        new = None
        if i < len(pending):
            order = record_order(old)
            while i < len(pending) and orders[i] < order:
                changed.add(pending[i][:2])
                yield pending[i]
                i += 1
            if i < len(pending) and orders[i] == order:
                new, i = pending[i], i + 1
        if new is None and (old[2] < splice.first_id or (not splice.shift and old[:2] not in touched)):
            yield old
            continue
        record = _patched(old, new, splice, marks)
        if record is not None:
            changed.add(old[:2])
            yield record
    changed.update(record[:2] for record in pending[i:])
    yield from pending[i:]


def _patched(old: Record, new: Record | None, splice: Splice, marks: Marks) -> Record | None:
    """One list of the last build with its middle replaced by ``new``'s entries (or none); its
    marks kept for the new bytes: those below the patch as they were, those above it moved with
    the bytes after it (offset and id), those within it dropped."""
    key, kind, last_old, buf = old
    known = marks.find(key, kind, buf)
    found, passed = walk(
        buf, kind == "p", splice.first_id, splice.old_end_id, last_old, _begin(known, splice.first_id, len(buf))
    )
    cut, before, rest, first_after = found
    out, last = bytearray(buf[:cut]), before
    if new is not None:
        head, size = first_number(new[3])
        gap = ((head >> 1) - last - 1) << 1 | (head & 1)
        out += encoder(gap)(gap)
        out += memoryview(new[3])[size:]
        last = new[2]
    below = [m for m in known if m[0] <= cut]
    below += [m for m in passed if m[0] <= cut and (not below or m[0] > below[-1][0])]
    if first_after is not None:
        moved = first_after + splice.shift
        head, size = first_number(memoryview(buf)[rest:])
        gap = (moved - last - 1) << 1 | (head & 1)
        out += encoder(gap)(gap)
        tail = len(out) - rest - size  # where the old bytes after the first moved entry's head went
        out += memoryview(buf)[rest + size :]
        last = last_old + splice.shift
        below += [(offset + tail, doc + splice.shift) for offset, doc in known if offset > rest]
    record = (key, kind, last, bytes(out)) if out else None
    marks.keep(key, kind, record[3] if record else None, below)
    return record


def _begin(known: list[Mark], start: int, size: int) -> Mark:
    """The last mark of KNOWN before every entry of id ``start`` and over (all entries before it
    have lower ids), or the list's beginning."""
    at = bisect.bisect_left(known, start, key=lambda mark: mark[1])
    if at and 0 < known[at - 1][0] <= size:
        return known[at - 1]
    return (0, -1)


def split(
    buf: bytes, positional: bool, start: int, end: int, last: int | None = None
) -> tuple[int, int, int, int | None]:
    """Where the entries of ``buf`` (an encoded list, ``shards``) of ids ``start`` and ``end`` and
    over begin: the byte offset of the first entry of id >= ``start`` and the id before it (-1:
    none), the offset of the first entry of id >= ``end`` and its id (None: no such entry).

    A list is numbers and nothing else, so its numbers are cut out many at a time (``findall``,
    in C, over a window that doubles while the walk goes on, the first one as far into the list
    as ``end`` is into its ids when its ``last`` id is given: a list is read little further than
    the entry looked for) and walked by index, an entry's tail skipped by its length; the byte
    offsets are the lengths of the numbers before. Every list of 20,000 bulletins split at a
    random id took 3.3 s instead of 5.0 with one regular-expression match per number; among
    the oldest tenth of the ids 1.0 s (0.8), among the newest tenth 5.2 s (9.3)."""
    return walk(buf, positional, start, end, last)[0]


def walk(
    buf: bytes, positional: bool, start: int, end: int, last: int | None = None, begin: Mark = (0, -1)
) -> tuple[tuple[int, int, int, int | None], list[Mark]]:
    """``split``'s answer, the walk begun at BEGIN (an entry's byte offset and the id of the
    entry before it, every entry before it of a lower id than ``start``; ``(0, -1)``: the
    list's beginning), and the marks it passed: an entry every ``MARK_NUMBERS`` numbers."""
    offset, doc = begin
    numbers: list[bytes] = []
    size = len(buf)
    scanned, window = offset, _WINDOW
    if last is not None:
        window = max(_WINDOW, _WINDOW + size * (end + 1) * 5 // (4 * (last + 1)) - offset)
    i, cut, before, passed, mark = 0, None, -1, [], MARK_NUMBERS
    while True:
        limit = len(numbers) - 1 if scanned < size else len(numbers)  # an entry's head and the number after it
        while i < limit:
            if i >= mark:
                passed.append((i, doc))
                mark = i + MARK_NUMBERS
            head = value(numbers[i])
            entry = doc + (head >> 1) + 1
            if cut is None and entry >= start:
                cut, before = i, doc
            if entry >= end:
                found = (offset + _offset(numbers, cut), before, offset + _offset(numbers, i), entry)
                return found, _placed(numbers, passed, offset)
            doc = entry
            if positional:
                i += 2 + value(numbers[i + 1]) if head & 1 else 2
            else:
                i += 2 if head & 1 else 1
        if scanned >= size:
            break
        found = _NUMBER.findall(buf, scanned, scanned + window)
        if not found:
            raise ValueError("an encoded list holds something other than numbers")
        numbers += found
        scanned += sum(map(len, found))
        window *= 2
    if cut is None:
        return (size, doc, size, None), _placed(numbers, passed, offset)
    return (offset + _offset(numbers, cut), before, size, None), _placed(numbers, passed, offset)


def _placed(numbers: list[bytes], passed: list[tuple[int, int]], offset: int) -> list[Mark]:
    """PASSED's (number index, id before) as (byte offset, id before): the numbers between two
    marks joined and measured (a running sum over every number took 7.8 s of a removal's 37.1 s
    of walks at 100,000)."""
    placed, at = [], 0
    for i, doc in passed:
        offset += len(b"".join(numbers[at:i]))
        placed.append((offset, doc))
        at = i
    return placed


def _offset(numbers: list[bytes], index: int) -> int:
    """The byte offset of the ``index``-th number."""
    return len(b"".join(numbers[:index]))


def value(number: bytes) -> int:
    """The integer of one encoded number (``shards.encode``); the short ones from a table."""
    found = _VALUES.get(number)
    if found is None:
        found = first_number(number)[0]
        if len(number) <= 3:
            _VALUES[number] = found
    return found


def touched_keys(entries: Iterable) -> set[tuple[str, str]]:
    """The ``(key, kind)`` pairs of bulletins' ``doctokens.DocTokens``."""
    found: set[tuple[str, str]] = set()
    for entry in entries:
        for keys, kind in ((entry.one_keys, "p"), (entry.many_keys, "p")):
            found.update((key, kind) for key in keys.split(SEP) if key)
        for keys in (entry.counts_one, entry.counts_many_keys):
            found.update((key, "d") for key in keys.split(SEP) if key)
    return found


class SplicedPostings:
    """The patched lists as the one run ``runs.merged`` reads (nothing spilled)."""

    def __init__(self, records: Iterable[Record], marks: Marks, changed: set[tuple[str, str]]):
        self.records, self.paths, self.written = records, [], 0
        self.marks = marks  # the ones ``spliced`` keeps, saved with the index
        self.changed = changed  # filled as the records pass (``spliced``)

    def same(self, record: Record) -> bool:
        """Whether RECORD passed as the last build's run held it (``shardcuts``)."""
        return record[:2] not in self.changed

    def runs(self) -> list[Iterable[Record]]:
        return [self.records]

    def close(self) -> None:
        pass
