"""Doc ids: the bulletins in date order, oldest first; on a day, each in a slot of its own.

A day of n bulletins takes ``capacity(n)`` ids (n rounded up to a multiple of ``DAY_SLOTS``)
from the day's first id on, and each of its bulletins the slot its URL hashes to in them (the
nearest free one when taken: the URLs are placed in their sorted order, ``day_slots``). So a
bulletin added to, edited on or removed from a day keeps the ids of every other bulletin, save
the rare one whose slot it took or freed on the way: the bytes of every posting list it is not
in stay (``splice``), and a change costs what an edit costs. Only when a day's count crosses a
multiple of ``DAY_SLOTS`` (one change in sixteen), or a day that had no bulletin gets one before
the newest, do the day's slots or the later days' ids move. With ids one after another, one
bulletin removed from the oldest year renumbered every bulletin after it, and nearly every term
shard was written again.

The ids are a function of the dates and URLs alone (``order``), so a rebuild and a cold build
give the same ones; the manifest carries the day counts and ``DAY_SLOTS``, from which the query
side finds each day's first id (search-index.js ``dayRuns``), and a result-data file is named
by its bulletin's slot. Unused ids are in no posting list.
"""

from __future__ import annotations

import zlib
from array import array
from collections.abc import Sequence
from itertools import groupby
from typing import NamedTuple

DAY_SLOTS = 16  # a day's ids are a multiple of this: about 1.4 ids a bulletin at 11 a day


def capacity(count: int) -> int:
    """The ids a day of COUNT bulletins takes."""
    return -(-count // DAY_SLOTS) * DAY_SLOTS


def day_slots(urls: Sequence[str]) -> list[int]:
    """The slot of each of one day's bulletins (by URL; equal URLs take one each): its URL's
    CRC-32 modulo the day's capacity, or the next free slot after it, or else the nearest free
    one before it (never round the end: a bulletin moved stays near its home, so the ids a
    change moves lie close together, ``splice``), the URLs placed in sorted order."""
    size = capacity(len(urls))
    taken = bytearray(size)
    slots = [0] * len(urls)
    for i in sorted(range(len(urls)), key=lambda i: (urls[i], i)):
        home = zlib.crc32(urls[i].encode("utf-8", "surrogatepass")) % size
        slot = taken.find(0, home)
        slot = slot if slot >= 0 else taken.rfind(0, 0, home)
        taken[slot], slots[i] = 1, slot
    return slots


class Order(NamedTuple):
    """Bulletins in doc-id order: their places in the input, ids, and slots (id less the
    first id of the day)."""

    places: array
    ids: array
    slots: array


def order(keys: Sequence[tuple[str, str]]) -> Order:
    """The doc-id order of bulletins of KEYS ``(date, url)``, dates as ISO days."""
    by_day = sorted(range(len(keys)), key=lambda i: keys[i][0])
    places, ids, slots = array("q"), array("q"), array("q")
    start = 0
    for _, group in groupby(by_day, key=lambda i: keys[i][0]):
        day = list(group)
        placed = sorted(zip(day_slots([keys[i][1] for i in day]), day))
        for slot, i in placed:
            places.append(i)
            ids.append(start + slot)
            slots.append(slot)
        start += capacity(len(day))
    return Order(places, ids, slots)
