"""Doc ids: the bulletins in date order, oldest first; every calendar day a block of ids, and
each of a day's bulletins a slot of its own in its day's block.

Every day from January 1 of the oldest bulletin's year to the newest bulletin's day takes
``step`` ids (a day of more than ``step`` bulletins: its count rounded up to a multiple of
``step``), with or without bulletins, and each of a day's bulletins the slot its URL hashes to
in them (the nearest free one when taken: the URLs are placed in their sorted order,
``day_slots``). So a bulletin added to, edited on or removed from any day keeps the ids of every
other bulletin, save the rare one of its day whose slot it took or freed on the way: the bytes
of every posting list it is not in stay (``splice``), and a change costs what an edit costs.

``step`` is a power of two (16 at least) that holds the days of 99 % of the bulletins
(``slot_step``): 32 for 11 bulletins a day; it is halved while the last id would pass
``ID_LIMIT``. Later ids move only when a day above ``step`` crosses a multiple of it, when
``step`` itself changes, or when a bulletin comes from a year older than the oldest: each rare.
Before (index formats 6 and 7), ids began at the oldest day, a day took its count rounded up to
a multiple of 16, and a day without bulletins took none: one change in sixteen, every bulletin
put on a day that had none and every removal that emptied the oldest day moved every later id,
and the index was written again nearly whole (a 47 s rebuild at 100,000 bulletins where the
others took 26 s). With ids one after another, every change before the newest did.

The unused ids are in no posting list and cost bytes only where a list's gap grows a
character; nothing on the query side is sized by the ids. The ids are a function of the dates
and URLs alone (``order``), so a rebuild and a cold build give the same ones; the manifest
carries the oldest day's first id, the day counts and ``step``, from which the query side finds
each day's first id (search-index.js ``dayRuns``), and a result-data file is named by its
bulletin's slot.
"""

from __future__ import annotations

import datetime as dt
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import groupby
from typing import NamedTuple

MIN_STEP = 16  # the fewest ids a day takes
HELD = 0.99  # the share of bulletins whose day fits in one step
ID_LIMIT = 2**31 - 1  # the query side reads an id's gap as a 32-bit number (search-index.js)


def slot_step(counts: Iterable[int]) -> int:
    """The ids a day takes (``MIN_STEP`` at least, a power of two): the least that holds the
    whole day of at least ``HELD`` of the bulletins, whose days have COUNTS bulletins."""
    counts = [count for count in counts if count > 0]
    allowed = (1 - HELD) * sum(counts)  # bulletins whose day may take more than one step
    step = MIN_STEP
    while sum(count for count in counts if count > step) > allowed:
        step *= 2
    return step


def capacity(count: int, step: int) -> int:
    """The ids a day of COUNT bulletins (none: an empty day) takes in steps of STEP."""
    return max(1, -(-count // step)) * step


def day_slots(urls: Sequence[str], step: int) -> list[int]:
    """The slot of each of one day's bulletins (by URL; equal URLs take one each): its URL's
    CRC-32 modulo the day's capacity, or the next free slot after it, or else the nearest free
    one before it (never round the end: a bulletin moved stays near its home, so the ids a
    change moves lie close together, ``splice``), the URLs placed in sorted order."""
    size = capacity(len(urls), step)
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
    first id of the day), and the ids a day takes (``step``)."""

    places: array
    ids: array
    slots: array
    step: int


def day_number(iso: str) -> int:
    """The day's ordinal (an ISO date's first ten characters)."""
    return dt.date.fromisoformat(iso[:10]).toordinal()


def order(keys: Sequence[tuple[str, str]]) -> Order:
    """The doc-id order of bulletins of KEYS ``(date, url)``, dates as ISO days; the step
    halved while an id would not fit in ``ID_LIMIT`` (only an archive of thousands of years
    whose days hold thousands of bulletins comes near it)."""
    by_day = sorted(range(len(keys)), key=lambda i: keys[i][0])
    step = slot_step(Counter(date for date, _ in keys).values())
    while True:
        found = _order(keys, by_day, step)
        if step == 1 or not found.ids or found.ids[-1] < ID_LIMIT:
            return found
        step //= 2


def _order(keys: Sequence[tuple[str, str]], by_day: list[int], step: int) -> Order:
    places, ids, slots = array("q"), array("q"), array("q")
    start, previous = 0, None
    for date, group in groupby(by_day, key=lambda i: keys[i][0]):
        day, number = list(group), day_number(date)
        start = first_id(date, step) if previous is None else start + (number - previous - 1) * step
        placed = sorted(zip(day_slots([keys[i][1] for i in day], step), day))
        for slot, i in placed:
            places.append(i)
            ids.append(start + slot)
            slots.append(slot)
        start += capacity(len(day), step)
        previous = number
    return Order(places, ids, slots, step)


def first_id(date: str, step: int) -> int:
    """The first id of the oldest day, DATE: a block for each day of its year before it."""
    return (day_number(date) - dt.date(int(date[:4]), 1, 1).toordinal()) * step
