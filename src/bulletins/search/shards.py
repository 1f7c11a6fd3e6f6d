"""Postings and their split into term shards (Pagefind's idea: chunks cut by posting volume).

Encoding. Every number is a varint over 64 URL-safe ASCII characters (JSON needs no escape):
5 bits per character, most significant group first; a group from ``MORE`` says another
follows, a group from ``LAST`` ends the number. A posting list is, per document in id order,
``(doc-id delta << 1) | (count > 1)``, then ``count`` when it is above 1 (most keys occur once
in a document), then for positional keys ``count`` position deltas (the first from 0).

Why positions rather than checking candidates against stored text: a verify-by-text design
must download the text of every candidate, which for a common phrase (国务院总理) is a
megabyte; positions cost about 2 characters per token occurrence in the shards and make
every phrase exact from the shards alone. A query needs positions only for a chain of
bigrams covering it (offsets 0, 2, 4, ..., n-2), so a 6-character query reads 3 keys.
"""

from __future__ import annotations

import bisect
import zlib
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, repeat
from operator import add, iadd, itemgetter, methodcaller, setitem, sub

MORE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef"
LAST = "ghijklmnopqrstuvwxyz0123456789-_"
_TABLE_SIZE = 1 << 15
_TABLE: list[str] = []


def encode(n: int) -> str:
    """One non-negative integer as a varint."""
    if n < 0:
        raise ValueError(f"cannot encode negative {n}")
    if n < len(_TABLE):
        return _TABLE[n]
    groups = []
    while True:
        groups.append(n & 31)
        n >>= 5
        if not n:
            break
    groups.reverse()
    return "".join(MORE[g] for g in groups[:-1]) + LAST[groups[-1]]


_TABLE.extend(encode(n) for n in range(_TABLE_SIZE))


def decode(text: str) -> list[int]:
    """Every number of a varint string (the tests' mirror of the JavaScript decoder)."""
    values, current = [], 0
    for ch in text:
        if ch in LAST:
            values.append(current * 32 + LAST.index(ch))
            current = 0
        else:
            current = current * 32 + MORE.index(ch)
    return values


def _encode_bytes(n: int) -> bytes:
    return _BYTES[n] if n < _TABLE_SIZE else encode(n).encode("ascii")


_BYTES = [t.encode("ascii") for t in _TABLE]


def encoder(top: int) -> Callable[[int], bytes]:
    """The quickest function giving ``encode(n)`` as ASCII bytes for every ``0 <= n <= top``
    (a table lookup when the table covers ``top``)."""
    return _BYTES.__getitem__ if top < _TABLE_SIZE else _encode_bytes


def once_list(doc_ids: Sequence[int]) -> bytes:
    """The encoded list of a count key that each bulletin of DOC_IDS (ascending, none below 0)
    holds once: what ``Postings`` makes for it a bulletin at a time, in one pass (the category
    keys of 100,000 bulletins took 0.2 s the other way)."""
    if not doc_ids:
        return b""
    code = encoder(2 * doc_ids[-1])  # no head is larger: (id - the id before - 1) << 1
    return b"".join(map(code, map(_head, doc_ids, chain((-1,), doc_ids))))


def _head(doc: int, before: int) -> int:
    return (doc - before - 1) << 1


_MORE_BYTES = {ord(ch): i for i, ch in enumerate(MORE)}
_LAST_BYTES = {ord(ch): i for i, ch in enumerate(LAST)}


def first_number(buf: bytes | bytearray) -> tuple[int, int]:
    """The first number of an encoded list and how many bytes it takes."""
    value = 0
    for size, byte in enumerate(buf, 1):
        if byte in _LAST_BYTES:
            return value * 32 + _LAST_BYTES[byte], size
        value = value * 32 + _MORE_BYTES[byte]
    raise ValueError("an encoded list ends inside a number")


