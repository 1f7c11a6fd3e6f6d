"""Doc ids: every calendar day a block of ids in each tier, and each of a day's bulletins a
slot of its own in its day's blocks.

Every day from January 1 of the oldest bulletin's year to the newest bulletin's day takes
``step`` ids in the first tier, with or without bulletins. A block of ``step`` ids holds three
quarters as many bulletins (``block_fill``: 24 of 32); a day of more takes ``step`` more ids
in the second tier, and so on (its capacity: ``step`` for each fill its count needs). A tier
holds ``tier`` ids (``tier_size``: a power of two past the first tier's ids to December 31 of
the newest year), so slot s of a day whose first id is f has the id
(s // step) * tier + f + s % step. Each of a day's bulletins takes the slot its URL hashes to in
its block (the nearest free one when taken; the URLs ranked by their hashes, a block holding
its fill of them: ``day_slots``). So a bulletin added to, edited on or removed from any day
keeps the ids of every other day's bulletins, and of its own day's but for the few whose slot
it took or freed on the way (and, on a day of more than one block, the last of each later
block, which moves to the next); a day grown past a multiple of the fill moves a few of its
own too (2.2 of 24 in a block of 32; 1.9 of 12 in a block of 16, tested). The bytes of every
posting list the moved bulletins are not in stay, and a rebuild patches the lists one block
after another (``splice.patches``): a change costs what an edit costs, and each bulletin moved
brings its lists' shards into the rebuild. Before (index formats 10 and 11), a block held
``step`` bulletins, and a day grown past it moved 5.2 of 32.

``step`` is a power of two (16 at least) whose block holds the days of 99 % of the bulletins
(``slot_step``): 32 for 11 bulletins a day. Ids move only when ``step`` itself changes, when a
bulletin comes from a year older than the oldest (every id moves alike), or when the tier grows
(the newest year's end crosses a power of two: every id past the first tier): each rare. An
archive whose last id would pass ``ID_LIMIT`` (thousands of years, or a crowded day of more
bulletins than a tier has days) takes one tier, every day its capacity in one block, the step
halved until the ids fit. Before (index formats 8 and 9), a day's capacity was one block and a
day grown past a multiple of ``step`` moved every later id: the index was written again nearly
whole (a 50.6 s rebuild at 100,000 bulletins where the others took 26 s).

The unused ids are in no posting list and cost bytes only where a list's gap grows a
character; nothing on the query side is sized by the ids. The ids are a function of the dates
and URLs alone (``order``), so a rebuild and a cold build give the same ones; the manifest
carries the oldest and newest days, the oldest day's first id, ``step``, ``tier`` and the widest
day's capacity (in one tier, every day's count instead: ``build._days``), from which the query
side finds each id's day and slot (search-index.js ``dayRuns``, ``slotOf``), and a result-data
file is named by its bulletin's day and slot.
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
FILL_QUARTERS = 3  # a block of ids holds three quarters as many bulletins (``block_fill``)
HELD = 0.99  # the share of bulletins whose day fits in one step
ID_LIMIT = 2**31 - 1  # the query side reads an id's gap as a 32-bit number (search-index.js)


def slot_step(counts: Iterable[int]) -> int:
    """The ids a day takes (``MIN_STEP`` at least, a power of two): the least whose block
    holds (``block_fill``) the whole day of at least ``HELD`` of the bulletins, whose days have
    COUNTS bulletins."""
    counts = [count for count in counts if count > 0]
    allowed = (1 - HELD) * sum(counts)  # bulletins whose day may take more than one step
    step = MIN_STEP
    while True:
        fill = block_fill(step)  # once a step, not once a day
        if sum(count for count in counts if count > fill) <= allowed:
            return step
        step *= 2


def block_fill(step: int) -> int:
    """The bulletins a block of STEP ids holds: three quarters of it (``FILL_QUARTERS``), so that
    a slot taken is seldom far from a free one (``day_slots``)."""
    return max(1, step * FILL_QUARTERS // 4)


def capacity(count: int, step: int) -> int:
    """The ids a day of COUNT bulletins (none: an empty day) takes in blocks of STEP ids, each
    holding ``block_fill(step)`` of them."""
    return max(1, -(-count // block_fill(step))) * step


def day_slots(urls: Sequence[str], step: int) -> list[int]:
    """The slot of each of one day's bulletins (by URL; equal URLs take one each) in the day's
    capacity: the URLs ranked by their CRC-32 (then the URL), the first ``block_fill(step)`` of
    them in the first block of ``step`` slots, the next as many in the second, and so on; in its
    block a URL takes its CRC-32 modulo ``step``, or the next free slot after it, or else the
    nearest free one before it (never round the end: a bulletin moved stays near its home, so
    the ids a change moves lie close together, ``splice``), the URLs placed in their ranked
    order. A bulletin added to a full block takes its place in the ranking, and the last of each
    later block moves to the next; a quarter of each block is left free, so the slot it takes
    on the way is seldom far from a free one, and a day grown past a multiple of the fill moves
    few of its own (2.2 of 24 in a block of 32, where a block filled whole moved 5.2:
    ``benchmarks/day_moves.py``)."""
    homes = [zlib.crc32(url.encode("utf-8", "surrogatepass")) for url in urls]
    ranked = sorted(range(len(urls)), key=lambda i: (homes[i], urls[i], i))
    slots, fill = [0] * len(urls), block_fill(step)
    for block, start in enumerate(range(0, len(ranked), fill)):
        taken = bytearray(step)
        for i in ranked[start : start + fill]:
            home = homes[i] % step
            slot = taken.find(0, home)
            slot = slot if slot >= 0 else taken.rfind(0, 0, home)
            taken[slot], slots[i] = 1, block * step + slot
    return slots


class Order(NamedTuple):
    """Bulletins in doc-id order: their places in the input, ids, and slots (the place in their
    day's capacity, ``day_slots``), the ids a day takes in each tier (``step``) and the ids of a
    tier (``tier``; 0: one tier, a day's capacity in one block)."""

    places: array
    ids: array
    slots: array
    step: int
    tier: int = 0


def day_number(iso: str) -> int:
    """The day's ordinal (an ISO date's first ten characters)."""
    return dt.date.fromisoformat(iso[:10]).toordinal()


def tier_size(oldest: str, newest: str, step: int) -> int:
    """The ids of a tier: the least power of two that holds a block of STEP ids for every day
    from January 1 of the OLDEST date's year to December 31 of the NEWEST's."""
    days = dt.date(int(newest[:4]), 12, 31).toordinal() - dt.date(int(oldest[:4]), 1, 1).toordinal() + 1
    return 1 << (days * step - 1).bit_length()


def order(keys: Sequence[tuple[str, str]]) -> Order:
    """The doc-id order of bulletins of KEYS ``(date, url)``, dates as ISO days: in tiers
    (``_tiered``) when the last id fits in ``ID_LIMIT``, else every day's capacity in one block
    with the step halved until it fits (an archive of thousands of years, or one whose crowded
    day holds more bulletins than a tier has days, tested)."""
    by_day = sorted(range(len(keys)), key=lambda i: keys[i][0])
    step = slot_step(Counter(date for date, _ in keys).values())
    if keys:
        found = _tiered(keys, by_day, step)
        if found.ids[-1] < ID_LIMIT:
            return found
    while True:
        found = _order(keys, by_day, step)
        if step == 1 or not found.ids or found.ids[-1] < ID_LIMIT:
            return found
        step //= 2


def _days(keys: Sequence[tuple[str, str]], by_day: list[int], step: int) -> Iterable[tuple[str, list[int], list[int]]]:
    """Each day's date, its bulletins' places in KEYS and their slots (``day_slots``)."""
    for date, group in groupby(by_day, key=lambda i: keys[i][0]):
        day = list(group)
        yield date, day, day_slots([keys[i][1] for i in day], step)


def _tiered(keys: Sequence[tuple[str, str]], by_day: list[int], step: int) -> Order:
    """Slot s of a day whose first id is f: id (s // step) * tier + f + s % step."""
    oldest, newest = keys[by_day[0]][0], keys[by_day[-1]][0]
    tier, origin = tier_size(oldest, newest, step), dt.date(int(oldest[:4]), 1, 1).toordinal()
    tiers: dict[int, tuple[array, array, array]] = {}
    for date, day, slots in _days(keys, by_day, step):
        first = (day_number(date) - origin) * step
        for slot, i in sorted(zip(slots, day)):
            places, ids, own = tiers.setdefault(slot // step, (array("q"), array("q"), array("q")))
            places.append(i)
            ids.append(slot // step * tier + first + slot % step)
            own.append(slot)
    places, ids, slots = array("q"), array("q"), array("q")
    for level in sorted(tiers):
        places.extend(tiers[level][0])
        ids.extend(tiers[level][1])
        slots.extend(tiers[level][2])
    return Order(places, ids, slots, step, tier)


def _order(keys: Sequence[tuple[str, str]], by_day: list[int], step: int) -> Order:
    places, ids, slots = array("q"), array("q"), array("q")
    start, previous = 0, None
    for date, day, day_slot in _days(keys, by_day, step):
        number = day_number(date)
        start = first_id(date, step) if previous is None else start + (number - previous - 1) * step
        for slot, i in sorted(zip(day_slot, day)):
            places.append(i)
            ids.append(start + slot)
            slots.append(slot)
        start += capacity(len(day), step)
        previous = number
    return Order(places, ids, slots, step)


def first_id(date: str, step: int) -> int:
    """The first id of the oldest day, DATE: a block for each day of its year before it."""
    return (day_number(date) - dt.date(int(date[:4]), 1, 1).toordinal()) * step