SEP = "\0"  # between the keys of a joined group (no key holds it)
TAIL_SEP = b" "  # between entry tails (varint characters are letters, digits, - and _)


def split(keys: str, tails: bytes | None = None) -> list[tuple[str, bytes]]:
    """``(key, tail)`` pairs of one joined group (tail ``b""`` for a group without tails)."""
    if not keys:
        return []
    names = keys.split(SEP)
    return list(zip(names, tails.split(TAIL_SEP))) if tails is not None else [(k, b"") for k in names]


def _new_slot() -> list:
    return [-1, bytearray()]


class _GapBytes(dict):
    """Doc-id gap -> the encoded list head ``gap << 1 | flag`` as bytes: the gaps the varint
    table covers are in the dict, a longer one is encoded when asked (and not kept)."""

    def __init__(self, flag: int):
        super().__init__(zip(range(_TABLE_SIZE // 2), _BYTES[flag::2]))
        self.flag = flag

    def __missing__(self, gap: int) -> bytes:
        return _encode_bytes(gap << 1 | self.flag)


_GAPS = (_GapBytes(0), _GapBytes(1))  # by the "several" flag
_LAST, _LIST = itemgetter(0), itemgetter(1)  # of a slot


class Postings:
    """Posting lists filled one document at a time, in increasing doc id.

    Positional keys (bigrams, edges, words, the title-end marker) keep positions; unigram and
    category keys keep only counts. Each list is one growing ASCII ``bytearray`` (with the
    last doc id added), which keeps 100,000 documents in a few hundred megabytes. A document
    arrives as keys and their tails (``doctokens``): each key's list gets the doc-id gap with
    the "several" flag, then the tail as it is.

    A document's keys are added by a chain of ``map`` calls over the whole group (slots,
    gaps, encoded heads, appends), so the per-key work runs in C: this is, with tokenizing,
    most of a cold build's time, and a Python statement per key cost three times as much.
    """

    def __init__(self):
        self.positional: dict[str, list] = defaultdict(_new_slot)  # key -> [last doc id, bytearray]
        self.counts: dict[str, list] = defaultdict(_new_slot)

    def add_entries(self, doc: int, entries: Iterable[tuple[str, bytes]], *, many: bool, positional: bool) -> None:
        """``(key, tail)`` pairs of one document (each key once)."""
        pairs = list(entries)
        self.add_keys(doc, [k for k, _ in pairs], [t for _, t in pairs], many=many, positional=positional)

    def add_keys(
        self, doc: int, keys: list[str], tails: Iterable[bytes] | None = None, *, many: bool, positional: bool
    ) -> None:
        """The keys of one document (each once) and their tails (``None``: no tails)."""
        slots = list(map((self.positional if positional else self.counts).__getitem__, keys))
        heads = map(_GAPS[many].__getitem__, map(sub, repeat(doc - 1), map(_LAST, slots)))
        deque(map(iadd, map(_LIST, slots), heads if tails is None else map(add, heads, tails)), maxlen=0)
        deque(map(setitem, slots, repeat(0), repeat(doc)), maxlen=0)

    def add_doc(self, doc: int, entry) -> None:
        """A bulletin's ``doctokens.DocTokens``."""
        for keys, tails, many, positional in (
            (entry.one_keys, entry.one_tails, False, True),
            (entry.many_keys, entry.many_tails, True, True),
            (entry.counts_one, None, False, False),
            (entry.counts_many_keys, entry.counts_many_tails, True, False),
        ):
            if keys:
                split_tails = tails.split(TAIL_SEP) if tails is not None else None
                self.add_keys(doc, keys.split(SEP), split_tails, many=many, positional=positional)

    def merge(self, part: Postings) -> None:
        """Append the lists of ``part``, filled from empty with doc ids after every id here:
        its first entry's doc-id gap (counted from -1) is encoded again from this list's
        last id, the rest is taken as it is."""
        for lists, added in ((self.positional, part.positional), (self.counts, part.counts)):
            for key, slot in added.items():
                own = lists.get(key)
                if own is None:
                    lists[key] = slot
                    continue
                head, size = first_number(slot[1])
                buf = own[1]
                buf += _encode_bytes(((head >> 1) - own[0] - 1) << 1 | (head & 1))
                buf += memoryview(slot[1])[size:]
                own[0] = slot[0]

    def lists(self) -> dict[str, tuple[str, bytearray]]:
        """Every key -> ("p" positional | "d" counts, its encoded list)."""
        out = {key: ("p", slot[1]) for key, slot in self.positional.items()}
        out.update((key, ("d", slot[1])) for key, slot in self.counts.items())
        return out


# Sort key matching JavaScript's string order (UTF-16 code units): ``js_order(key)`` is one C
# call, so ``map(js_order, keys)`` makes a sort's keys without a Python call per key.
js_order = methodcaller("encode", "utf-16-be")


def cut(volumes: Iterable[tuple[str, int]], target: int) -> list[list[str]]:
    """Group keys (sorted in JS order) into shards of about ``target`` posting bytes each.

    The cuts are content-defined, so that growing a few lists moves no cut far from them: a
    shard of at least 5/6 ``target`` bytes ends before a key whose hash falls under that
    key's share of ``target / 8`` (every byte of postings is as likely to start a shard),
    and a shard grows past 7/6 ``target`` only when one list alone is larger. A cut moves
    only at or after a list that changed, and the cuts after it fall back into place at the
    next hash-chosen key (``tests/test_search_incremental.py``). The old rule, cutting at a
    running byte count, moved later cuts one after the other; on the 11,442-bulletin corpus
    both give about 1,050 shards, and a key lands in a shard of 23.3 KB on average (size-
    weighted, 23.4 KB before)."""
    return [[key for key, _ in group] for group in cut_stream(volumes, target, lambda item: item[1])]


def cut_stream(items: Iterable, target: int, volume: Callable[[object], int]) -> Iterator[list]:
    """``cut`` over a stream: yields each shard's items (``(key, ...)`` tuples, in JS order of
    their keys, ``volume(item)`` their posting bytes) as soon as the next item starts a new
    shard, so only one shard's items are held at a time."""
    shard: list = []
    size, low, high, span = 0, target * 5 // 6, target * 7 // 6, max(1, target // 8)
    for item in items:
        key = item[0]
        cost = volume(item) + len(key.encode("utf-8")) + 6
        if shard and (size + cost > high or (size >= low and _starts_shard(key, cost, span))):
            yield shard
            shard, size = [], 0
        shard.append(item)
        size += cost
    if shard:
        yield shard


def _starts_shard(key: str, cost: int, span: int) -> bool:
    """True for about ``cost`` in ``span`` keys, by the key's hash alone."""
    return zlib.crc32(key.encode("utf-8", "surrogatepass")) * span < cost << 32


def boundaries(shards: list[list[str]]) -> list[str]:
    """The shortest prefix of each shard's first key that sorts after the previous shard's
    last key; a key belongs to the last shard whose boundary is <= it (in JS order)."""
    return [boundary(shards[i - 1][-1] if i else None, shard[0]) for i, shard in enumerate(shards)]


def boundary(previous_last: str | None, first: str) -> str:
    """The bound of a shard starting at key ``first`` after one ending at ``previous_last``
    (``""`` for the first shard)."""
    if previous_last is None:
        return ""
    previous = js_order(previous_last)
    for length in range(1, len(first) + 1):
        if js_order(first[:length]) > previous:
            return first[:length]
    raise ValueError(f"keys out of order: {previous_last!r} then {first!r}")


def shard_of(bounds: list[str], key: str) -> int:
    """Index of the shard that holds ``key`` (the JavaScript lookup, mirrored for tests)."""
    return bisect.bisect_right([js_order(b) for b in bounds], js_order(key)) - 1
